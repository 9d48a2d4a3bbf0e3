"""List pages: search text, filters, sort and page read from the query string against allow-lists.

All of a list's state lives in the URL, so a list can be bookmarked, shared, reloaded and exported as it is
shown. A value that is not allowed is ignored (the list shows as if it were absent): never a 500.

    LIST = ListSpec(sorts={"name": "name", "created": "created_at"}, default_sort="name",
                    filters={"kind": {"customer", "supplier"}, "tag": ANY})
    params = LIST.parse(request.GET)
    queryset = LIST.sort(queryset, params)
    page = paginate(queryset, params)
    links = LIST.sort_links(request.GET, params)   # {"name": SortLink(url, active, descending), ...}

A list may also be grouped (``groups``: ``?group=state`` shows one row per state with its count, each linking to
the list filtered by it: ``group_counts``), and its state saved under a name (trato/core/saved_filters.py keeps
``ListSpec.query_of(params)``, the same allow-listed query string).
"""

import base64
import binascii
import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Func, IntegerField, Model, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan  # type: ignore[import-untyped]  # new in 5.2: no stubs yet
from django.http import QueryDict
from django.utils.functional import Promise, cached_property
from django.utils.http import urlencode

_Row = TypeVar("_Row", bound=Model)

ANY = None  # a filter that takes any non-empty text (e.g. a tag name); the view decides what it matches
MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class ListParams:
    q: str
    sort: str
    page: str
    filters: dict[str, str] = field(default_factory=dict)
    group: str = ""  # a key of the spec's groups, or "" for rows
    active: int = 0  # how many filters the URL set (a default is not one)

    def filter(self, name: str, default: str = "") -> str:
        return self.filters.get(name, default)


@dataclass(frozen=True)
class SortLink:
    url: str
    active: bool
    descending: bool


# A filter's allowed values: ANY, a collection of strings, or a function that says whether a value is allowed.
Allowed = Collection[str] | Callable[[str], bool] | None


def _allowed(value: str, allowed: Allowed) -> bool:
    if allowed is ANY:
        return True
    if callable(allowed):
        return bool(allowed(value))
    return value in allowed


@dataclass(frozen=True)
class ListSpec:
    sorts: Mapping[str, str]  # public key -> model field (or annotation) to order by
    default_sort: str
    filters: Mapping[str, Allowed] = field(default_factory=dict)
    defaults: Mapping[str, str] = field(default_factory=dict)  # a filter's value when the URL has none
    groups: Mapping[str, "GroupBy"] = field(default_factory=dict)  # ?group=<key>: counts per value instead of rows

    def parse(self, query: QueryDict) -> ListParams:
        sort = query.get("sort", "")
        if sort.removeprefix("-") not in self.sorts:
            sort = self.default_sort
        filters = dict(self.defaults)
        for name, allowed in self.filters.items():
            value = query.get(name, "").strip()[:MAX_QUERY_LENGTH]
            if value and _allowed(value, allowed):
                filters[name] = value
        q = " ".join(query.get("q", "").split())[:MAX_QUERY_LENGTH]
        group = query.get("group", "")
        active = sum(1 for name, value in filters.items() if value != self.defaults.get(name))
        return ListParams(
            q=q, sort=sort, page=query.get("page", "1"), filters=filters,
            group=group if group in self.groups else "", active=active,
        )  # fmt: skip

    def query_of(self, params: ListParams) -> str:
        """The list's state as a query string without "?" or page, only what differs from the list as it opens:
        what a saved filter keeps. Its values are those ``parse`` allowed, so it parses back to the same state."""
        values = {"q": params.q, "sort": params.sort if params.sort != self.default_sort else "", "group": params.group}
        values |= {name: value for name, value in params.filters.items() if value != self.defaults.get(name)}
        return urlencode(sorted((name, value) for name, value in values.items() if value))

    def sort(self, queryset: QuerySet[_Row], params: ListParams) -> QuerySet[_Row]:
        prefix = "-" if params.sort.startswith("-") else ""
        return queryset.order_by(prefix + self.sorts[params.sort.removeprefix("-")], prefix + "pk")

    def sort_links(self, query: QueryDict, params: ListParams) -> dict[str, SortLink]:
        """For each sort key, the URL that sorts by it (ascending, or flipped when it is the current sort)."""
        current = params.sort.removeprefix("-")
        descending = params.sort.startswith("-")
        links = {}
        for key in self.sorts:
            target = f"-{key}" if key == current and not descending else key
            links[key] = SortLink(query_string(query, sort=target, page=None), key == current, descending)
        return links


