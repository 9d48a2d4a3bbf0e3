"""Reads for the partner list, its export and the API list: one filtered queryset, always through visible_to."""

import re
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q

from trato.core.listing import ANY, ListParams, ListSpec
from trato.partners import phones
from trato.partners.duplicates import name_key, normalise_tax_id
from trato.partners.models import KINDS, Contact, Partner, Tag

ARCHIVED_CHOICES = ("active", "archived", "all")
SORTS = {"name": "name", "ref": "ref", "city": "city", "country": "country", "created": "created_at"}


def _is_country_code(value: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z]{2}", value))


PARTNER_LIST = ListSpec(
    sorts=SORTS,
    default_sort="name",
    filters={"kind": KINDS, "tag": ANY, "salesperson": ANY, "country": _is_country_code, "archived": ARCHIVED_CHOICES},
    defaults={"archived": "active"},
)


def _word_matches(word: str) -> Q:
    contacts = Contact.objects.filter(partner=OuterRef("pk")).filter(
        Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
    )
    condition = (
        Q(name__icontains=word)
        | Q(ref__icontains=word)
        | Q(email__icontains=word)
        | Q(city__icontains=word)
        | Q(tax_id__icontains=word)
        | Q(Exists(contacts))
    )
    if key := name_key(word):
        condition |= Q(name_key__contains=key)  # "perez" finds "Pérez"
    if len(tax_id := normalise_tax_id(word)) >= 3:
        condition |= Q(tax_id_normalized__contains=tax_id)  # "B-12.345" finds "B12345678"
    return condition


def search(queryset, q: str):
    for word in q.split()[:8]:
        queryset = queryset.filter(_word_matches(word))
    return queryset


def filter_partners(queryset, *, q: str = "", kind: str = "", tag: str = "", salesperson: str = "",
                    country: str = "", archived: str = "active"):  # fmt: skip
    if archived == "active":
        queryset = queryset.filter(is_archived=False)
    elif archived == "archived":
        queryset = queryset.filter(is_archived=True)
    if kind in KINDS:
        queryset = queryset.filter(**{f"is_{kind}": True})
    if tag:
        queryset = queryset.filter(Exists(Tag.objects.filter(partners=OuterRef("pk"), name__iexact=tag)))
    if salesperson == "none":
        queryset = queryset.filter(salesperson__isnull=True)
    elif salesperson:
        queryset = queryset.filter(salesperson__username=salesperson)
    if country:
        queryset = queryset.filter(country=country.upper())
    return search(queryset, q) if q else queryset


def with_list_relations(queryset):
    """What a list row shows, fetched in a fixed number of queries whatever the number of rows."""
    return queryset.select_related("salesperson", "purchasing_responsible").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name"))
    )


def partner_list(user, params: ListParams):
    queryset = filter_partners(Partner.objects.visible_to(user), q=params.q, **params.filters)
    return with_list_relations(PARTNER_LIST.sort(queryset, params))


# Who is calling: partners and contacts by phone number


@dataclass(frozen=True)
class PhoneMatches:
    """Partners and contacts whose phone or mobile matched, and how: "e164" (exact) or "digits" (trailing digits)."""

    matched_by: str
    partners: list[Partner]
    contacts: list[Contact]

    def __bool__(self) -> bool:
        return bool(self.partners or self.contacts)


NO_MATCH = PhoneMatches("", [], [])


def _phone_condition(lookup: str, key: str) -> Q:
    return Q(**{f"phone_e164__{lookup}": key}) | Q(**{f"mobile_e164__{lookup}": key})


def _matching(key: str, lookup: str, user) -> tuple[list[Partner], list[Contact]]:
    partners = Partner.objects.filter(is_archived=False).filter(_phone_condition(lookup, key))
    contacts = Contact.objects.filter(is_archived=False).filter(_phone_condition(lookup, key)).select_related("partner")
    if user is not None:
        partners, contacts = partners.visible_to(user), contacts.visible_to(user)
    return list(partners.order_by("name", "pk")[:20]), list(contacts.order_by("last_name", "pk")[:20])


def phone_matches(number: str, *, user=None, region: str | None = None) -> PhoneMatches:
    """Partners and contacts with this number: the exact E.164 first (indexed); only if none has it, those whose
    stored number ends with the same national digits (a phone system that drops or garbles the country prefix).
    With ``user``, only records that user may see. The trailing-digits step is a suffix match the E.164 indexes
    cannot serve; it runs only when the exact step found nobody."""
    keys = phones.match_keys(number, region)
    for key in keys:
        lookup = "exact" if key.startswith("+") else "endswith"
        partners, contacts = _matching(key, lookup, user)
        if partners or contacts:
            return PhoneMatches("e164" if lookup == "exact" else "digits", partners, contacts)
    return NO_MATCH
