"""The claims export: the list's claims (its filters and sort, through visible_to) as spreadsheet rows.

Read in chunks (a server-side cursor on PostgreSQL) as plain values, never as model instances: an export of every
claim holds one chunk at a time. Each chunk's origin documents are read in one more query. The labels (kind, state,
priority, ...) are looked up in the choices, in the reader's language.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from typing import Any

from django.db import connections
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from trato.claims.forms import partner_heading
from trato.claims.models import Channel, Claim, Kind, OriginDocument, OriginType, Priority, Resolution, State
from trato.core.export import chunks
from trato.reports.formatting import default_currency

CHUNK_SIZE = 2000  # claims per database round trip

EXPORT_HEADERS = (
    ("number", gettext_lazy("Number")),
    ("kind", gettext_lazy("Kind")),
    ("state", gettext_lazy("State")),
    ("subject", gettext_lazy("Subject")),
    ("partner", gettext_lazy("Customer / supplier")),  # a single kind's own word when the export is of one kind
    ("responsible", gettext_lazy("Responsible")),
    ("category", gettext_lazy("Category")),
    ("priority", gettext_lazy("Priority")),
    ("channel", gettext_lazy("Came in by")),
    ("received_on", gettext_lazy("Date received")),
    ("deadline", gettext_lazy("Deadline")),
    ("overdue", gettext_lazy("Overdue")),
    ("documents", gettext_lazy("Origin documents")),
    ("resolution", gettext_lazy("Resolution")),
    ("resolution_cost", gettext_lazy("Cost")),
    ("closed_at", pgettext_lazy("claim date", "Closed")),
)

EXPORT_HEADERS_BY_KEY = dict(EXPORT_HEADERS)

# What a row is made of, read per claim (export_row names them in this order).
FIELDS = (
    "pk", "number", "kind", "state", "subject", "partner__name", "responsible__first_name", "responsible__last_name",
    "responsible__username", "category__name", "priority", "channel", "received_on", "deadline", "resolution",
    "resolution_cost", "closed_at",
)  # fmt: skip
OPEN_STATES = frozenset({State.DRAFT, State.OPEN})


def export_headers(claims: QuerySet[Claim]) -> list[str]:
    """The column headings; the partner's is the kind's own word ("Supplier") when every claim with one is of one
    kind."""
    kinds = claims.filter(partner__isnull=False).order_by().values_list("kind", flat=True).distinct()
    cost = f"{EXPORT_HEADERS_BY_KEY['resolution_cost']} ({default_currency()})"  # amounts name their currency
    labels = {**EXPORT_HEADERS_BY_KEY, "partner": partner_heading(kinds), "resolution_cost": cost}
    return [str(labels[key]) for key, _label in EXPORT_HEADERS]


def _labels(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Each stored value's label in the current language (a value no longer among the choices shows as itself)."""
    return {value: str(label) for value, label in choices}


def _person(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """As a user is shown (User.__str__): the full name, else the username; nobody is ""."""
    if username is None:  # no user: the outer join found nobody
        return ""
    return f"{first_name} {last_name}".strip() or username


def _named(codes: list[str], doc_types: dict[str, str]) -> str:
    """Documents as type code and number ("invoice F-1") named as the claim page names them ("Invoice F-1")."""
    named = []
    for code in codes:
        doc_type, _space, number = code.partition(" ")  # a type code has no space; a number may
        named.append(f"{doc_types.get(doc_type, doc_type)} {number}")
    return ", ".join(named)


def _documents(claim_ids: list[int], doc_types: dict[str, str]) -> dict[int, str]:
    """Each claim's origin documents, oldest first, in one query for a chunk of claims."""
    codes = defaultdict(list)
    documents = OriginDocument.objects.filter(claim_id__in=claim_ids).order_by("pk")
    for claim_id, doc_type, number in documents.values_list("claim_id", "doc_type", "number"):
        codes[claim_id].append(f"{doc_type} {number}")
    return {claim_id: _named(claim_codes, doc_types) for claim_id, claim_codes in codes.items()}


def _row_maker() -> Callable[[tuple[Any, ...], str], list[Any]]:
    """What turns a claim's values (FIELDS) and its documents into a row, with the labels and "today" (for overdue)
    of the current language and time zone."""
    kinds, states, priorities = _labels(Kind.choices), _labels(State.choices), _labels(Priority.choices)
    channels, resolutions = _labels(Channel.choices), _labels(Resolution.choices)
    yes, no, today = _("yes"), _("no"), timezone.localdate()

    def row(values: tuple[Any, ...], documents: str) -> list[Any]:
        (number, kind, state, subject, partner, first_name, last_name, username, category, priority, channel,
         received_on, deadline, resolution, cost, closed_at) = values  # fmt: skip
        return [
            number, kinds.get(kind, kind), states.get(state, state), subject, partner or "",
            _person(first_name, last_name, username), category or "", priorities.get(priority, priority),
            channels.get(channel, channel), received_on, deadline,
            yes if deadline and state in OPEN_STATES and deadline < today else no, documents,
            resolutions.get(resolution, resolution), cost, closed_at,
        ]  # fmt: skip

    return row


def export_rows(claims: QuerySet[Claim], *, chunk_size: int | None = None) -> Iterator[list[Any]]:
    """The rows under EXPORT_HEADERS, read lazily, a chunk of claims per database round trip; labels are those of
    the language and time zone active when the first row is read.

    On PostgreSQL each claim's documents come with it (an array subquery on the claim's index); elsewhere they are
    read in one query per chunk.
    """
    row, doc_types = _row_maker(), _labels(OriginType.choices)
    chunk_size = chunk_size or CHUNK_SIZE
    claims = claims.prefetch_related(None)
    if connections[claims.db].vendor == "postgresql":
        values = claims.annotate(document_codes=_document_codes()).values_list(*FIELDS, "document_codes")
        for claim in values.iterator(chunk_size=chunk_size):
            yield row(claim[1:-1], _named(claim[-1], doc_types))
        return
    with closing(chunks(claims.values_list(*FIELDS).iterator(chunk_size=chunk_size), chunk_size)) as reads:
        for chunk in reads:
            documents = _documents([claim[0] for claim in chunk], doc_types)
            for claim in chunk:
                yield row(claim[1:], documents.get(claim[0], ""))


def _document_codes() -> Subquery:
    """PostgreSQL: the claim's documents as "type-code number" texts, oldest first."""
    from django.contrib.postgres.expressions import ArraySubquery  # PostgreSQL only (imports psycopg)

    documents = OriginDocument.objects.filter(claim=OuterRef("pk")).order_by("pk")
    return ArraySubquery(documents.annotate(code=Concat("doc_type", Value(" "), "number")).values("code"))