def query_string(query: QueryDict, **changes: str | None) -> str:
    """The query string with some parameters replaced; None or "" removes one."""
    params = query.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value:  # neither None nor ""
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True)


# Groups: the rows counted per value of one column, in one aggregate query (two with the values' names)


@dataclass(frozen=True)
class GroupName:
    label: str
    value: str  # the value of the list's filter that shows this group's rows; "" when no filter does


@dataclass(frozen=True)
class GroupBy:
    """A way to group a list: by ``column`` (a field of the model, or its foreign key's ``<name>_id``), each group
    linking to the list with ``filter`` set to the group's value. ``names(keys)`` says each key's label and filter
    value (a choice's label; for foreign keys the related rows' names, read in one query); it gets None for the rows
    without a value."""

    label: str | Promise
    column: str
    filter: str
    names: Callable[[list[Any]], Mapping[Any, GroupName]]


@dataclass(frozen=True)
class Group:
    label: str
    count: int
    url: str  # the list filtered by this group ("?…"), or "" when no filter shows it


@dataclass(frozen=True)
class Groups:
    by: GroupBy
    groups: list[Group]
    total: int  # rows in every group
    others: int  # rows in the groups past the first ``top``
    other_groups: int  # how many such groups


GROUP_TOP = 25  # groups shown; the rest add up in one "Others" line


class _OverGroups(Func):
    """An aggregate of the groups beside each group (a window over the grouped rows): ``SUM(COUNT(*)) OVER ()`` is
    how many rows the groups hold, ``COUNT(*) OVER ()`` how many groups there are. Counted as an aggregate, so it is
    never a column to group by."""

    contains_aggregate = True
    contains_over_clause = True

    def __init__(self, template: str) -> None:
        super().__init__(template=template, output_field=IntegerField())


def group_counts(queryset: QuerySet[Any], by: GroupBy, *, query: QueryDict, top: int = GROUP_TOP) -> Groups:
    """How many rows of ``queryset`` (already through visible_to and the list's filters) each value of ``by.column``
    has, the largest groups first: one GROUP BY on the column's index, whose window totals give "Others" and the
    total in the same query; then the first groups' names. ``query`` is the list's query string: each group links
    to it with the group's filter set."""
    rows = list(
        queryset.order_by()
        .values(by.column)
        .annotate(
            rows=Count("*"), all_rows=_OverGroups("SUM(COUNT(*)) OVER ()"), all_groups=_OverGroups("COUNT(*) OVER ()")
        )
        .order_by("-rows", by.column)[:top]
    )
    names = by.names([row[by.column] for row in rows]) if rows else {}
    groups = []
    for row in rows:
        name = names.get(row[by.column]) or GroupName(str(row[by.column]), "")
        url = query_string(query, **{by.filter: name.value, "group": None, "page": None}) if name.value else ""
        groups.append(Group(name.label, row["rows"], url))
    total = int(rows[0]["all_rows"]) if rows else 0
    shown = sum(group.count for group in groups)
    return Groups(by, groups, total, total - shown, (int(rows[0]["all_groups"]) - len(rows)) if rows else 0)


@dataclass(frozen=True)
class RelatedFirst:
    """A list sorted by a field of an optional relation (claims by their partner's name), read in two parts so an
    index serves each: the rows that have the relation (an inner join, walked in the related table's index order),
    then those that have none; the other way round when descending (PostgreSQL's NULLS FIRST). One big sort of a
    join of every row becomes two index walks."""

    queryset: QuerySet[Any]  # already sorted by the relation's field, then pk
    relation: str
    descending: bool = False

    @property
    def parts(self) -> tuple[QuerySet[Any], QuerySet[Any]]:
        related = self.queryset.filter(**{f"{self.relation}__isnull": False})
        unrelated = self.queryset.filter(**{f"{self.relation}__isnull": True}).order_by(
            "-pk" if self.descending else "pk"
        )
        return (unrelated, related) if self.descending else (related, unrelated)


Rows = QuerySet[Any] | RelatedFirst


def counted(rows: Rows, limit: int | None = None) -> tuple[int, bool]:
    """(how many rows match, counting at most ``limit``; whether that is all of them). Counting 200,000 claims
    costs more than showing a page of them; past the limit a list says "more than …"."""
    limit = limit or settings.TRATO_COUNT_LIMIT
    if isinstance(rows, RelatedFirst):
        first, then = rows.parts
        found = first.order_by()[: limit + 1].count()
        if found <= limit:
            found += then.order_by()[: limit + 1 - found].count()
    else:
        found = rows.order_by()[: limit + 1].count()
    return min(found, limit), found <= limit


