"""Bulk actions on the rows a user selected in a list: the same service each row's own page calls, once a row.

    ids = selected_ids(request.POST.getlist("ids"))           # integers, at most MAX_SELECTED, else InvalidInput
    rows = selected_rows(Claim.objects.all(), user, ids)      # one query: what the user sees, and may change
    result = apply_each(rows, change, label=str)              # change(record) calls a service; never raises

Each row's change is its own service call, so its own transaction, lock, version check and timeline entry: a row
that is refused (a closed claim, someone else's newer version) is skipped with the service's reason and the others
are still changed. Rows the user may see but not change are skipped without calling anything; ids the user may not
see are counted, not named, so a selection never reveals whether a record exists.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Exists, Model, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trato.core.access import access_queryset
from trato.core.errors import DomainError, InvalidInput
from trato.core.types import AnyUser
from trato.core.validation import is_record_id

_Row = TypeVar("_Row", bound=Model)

MAX_SELECTED = 200  # rows one request changes, each through its service


class Unchanged(Exception):
    """The row already is as the action would make it: skipped, with this reason."""


def described(error: DomainError) -> str:
    """A refusal in one sentence: its first field message if it has one (which says what), else its message."""
    for messages in error.fields.values():
        if messages:
            return str(messages[0])
    return str(error.message)


def selected_ids(values: Iterable[str], *, limit: int = MAX_SELECTED) -> list[int]:
    """The posted ids, each once, in the order posted; InvalidInput if one is not an id, none is given, or more
    than ``limit`` are."""
    ids: dict[int, None] = {}
    for value in values:
        if not is_record_id(value.strip()):
            raise InvalidInput(fields={"ids": [_("The selection is not valid: reload the list and select again.")]})
        ids[int(value)] = None
    if not ids:
        raise InvalidInput(fields={"ids": [_("Select at least one row first.")]})
    if len(ids) > limit:
        message = ngettext(
            "Select at most %(limit)d row at a time.", "Select at most %(limit)d rows at a time.", limit
        ) % {"limit": limit}
        raise InvalidInput(fields={"ids": [message]})
    return list(ids)


@dataclass
class SelectedRows:
    changeable: list[Any]  # in the order selected
    read_only: list[Any]  # seen but not changeable by this user
    missing: int  # ids the user may not see, or that no longer exist


def selected_rows(queryset: QuerySet[_Row], user: AnyUser, ids: list[int]) -> SelectedRows:
    """The selected rows the user sees, each marked with whether they may change it: one query (``queryset`` may
    carry select_related/prefetch_related for what the changes read)."""
    editable = access_queryset(queryset.model).editable_by(user).filter(pk=OuterRef("pk"))
    visible = access_queryset(queryset).visible_to(user).filter(pk__in=ids)
    found = {row.pk: row for row in visible.annotate(bulk_may_change=Exists(editable)).order_by()}
    rows = [found[pk] for pk in ids if pk in found]
    return SelectedRows(
        changeable=[row for row in rows if row.bulk_may_change],
        read_only=[row for row in rows if not row.bulk_may_change],
        missing=len(ids) - len(rows),
    )


@dataclass(frozen=True)
class Skipped:
    label: str
    reason: str


@dataclass
class BulkResult:
    changed: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    missing: int = 0

    @property
    def skipped_count(self) -> int:
        return len(self.skipped) + self.missing

    @property
    def summary(self) -> str:
        return _("%(changed)d changed, %(skipped)d skipped.") % {
            "changed": len(self.changed), "skipped": self.skipped_count
        }  # fmt: skip

    @property
    def missing_text(self) -> str:
        return ngettext(
            "%(count)d selected row no longer exists or is not yours to see.",
            "%(count)d selected rows no longer exist or are not yours to see.",
            self.missing,
        ) % {"count": self.missing}


def apply_each(
    rows: SelectedRows, change: Callable[[Any], None], *, label: Callable[[Any], str], read_only_reason: str
) -> BulkResult:
    """``change`` each changeable row (it calls the row's service); a refusal skips that row with its reason."""
    result = BulkResult(missing=rows.missing)
    result.skipped += [Skipped(label(row), read_only_reason) for row in rows.read_only]
    for row in rows.changeable:
        try:
            change(row)
        except Unchanged as unchanged:
            result.skipped.append(Skipped(label(row), str(unchanged)))
        except DomainError as error:
            result.skipped.append(Skipped(label(row), described(error)))
        else:
            result.changed.append(label(row))
    return result
