"""Reads for the claim list, board, export and page: one filtered queryset, always through visible_to."""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from trato.claims.groups import CLAIM_GROUPS
from trato.claims.models import Action, Channel, Claim, Kind, OriginDocument, OriginLine, OriginType, State
from trato.claims.search import search_claims
from trato.claims.validation import is_record_id
from trato.core import saved_filters
from trato.core.listing import ANY, Groups, ListParams, ListSpec, RelatedFirst, counted, group_counts

SORTS = {
    "number": "number",
    "subject": "subject",
    "partner": "partner__name",
    "state": "state",
    "received": "received_on",
    "deadline": "deadline",
    "priority": "priority",
}
BOARD_COLUMNS = (State.DRAFT, State.OPEN, State.CLOSED, State.CANCELLED)
BOARD_CARDS_PER_COLUMN = 50
ACTIVE = "active"  # the state filter's "draft or open": the claims still being worked on
ACTIVE_STATES = (State.DRAFT, State.OPEN)
ACTIONS_DUE_WITHIN_DAYS = 7


def _is_iso_date(value: str) -> bool:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


CLAIM_LIST = ListSpec(
    sorts=SORTS,
    default_sort="-received",
    filters={
        "state": (*State.values, ACTIVE),
        "kind": Kind.values,
        "category": is_record_id,
        "responsible": ANY,  # a username, or "none"
        "mine": ("1",),  # the reader is responsible or assigned
        "my_actions": ("due",),  # the reader owns an action due within a week (or overdue), not done
        "partner": is_record_id,
        "contact": is_record_id,
        "channel": Channel.values,
        "origin": OriginType.values,
        "document": ANY,
        "product": ANY,
        "overdue": ("1",),
        "received_from": _is_iso_date,
        "received_to": _is_iso_date,
    },
    groups=CLAIM_GROUPS,
)
saved_filters.register("claims", CLAIM_LIST, "claims:list")


def _with_document(number: str) -> Exists:
    """An origin document whose number begins with ``number``, case ignored (an index on UPPER(number) serves it)."""
    return Exists(OriginDocument.objects.filter(claim=OuterRef("pk"), number__istartswith=number))


def _with_product(code: str) -> Exists:
    """A line whose product code begins with ``code``, case ignored (an index on UPPER(product_code) serves it)."""
    return Exists(OriginLine.objects.filter(document__claim=OuterRef("pk"), product_code__istartswith=code))


def search(queryset, q: str):
    """The claims every word of ``q`` finds, by index (trato/claims/search.py)."""
    return search_claims(queryset, q)


def assigned_to(user) -> Q:
    """Claims whose responsible is the user or that are assigned to them: the ids found through the responsible's
    index and the assignees' index on the user (a UNION), then the claims by key; an OR of the two would read every
    claim."""
    responsible = Claim.objects.filter(responsible=user).order_by().values("pk")
    assigned = Claim.assignees.through.objects.filter(user=user).order_by().values("claim_id")
    return Q(pk__in=responsible.union(assigned))


def actions_due(queryset, user, today=None):
    """The actions of ``queryset`` this user owns that are neither done nor carried over, due within a week or
    overdue, on claims still being worked on (the owner's index first)."""
    today = today or timezone.localdate()
    return queryset.filter(
        owner=user, done_on__isnull=True, carried_over=False, claim__state__in=ACTIVE_STATES,
        due_on__lte=today + datetime.timedelta(days=ACTIONS_DUE_WITHIN_DAYS),
    )  # fmt: skip


def _filter_reader(queryset, filters: dict, user):
    """The filters about the reader ("mine"); without a reader they filter nothing."""
    if user is None or not user.is_authenticated:
        return queryset
    if filters.get("mine"):
        queryset = queryset.filter(assigned_to(user))
    if filters.get("my_actions"):
        queryset = queryset.filter(Exists(actions_due(Action.objects.filter(claim=OuterRef("pk")), user)))
    return queryset


def _filter_people_and_places(queryset, filters: dict):
    if filters.get("category"):
        queryset = queryset.filter(category_id=int(filters["category"]))
    if filters.get("partner"):
        queryset = queryset.filter(partner_id=int(filters["partner"]))
    if filters.get("contact"):
        queryset = queryset.filter(contact_id=int(filters["contact"]))
    responsible = filters.get("responsible")
    if responsible == "none":
        queryset = queryset.filter(responsible__isnull=True)
    elif responsible:
        queryset = queryset.filter(responsible__username=responsible)
    return queryset