def page_rows(rows: Rows, start: int, size: int) -> list[Any]:
    """The rows ``start`` to ``start + size`` in the list's order. Deep pages first find the rows' keys (an
    index-only walk when an index matches the sort) and then read only those rows, instead of reading and
    discarding every row before ``start``."""
    if isinstance(rows, RelatedFirst):
        first, then = rows.parts
        found = page_rows(first, start, size)
        if len(found) < size:
            in_first = start + len(found) if found else first.count()
            found += page_rows(then, max(0, start - in_first), size - len(found))
        return found
    queryset = rows
    if start < DEFERRED_FROM:
        return list(queryset[start : start + size])
    keys = list(queryset.values_list("pk", flat=True)[start : start + size])
    by_key = {row.pk: row for row in queryset.filter(pk__in=keys).order_by()}
    return [by_key[key] for key in keys if key in by_key]


DEFERRED_FROM = 500  # from this offset on, page_rows reads keys first


class BoundedPaginator(Paginator):  # type: ignore[type-arg]  # over querysets of any model
    """Django's paginator with a bounded count (``count_is_exact`` says whether it is all) and cheap deep pages."""

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        return counted(cast(Rows, self.object_list))

    @cached_property
    def count(self) -> int:
        return self._counted[0]

    @property
    def count_is_exact(self) -> bool:
        return self._counted[1]

    def page(self, number: Any) -> Page[_Row]:
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        rows = page_rows(cast(Rows, self.object_list), start, self.per_page)
        return cast(Page[_Row], self._get_page(rows, number, self))  # type: ignore[attr-defined]  # Django's own hook


def paginate(queryset: QuerySet[_Row] | RelatedFirst, params: ListParams, per_page: int | None = None) -> Page[_Row]:
    """One bounded COUNT and one SELECT (two on deep pages); a page number out of range shows the nearest page."""
    paginator = BoundedPaginator(cast(QuerySet[_Row], queryset), per_page or settings.TRATO_LIST_PAGE_SIZE)
    return paginator.get_page(params.page)


# Cursors: the API's deep pages without an offset ("keyset" pagination). A cursor names the last row of a page by
# its sort values; the next page is the rows after it, found through the same index that serves the sort, however
# deep. It fits lists sorted by fields of the model that are never empty (then the primary key).


class BadCursor(ValueError):
    """A cursor that is not one of this list's (edited, from another sort, or from another list)."""


def keyset_order(rows: Rows) -> list[str] | None:
    """The list's order as field names if a cursor can continue it, else None."""
    if isinstance(rows, RelatedFirst):
        return None
    order = [str(item) for item in rows.query.order_by]
    if not order or order[-1].lstrip("-") != "pk":
        return None
    for item in order[:-1]:
        try:
            sort_field = _sort_field(rows.model, item)
        except FieldDoesNotExist:
            return None
        if not sort_field.concrete or sort_field.null or sort_field.is_relation:
            return None
    return order


def _sort_field(model: type[Model], item: str) -> Any:
    name = item.lstrip("-")
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def cursor_after(row: Model, order: list[str]) -> str:
    values = [_cursor_value(getattr(row, item.lstrip("-"))) for item in order]
    text = json.dumps({"order": order, "values": values}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _cursor_value(value: Any) -> Any:
    """A sort value as JSON: dates and times as ISO text, numbers and text as they are, anything else (a UUID, a
    Decimal) as its text; the field's to_python reads it back."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)


def rows_after(rows: QuerySet[_Row], order: list[str], cursor: str) -> QuerySet[_Row]:
    """The rows that come after the cursor's row in ``order``: (a > x) or (a = x and b > y) or …"""
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if payload["order"] != order or len(payload["values"]) != len(order):
            raise BadCursor
        pairs = zip(order, payload["values"], strict=True)
        values = [_sort_field(rows.model, item).to_python(value) for item, value in pairs]
    except (ValueError, TypeError, KeyError, DjangoValidationError, binascii.Error) as error:
        raise BadCursor from error
    names = [item.lstrip("-") for item in order]
    descending = {item.startswith("-") for item in order}
    if len(descending) == 1:  # one direction: a row comparison, (a, b) < (x, y), which the sort's index serves
        lookup = TupleLessThan if descending == {True} else TupleGreaterThan
        return rows.filter(lookup(Tuple(*(F(name) for name in names)), tuple(values)))
    condition = Q(pk__in=[])
    for depth, item in enumerate(order):
        equal = {name.lstrip("-"): value for name, value in zip(order[:depth], values, strict=False)}
        beyond = "lt" if item.startswith("-") else "gt"
        condition |= Q(**equal, **{f"{item.lstrip('-')}__{beyond}": values[depth]})
    return rows.filter(condition)
