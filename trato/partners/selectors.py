"""Reads for the partner list, its export and the API list: one filtered queryset, always through visible_to."""

import re

from django.db.models import Exists, OuterRef, Prefetch, Q

from trato.core.listing import ANY, ListParams, ListSpec
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
        | Exists(contacts)
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