def _filter_documents(queryset, filters: dict):
    if filters.get("origin"):
        queryset = queryset.filter(
            Exists(OriginDocument.objects.filter(claim=OuterRef("pk"), doc_type=filters["origin"]))
        )
    if filters.get("document"):
        queryset = queryset.filter(_with_document(filters["document"]))
    if filters.get("product"):
        queryset = queryset.filter(_with_product(filters["product"]))
    return queryset


def filter_claims(queryset, *, q: str = "", filters: dict, user=None):
    """Apply the allow-listed filters of CLAIM_LIST (values already checked by ListSpec.parse); ``user`` is the
    reader, whom "mine" and "my actions" are about."""
    if filters.get("state") == ACTIVE:
        queryset = queryset.filter(state__in=ACTIVE_STATES)
    elif filters.get("state"):
        queryset = queryset.filter(state=filters["state"])
    for name in ("kind", "channel"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("overdue"):
        queryset = queryset.overdue()
    if filters.get("received_from"):
        queryset = queryset.filter(received_on__gte=filters["received_from"])
    if filters.get("received_to"):
        queryset = queryset.filter(received_on__lte=filters["received_to"])
    queryset = _filter_documents(_filter_people_and_places(queryset, filters), filters)
    queryset = _filter_reader(queryset, filters, user)
    return search(queryset, q) if q else queryset


def with_list_relations(queryset):
    """What a row or card shows, in one query whatever the number of claims."""
    return queryset.select_related("partner", "responsible", "category")


def claim_list(user, params: ListParams):
    queryset = filter_claims(Claim.objects.visible_to(user), q=params.q, filters=params.filters, user=user)
    return with_list_relations(CLAIM_LIST.sort(queryset, params))


def claim_groups(user, params: ListParams, query) -> Groups:
    """The list grouped by ``params.group``: counts per group of the claims the list shows (one GROUP BY on the
    column's index, then the first groups' names). ``query``: the list's query string, which each group links to."""
    return group_counts(claim_list(user, params), CLAIM_GROUPS[params.group], query=query)


def claim_pages(queryset, params: ListParams):
    """What the list page and the API paginate: sorted by the partner's name, claims with a partner and those
    without are read apart (core.listing.RelatedFirst), so no page sorts every claim."""
    if params.sort.removeprefix("-") == "partner":
        return RelatedFirst(queryset, "partner", descending=params.sort.startswith("-"))
    return queryset


# Open work is ordered by what is due first; finished claims by the newest (the oldest deadlines of five years of
# closed claims are what nobody looks for). Each order has an index that serves it.
BOARD_ORDER = {
    State.DRAFT: ("deadline", "-received_on", "-pk"),
    State.OPEN: ("deadline", "-received_on", "-pk"),
    State.CLOSED: ("-received_on", "-pk"),
    State.CANCELLED: ("-received_on", "-pk"),
}


# What a card shows (templates/claims/board.html), and nothing more: 200 cards of whole claims, partners and people
# cost more to read and build than the card shows.
BOARD_CARD_FIELDS = (
    "number", "kind", "state", "subject", "deadline", "received_on", "partner", "responsible",
    "partner__name", "responsible__username", "responsible__first_name", "responsible__last_name",
)  # fmt: skip


def claim_board(user, params: ListParams) -> list[dict]:
    """The board's columns: per state its count (bounded, as on the list) and the first cards; two queries a column."""
    filters = {name: value for name, value in params.filters.items() if name != "state"}
    queryset = filter_claims(Claim.objects.visible_to(user), q=params.q, filters=filters, user=user)
    queryset = queryset.select_related("partner", "responsible").only(*BOARD_CARD_FIELDS)
    columns = []
    for state in BOARD_COLUMNS:
        in_column = queryset.filter(state=state)
        total, exact = counted(in_column)
        cards = list(in_column.order_by(*BOARD_ORDER[state])[:BOARD_CARDS_PER_COLUMN])
        columns.append(
            {"state": state, "label": State(state).label, "total": total, "total_is_exact": exact, "cards": cards}
        )
    return columns


def claim_detail_queryset():
    """Everything the claim page shows, fetched in a fixed number of queries."""
    return Claim.objects.select_related(
        "partner", "contact", "responsible", "team", "category", "created_by"
    ).prefetch_related(
        "assignees",
        Prefetch("origins", queryset=OriginDocument.objects.prefetch_related("lines")),
        "causes",
        Prefetch("actions", queryset=Action.objects.select_related("owner")),
        "repairs",
    )
