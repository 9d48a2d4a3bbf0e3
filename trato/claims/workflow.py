"""The claim procedure as data on the generic engine (trato.core.workflow).

Draft → Open → Closed, Cancelled from Draft or Open, and Reopen (with a reason) from Closed. Each move carries its
guard (what is missing, in the user's language), its effect (the dates it stamps), its messages and its event.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from trato.claims.models import Claim, Kind, State
from trato.core.workflow import Missing, Move, Workflow

OPENED, CLOSED, REOPENED = "claim.opened", "claim.closed", "claim.reopened"
ASSIGNED = "claim.assigned"  # not a move: services emit it when someone is made responsible or assigned
EVENTS = {
    OPENED: gettext_lazy("A claim was opened"),
    CLOSED: gettext_lazy("A claim was closed"),
    REOPENED: gettext_lazy("A claim was reopened"),
    ASSIGNED: gettext_lazy("A claim was given to someone"),
}


def missing_to_open(claim: Claim, inputs: dict | None = None) -> list[str]:
    missing: list[str] = []
    if claim.kind != Kind.INTERNAL and claim.partner_id is None:
        missing.append(Missing(_("the customer or supplier"), "edit#id_partner"))
    if claim.responsible_id is None:
        missing.append(Missing(_("the person responsible"), "edit#id_responsible"))
    if claim.category_id is None:
        missing.append(Missing(_("the category"), "edit#id_category"))
    if not claim.description.strip():
        missing.append(Missing(_("a description"), "edit#id_description"))
    return missing


def _unsettled_actions(claim: Claim) -> list[str]:
    count = sum(1 for action in claim.actions.all() if not action.is_settled)
    if not count:
        return []
    message = ngettext(
        "%(count)d action neither done nor carried over", "%(count)d actions neither done nor carried over", count
    )
    return [Missing(message % {"count": count}, "page#actions")]


def missing_to_close(claim: Claim, inputs: dict | None = None) -> list[str]:
    missing: list[str] = []
    if not claim.causes.exists():
        missing.append(Missing(_("at least one cause"), "page#causes"))
    if not claim.resolution:
        missing.append(Missing(_("the resolution given"), "form#id_resolution"))
    missing += _unsettled_actions(claim)
    if not str((inputs or {}).get("closing_note") or "").strip():
        missing.append(Missing(_("a closing note"), "form#id_closing_note"))
    return missing


def _stamp_opened(claim: Claim, inputs: dict, now) -> list[str]:
    claim.opened_at = now
    return ["opened_at"]


def _stamp_closed(claim: Claim, inputs: dict, now) -> list[str]:
    claim.closed_at, claim.closing_note = now, str(inputs.get("closing_note") or "").strip()
    claim.time_to_close = now - (claim.opened_at or claim.created_at)
    return ["closed_at", "closing_note", "time_to_close"]


def _notify_opened(claim: Claim, inputs: dict, by) -> None:
    from trato.claims import notifications  # it imports the mail machinery; keep this module light

    notifications.claim_opened(claim, by=by, acknowledge=bool(inputs.get("acknowledge")))


RESOLUTION_FIELDS = ("resolution", "resolution_notes", "resolution_cost", "closing_note")


def _closed_by(claim: Claim) -> str:
    """Who made the last close, by name as it was then (the timeline's state entry knows; the claim does not)."""
    from trato.timeline.models import Entry, EntryKind

    entry = Entry.objects.of_record(claim).filter(kind=EntryKind.STATE, data__new=State.CLOSED)
    entry = entry.select_related("author").order_by("-occurred_at", "-pk").first()
    author = entry.author if entry else None
    return (author.get_full_name() or author.username) if author else ""


def _clear_closed(claim: Claim, inputs: dict, now) -> list[str]:
    """Reopening moves the close's resolution into the claim's history and leaves the claim to be resolved anew."""
    earlier = {name: getattr(claim, name) for name in RESOLUTION_FIELDS}
    earlier["resolution_cost"] = str(earlier["resolution_cost"]) if earlier["resolution_cost"] is not None else None
    earlier.update(closed_at=claim.closed_at.isoformat() if claim.closed_at else None, closed_by=_closed_by(claim),
                   reopened_at=now.isoformat(), reopen_reason=str(inputs.get("reason") or "").strip())  # fmt: skip
    claim.resolution_history = [*claim.resolution_history, earlier]
    claim.closed_at = claim.time_to_close = claim.resolution_cost = None
    claim.resolution = claim.resolution_notes = claim.closing_note = ""
    return ["closed_at", "time_to_close", "resolution_history", *RESOLUTION_FIELDS]


OPEN = Move(
    "open", pgettext_lazy("claim move", "Open"), frozenset({State.DRAFT}), State.OPEN,
    guard=missing_to_open, effect=_stamp_opened, then=_notify_opened, event=OPENED,
    refused=gettext_lazy("Only a draft claim can be opened."),
    to_add=gettext_lazy("To open this claim, add: %(missing)s."),
)  # fmt: skip
CLOSE = Move(
    "close", pgettext_lazy("claim move", "Close"), frozenset({State.OPEN}), State.CLOSED,
    guard=missing_to_close, effect=_stamp_closed, event=CLOSED, note_input="closing_note",
    refused=gettext_lazy("Only an open claim can be closed."),
    to_add=gettext_lazy("To close this claim, add: %(missing)s."),
)  # fmt: skip
CANCEL = Move(
    "cancel", pgettext_lazy("claim move", "Cancel"), frozenset({State.DRAFT, State.OPEN}), State.CANCELLED,
    needs_reason=True,
    refused=gettext_lazy("Only a draft or open claim can be cancelled."),
    to_add=gettext_lazy("To cancel this claim, add: %(missing)s."),
)  # fmt: skip
REOPEN = Move(
    "reopen", pgettext_lazy("claim move", "Reopen"), frozenset({State.CLOSED}), State.OPEN,
    needs_reason=True, effect=_clear_closed, event=REOPENED,
    refused=gettext_lazy("Only a closed claim can be reopened."),
    to_add=gettext_lazy("To reopen this claim, add: %(missing)s."),
)  # fmt: skip

CLAIM_WORKFLOW = Workflow(moves=[OPEN, CLOSE, CANCEL, REOPEN], state_field="state")
MOVES = CLAIM_WORKFLOW.moves()


def moves_available(claim: Claim) -> list[Move]:
    return CLAIM_WORKFLOW.available(claim)
