"""Related records on a record's page (a partner's claims, later its leads and meetings): each app registers blocks
for the models it refers to from its own ``related.py`` (autodiscovered when the core app is ready), so the page of
a partner never imports the apps that point at partners. ``{% related_records record %}`` shows them.

A block's queryset starts from ``visible_to(user)``: what the reader may not see is neither counted nor listed. A
block costs two queries whatever the data (a bounded count and its first rows); its ``url`` is the app's list
filtered by the record.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from trato.core.listing import counted
from trato.core.types import AnyUser

ROWS = 10  # rows a block shows; the link opens the whole list


def anyone(user: AnyUser) -> bool:
    return True


@dataclass(frozen=True)
class RelatedBlock:
    key: str
    model: str  # the record's model label, lower case: "partners.partner"
    title: str | Promise
    queryset: Callable[[Any, Any], QuerySet[Any]]  # (user, record) -> rows narrowed by visible_to, in the order shown
    url: Callable[[Any, Any], str]  # (user, record) -> the app's list filtered by the record, in the same order
    order: int = 100
    may_see: Callable[[Any], bool] = anyone  # (user) -> whether the block is shown at all
    row_template: str = "core/_work_row.html"  # one row, given ``row`` (a <li>)
    empty: str | Promise = _("None yet.")


@dataclass(frozen=True)
class Shown:
    """A block as a record's page shows it."""

    block: RelatedBlock
    count: int
    count_is_exact: bool
    rows: list[Any]
    url: str


_blocks: dict[tuple[str, str], RelatedBlock] = {}


def register(block: RelatedBlock) -> RelatedBlock:
    """Add a block; a different block under a key already taken for the model is a programming error."""
    known = _blocks.get((block.model, block.key))
    if known is not None and known != block:
        raise ValueError(f"A related block {block.key!r} is already registered for {block.model}")
    _blocks[(block.model, block.key)] = block
    return block


def unregister(model: str, key: str) -> None:
    _blocks.pop((model, key), None)


def blocks_for(user: Any, record: Model, rows: int = ROWS) -> list[Shown]:
    """The blocks this user may see on the record's page, each with its bounded count and first rows."""
    label = record._meta.label_lower
    mine = sorted((b for (model, _key), b in _blocks.items() if model == label), key=lambda b: (b.order, b.key))
    shown = []
    for block in mine:
        if not block.may_see(user):
            continue
        queryset = block.queryset(user, record)
        count, exact = counted(queryset)
        shown.append(Shown(block, count, exact, list(queryset[:rows]), block.url(user, record)))
    return shown
