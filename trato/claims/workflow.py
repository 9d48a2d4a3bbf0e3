"""The claim procedure as data: which moves exist, and what each needs before it is allowed.

Draft → Open → Closed, Cancelled from Draft or Open, and Reopen (with a reason) from Closed. Every guard returns
the list of what is missing, in the user's language; an empty list means the move may go ahead.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from trato.claims.models import Claim, Kind, State


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    source: frozenset[str]
    target: str
    needs_reason: bool = False


MOVES = {
    "open": Move("open", pgettext_lazy("claim move", "Open"), frozenset({State.DRAFT}), State.OPEN),
    "close": Move("close", pgettext_lazy("claim move", "Close"), frozenset({State.OPEN}), State.CLOSED),
    "cancel": Move(
        "cancel", pgettext_lazy("claim move", "Cancel"), frozenset({State.DRAFT, State.OPEN}), State.CANCELLED, True
    ),
    "reopen": Move("reopen", pgettext_lazy("claim move", "Reopen"), frozenset({State.CLOSED}), State.OPEN, True),
}


def missing_to_open(claim: Claim) -> list[str]:
    missing = []
    if claim.kind != Kind.INTERNAL and claim.partner_id is None:
        missing.append(_("the customer or supplier"))
    if claim.responsible_id is None:
        missing.append(_("the person responsible"))
    if claim.category_id is None:
        missing.append(_("the category"))
    if not claim.description.strip():
        missing.append(_("a description"))
    return missing


def missing_to_close(claim: Claim, *, closing_note: str) -> list[str]:
    missing = []
    if not claim.causes.exists():
        missing.append(_("at least one cause"))
    if not claim.resolution:
        missing.append(_("the resolution given"))
    unsettled = [a for a in claim.actions.all() if not a.is_settled]
    if unsettled:
        missing.append(
            ngettext(
                "%(count)d action neither done nor carried over",
                "%(count)d actions neither done nor carried over",
                len(unsettled),
            )
            % {"count": len(unsettled)}
        )
    if not closing_note.strip():
        missing.append(_("a closing note"))
    return missing


def moves_available(claim: Claim) -> list[Move]:
    return [move for move in MOVES.values() if claim.state in move.source]
