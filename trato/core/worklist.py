"""My work: the home page's blocks of what waits for the reader, registered by each app from its own ``worklist.py``
(autodiscovered when the core app is ready), as the reports' sections are.

An item says who may see its block (``may_see``) and which rows it holds (``queryset``, already narrowed by
``Model.objects.visible_to(user)``): the registry decides whether a block is shown, never which rows it counts. Its
``url`` is the app's list filtered the same way, so "see all" shows the same rows. A block costs two queries (a
bounded count and its first rows) whatever the data; one item per section may give its count to the navigation
(``in_nav``): one count a request, kept on the request (besides the roles that ``visible_to`` reads once).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from trato.core.listing import counted
from trato.core.types import AnyUser

ROWS = 5  # rows a block shows; "see all" opens the list
COUNT_LIMIT = 99  # a block or the navigation says "99+" past it: a worklist is read, not counted


def anyone(user: AnyUser) -> bool:
    return True


@dataclass(frozen=True)
class WorkItem:
    key: str
    title: str | Promise
    app: str  # the navigation section it belongs to (trato.core.navigation.SECTIONS): its count goes next to it
    queryset: Callable[[Any], QuerySet[Any]]  # (user) -> the rows, narrowed by visible_to, in the order shown
    url: Callable[[Any], str]  # (user) -> the list filtered the same way, in the same order
    order: int = 100  # blocks are shown by order, then by key
    may_see: Callable[[Any], bool] = anyone  # (user) -> whether the block is shown at all
    row_template: str = "core/_work_row.html"  # one row, given ``row``; the default links str(row) to its page
    empty: str | Promise = _("Nothing waiting.")
    in_nav: bool = False  # its count is shown next to its section in the navigation (one item per section)


@dataclass(frozen=True)
class Block:
    """A work item as the page shows it: its bounded count, its first rows and its "see all" link."""

    item: WorkItem
    count: int
    count_is_exact: bool
    rows: list[Any]
    url: str


@dataclass(frozen=True)
class NavCount:
    count: int
    count_is_exact: bool
    title: str | Promise  # what is counted, for screen readers


_items: dict[str, WorkItem] = {}


def register(item: WorkItem) -> WorkItem:
    """Add an item; a different item under a key already taken, or a second ``in_nav`` item for a section, is a
    programming error."""
    known = _items.get(item.key)
    if known is not None and known != item:
        raise ValueError(f"A work item {item.key!r} is already registered")
    if item.in_nav and any(
        other.in_nav and other.app == item.app and other.key != item.key for other in _items.values()
    ):
        raise ValueError(f"The section {item.app!r} already has a work item counted in the navigation")
    _items[item.key] = item
    return item


def unregister(key: str) -> None:
    _items.pop(key, None)


def items_for(user: Any) -> list[WorkItem]:
    """The items this user may see, by order then key."""
    items = sorted(_items.values(), key=lambda item: (item.order, item.key))
    return [item for item in items if item.may_see(user)]


def block(item: WorkItem, user: Any, rows: int = ROWS) -> Block:
    queryset = item.queryset(user)
    count, exact = counted(queryset, COUNT_LIMIT)
    return Block(item, count, exact, list(queryset[:rows]), item.url(user))


def blocks_for(user: Any, rows: int = ROWS) -> list[Block]:
    """Every block this user may see: two queries each (besides the roles their visibility reads once)."""
    return [block(item, user, rows) for item in items_for(user)]


_NAV_CACHE = "_trato_work_counts"


def nav_counts(request: HttpRequest) -> Mapping[str, NavCount]:
    """Per navigation section, the count of its ``in_nav`` item for the request's user; read once per request."""
    cached: Mapping[str, NavCount] | None = getattr(request, _NAV_CACHE, None)
    if cached is None:
        counts: dict[str, NavCount] = {}
        for item in items_for(request.user):
            if item.in_nav:
                count, exact = counted(item.queryset(request.user), COUNT_LIMIT)
                counts[item.app] = NavCount(count, exact, item.title)
        setattr(request, _NAV_CACHE, counts)
        return counts
    return cached


def keep_nav_counts(request: HttpRequest, blocks: list[Block]) -> None:
    """The home page has counted its blocks already: the navigation shows those counts without asking again."""
    counts = {
        shown.item.app: NavCount(shown.count, shown.count_is_exact, shown.item.title)
        for shown in blocks
        if shown.item.in_nav
    }
    setattr(request, _NAV_CACHE, counts)
