"""The partners export: the list's partners (its filters and sort, through visible_to) as spreadsheet rows.

Read in chunks (a server-side cursor on PostgreSQL) as plain values, never as model instances, so an export of every
partner holds one chunk at a time; each chunk's tags are read in one more query.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any

from django.db import connections
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trato.core.export import chunks
from trato.partners.models import KIND_LABELS, KINDS, Partner, Tag

CHUNK_SIZE = 2000  # partners per database round trip

EXPORT_HEADERS = (
    ("ref", gettext_lazy("ERP code")),
    ("name", gettext_lazy("Name")),
    ("kinds", gettext_lazy("Kinds")),
    ("tax_id", gettext_lazy("Tax id")),
    ("email", gettext_lazy("Email")),
    ("phone", gettext_lazy("Phone")),
    ("mobile", gettext_lazy("Mobile")),
    ("street", gettext_lazy("Street")),
    ("postal_code", gettext_lazy("Postal code")),
    ("city", gettext_lazy("City")),
    ("state", gettext_lazy("Province / state")),
    ("country", gettext_lazy("Country")),
    ("tags", gettext_lazy("Tags")),
    ("salesperson", gettext_lazy("Salesperson")),
    ("purchasing_responsible", gettext_lazy("Purchasing responsible")),
    ("is_archived", gettext_lazy("Archived")),
)

# What a row is made of, read per partner (export_rows names them in this order).
FIELDS = (
    "pk", "ref", "name", "is_prospect", "is_customer", "is_supplier", "tax_id", "email", "phone", "phone_e164",
    "mobile", "mobile_e164", "street", "postal_code", "city", "state", "country",
    "salesperson__first_name", "salesperson__last_name", "salesperson__username",
    "purchasing_responsible__first_name", "purchasing_responsible__last_name", "purchasing_responsible__username",
    "is_archived",
)  # fmt: skip


def export_headers() -> list[str]:
    return [str(label) for _key, label in EXPORT_HEADERS]


def _person(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """As a user is shown (User.__str__): the full name, else the username; nobody is ""."""
    if username is None:  # no user: the outer join found nobody
        return ""
    return f"{first_name} {last_name}".strip() or username


def _tags(partner_ids: list[int]) -> dict[int, str]:
    """Each partner's tags, by name."""
    names = defaultdict(list)
    links = Partner.tags.through.objects.filter(partner_id__in=partner_ids).order_by("tag__name")
    for partner_id, name in links.values_list("partner_id", "tag__name"):
        names[partner_id].append(name)
    return {partner_id: ", ".join(partner_names) for partner_id, partner_names in names.items()}


def _row_maker() -> Callable[[tuple[Any, ...], str], list[Any]]:
    """What turns a partner's values (FIELDS but the pk) and its tags into a row, with the labels of the current
    language."""
    kind_labels = [str(KIND_LABELS[kind]) for kind in KINDS]
    yes, no = _("yes"), _("no")

    def row(values: tuple[Any, ...], tags: str) -> list[Any]:
        (ref, name, is_prospect, is_customer, is_supplier, tax_id, email, phone, phone_e164, mobile, mobile_e164,
         street, postal_code, city, state, country, sales_first, sales_last, sales_username, buyer_first, buyer_last,
         buyer_username, is_archived) = values  # fmt: skip
        flags = (is_prospect, is_customer, is_supplier)  # in the order of KINDS
        kinds = ", ".join(label for label, flag in zip(kind_labels, flags, strict=True) if flag)
        return [
            ref, name, kinds, tax_id, email, phone_e164 or phone, mobile_e164 or mobile, street, postal_code, city,
            state, country, tags, _person(sales_first, sales_last, sales_username),
            _person(buyer_first, buyer_last, buyer_username), yes if is_archived else no,
        ]  # fmt: skip

    return row


def export_rows(partners: QuerySet[Partner], *, chunk_size: int | None = None) -> Iterator[list[Any]]:
    """The rows under EXPORT_HEADERS, read lazily, a chunk of partners per database round trip; labels are those of
    the language active when the first row is read.

    On PostgreSQL each partner's tags come with it (an array subquery); elsewhere they are read in one query per
    chunk.
    """
    row = _row_maker()
    chunk_size = chunk_size or CHUNK_SIZE
    partners = partners.prefetch_related(None)
    if connections[partners.db].vendor == "postgresql":
        values = partners.annotate(tag_names=_tag_names()).values_list(*FIELDS, "tag_names")
        for partner in values.iterator(chunk_size=chunk_size):
            yield row(partner[1:-1], ", ".join(partner[-1]))
        return
    with closing(chunks(partners.values_list(*FIELDS).iterator(chunk_size=chunk_size), chunk_size)) as reads:
        for chunk in reads:
            tags = _tags([partner[0] for partner in chunk])
            for partner in chunk:
                yield row(partner[1:], tags.get(partner[0], ""))


def _tag_names() -> Subquery:
    """PostgreSQL: the partner's tag names, in order."""
    from django.contrib.postgres.expressions import ArraySubquery  # PostgreSQL only (imports psycopg)

    return ArraySubquery(Tag.objects.filter(partners=OuterRef("pk")).order_by("name").values("name"))
