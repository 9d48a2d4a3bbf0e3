"""Reads for the partner list, its export and the API list: one filtered queryset, always through visible_to."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.expressions import Combinable
from django.db.models.functions import Reverse
from django.db.models.lookups import StartsWith

from trato.core import saved_filters
from trato.core.listing import ANY, ListParams, ListSpec
from trato.core.search import MIN_CODE, every_way, first_of_each, is_fragment, matching_any, parse_query
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
saved_filters.register("partners", PARTNER_LIST, "partners:list")


def name_fragment(word: str, *, through: str = "") -> Q:
    """Partners whose name holds ``word``, accents and case ignored ("perez" finds "Pérez"): trigram-indexed.
    ``through``: the path to the partner from another model ("partner__")."""
    condition = Q(**{f"{through}name__icontains": word})
    if is_fragment(key := name_key(word)):
        condition |= Q(**{f"{through}name_key__contains": key})
    return condition


def contact_fragment(word: str) -> Q:
    return Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)


def partner_arms(word: str, *, also: Q | None = None) -> list[Q]:
    """What ``word`` finds, one condition per table it is looked up in (each served by that table's indexes): the
    beginning of the ERP code or tax id, a fragment of the name, e-mail or city, a fragment of a contact's name or
    e-mail. ``also``: one more condition on the partner (a phone number)."""
    own = Q(ref__istartswith=word)
    if len(tax_id := normalise_tax_id(word)) >= MIN_CODE:
        own |= Q(tax_id_normalized__startswith=tax_id)  # "B-12.345" finds "B12345678"
    if also is not None:
        own |= also
    if not is_fragment(word):
        return [own]
    own |= name_fragment(word) | Q(email__icontains=word) | Q(city__icontains=word)
    contacts = Contact.objects.filter(partner=OuterRef("pk")).filter(contact_fragment(word))
    return [own, Q(Exists(contacts))]


def _ways(q: str) -> list[Q]:
    query = parse_query(q)
    phone = phone_condition(query.phone) if query.phone else None
    if not query.words:  # a phone number typed with spaces, or nothing to look up
        return [phone] if phone is not None else []
    # With a phone number there is only one word (the number without spaces): either may match.
    return every_way([partner_arms(word, also=phone) for word in query.words])


def search(queryset, q: str):
    """The partners ``q`` finds, all of them (lists count them): trato/core/search.py says how a query is read. A
    phone number is looked up by its E.164 form."""
    return matching_any(queryset, _ways(q))


def first_found(queryset, q: str, order: Sequence[str | Combinable], limit: int):
    """The first ``limit`` partners in ``order`` that ``q`` finds (the global search): each way of matching is asked
    for its own first rows (core.search.first_of_each)."""
    return first_of_each(queryset, _ways(q), order, limit)


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


def _phone_key_condition(key: str) -> Q:
    """An E.164 key ("+34976123456") by equality; trailing digits ("976123456") as the beginning of the reversed
    number, which an index on reverse(phone_e164) serves (PostgreSQL; a suffix match could use no index)."""
    if key.startswith("+"):
        return Q(phone_e164=key) | Q(mobile_e164=key)
    backwards = key[::-1]
    return Q(StartsWith(Reverse("phone_e164"), backwards)) | Q(StartsWith(Reverse("mobile_e164"), backwards))


def phone_condition(number: str, region: str | None = None) -> Q:
    """Partners or contacts with this number, exactly or by its trailing national digits; nobody when the text
    holds no number."""
    condition = Q(pk__in=[])
    for key in phones.match_keys(number, region):
        condition |= _phone_key_condition(key)
    return condition


def _matching(condition: Q, user) -> tuple[list[Partner], list[Contact]]:
    partners = Partner.objects.filter(is_archived=False).filter(condition)
    contacts = Contact.objects.filter(is_archived=False).filter(condition).select_related("partner")
    if user is not None:
        partners, contacts = partners.visible_to(user), contacts.visible_to(user)
    return list(partners.order_by("name", "pk")[:20]), list(contacts.order_by("last_name", "pk")[:20])


def phone_matches(number: str, *, user=None, region: str | None = None) -> PhoneMatches:
    """Partners and contacts with this number: the exact E.164 first (indexed); only if none has it, those whose
    stored number ends with the same national digits (a phone system that drops or garbles the country prefix).
    With ``user``, only records that user may see. Both steps are index lookups (_phone_key_condition)."""
    for key in phones.match_keys(number, region):
        partners, contacts = _matching(_phone_key_condition(key), user)
        if partners or contacts:
            return PhoneMatches("e164" if key.startswith("+") else "digits", partners, contacts)
    return NO_MATCH
