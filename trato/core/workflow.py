"""One engine for every record that moves through states: claims today, a team's pipeline stages next.

A ``Move`` is a value: its name and label, the states it leaves from and the one it reaches, a ``guard`` that says
what is missing, an ``effect`` that sets what goes with the move, its messages, and the domain event it announces.
A ``Workflow`` holds the moves of one kind of record, either written in code (``moves=[...]``) or built when asked
(``moves_for=callable(record)``, e.g. from rows of stages configured per team), and does the rest the same way for
all of them: which moves are available, whether one may go ahead (``check``), and carrying it out (``apply``: set
the state, save, write the state change on the record's timeline with its note, run the move's ``then`` in the same
transaction, and emit the event, which listeners receive after commit).
Services never branch on a move's name: what differs between moves lives in the moves.

``apply`` runs inside the caller's service transaction, on a record the caller has already locked
(``trato.core.services.lock_for_change``).
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trato.core import events
from trato.core.errors import InvalidInput, MoveRefused
from trato.core.types import AnyUser

Inputs = dict[str, Any]  # what the caller gave with the move: a reason, a closing note, flags


class Missing(str):
    """What a guard says is missing, and where the user adds it, so a refusal can link straight there.

    ``place`` is ``"<where>#<anchor>"``; the app's views turn ``where`` into a URL (the record's page, its edit
    form, or the form the move itself shows). A plain string is a Missing with nowhere to point at."""

    place: str

    def __new__(cls, text: str, place: str = "") -> "Missing":
        item = super().__new__(cls, text)
        item.place = place
        return item


# The engine serves every kind of record, and each app's guards, effects and follow-ups take its own model (a
# Claim): to the engine the record is any model, so the callables take Any where the record goes.
Guard = Callable[[Any, Inputs], Sequence[str]]  # (record, inputs) -> what is missing, in the user's language
Effect = Callable[[Any, Inputs, datetime.datetime], Iterable[str]]  # (record, inputs, now) -> fields it set
Save = Callable[[Any, list[str]], None]  # (record, fields) -> None
Then = Callable[[Any, Inputs, AnyUser], None]  # (record, inputs, by) -> None, in the same transaction


@dataclass(frozen=True)
class Move:
    name: str
    label: str | Promise
    sources: frozenset[str]
    target: str
    guard: Guard | None = None
    effect: Effect | None = None
    refused: str | Promise = gettext_lazy("This move is not possible in the record's current state.")
    to_add: str | Promise = gettext_lazy("To make this move, add: %(missing)s.")
    needs_reason: bool = False
    event: str | None = None
    # The input written on the timeline as the move's note ("reason" unless the move asks for another).
    note_input: str = "reason"
    # What else the move does once saved, in the same transaction (e.g. write mail to the outbox).
    then: Then | None = None

    @property
    def source(self) -> frozenset[str]:  # the earlier name, kept for templates and callers
        return self.sources

    def missing(self, record: models.Model, inputs: Inputs) -> list[str]:
        missing = list(self.guard(record, inputs)) if self.guard else []
        if self.needs_reason and not str(inputs.get("reason") or "").strip():
            missing.append(_("a reason"))
        return missing


def _moves_by_name(moves: Iterable[Move]) -> dict[str, Move]:
    by_name: dict[str, Move] = {}
    for move in moves:
        if move.name in by_name:
            raise ValueError(f"Two moves are named {move.name!r}.")
        by_name[move.name] = move
    return by_name


class Workflow:
    """The moves of one kind of record and the state field they change."""

    def __init__(
        self,
        *,
        moves: Iterable[Move] = (),
        moves_for: Callable[[models.Model | None], Iterable[Move]] | None = None,
        state_field: str = "state",
    ) -> None:
        if bool(moves) == bool(moves_for):
            raise ValueError("Give the moves, or a moves_for(record) that builds them, not both.")
        self._moves = _moves_by_name(moves) if moves else None
        self._moves_for = moves_for
        self.state_field = state_field

    def moves(self, record: models.Model | None = None) -> dict[str, Move]:
        """Every move by name: the fixed ones, or those built for ``record``."""
        if self._moves is not None:
            return self._moves
        assert self._moves_for is not None  # __init__ takes one or the other
        return _moves_by_name(self._moves_for(record))

    def state_of(self, record: models.Model) -> str:
        return str(getattr(record, self.state_field))

    def available(self, record: models.Model) -> list[Move]:
        """The moves that may leave the record's current state (their guards may still ask for more)."""
        return [move for move in self.moves(record).values() if self.state_of(record) in move.sources]

    def move(self, record: models.Model, name: str) -> Move:
        moves = self.moves(record)
        if name not in moves:
            choices = ", ".join(moves)
            choose = _("Choose one of: %(moves)s.") % {"moves": choices}
            raise InvalidInput(_("Unknown move."), fields={"move": [choose]})
        return moves[name]

    def leaves_from_here(self, record: models.Model, move_name: str) -> Move:
        """The move if the record's state allows it, before asking what else it needs; MoveRefused otherwise."""
        move = self.move(record, move_name)
        if self.state_of(record) not in move.sources:
            raise MoveRefused(move.refused)
        return move

    def check(self, record: models.Model, move_name: str, inputs: Inputs | None = None) -> Move:
        """The move if it may go ahead now; MoveRefused (wrong state, or what is missing) otherwise."""
        move = self.leaves_from_here(record, move_name)
        missing = move.missing(record, inputs or {})
        if missing:
            raise MoveRefused(move.to_add % {"missing": ", ".join(str(m) for m in missing)}, missing=missing)
        return move

    def apply(
        self,
        record: models.Model,
        move_name: str,
        *,
        by: AnyUser,
        inputs: Inputs | None = None,
        save: Save | None = None,
    ) -> Move:
        """Check and carry out the move on a locked record; write its timeline entry and emit its event."""
        inputs = inputs or {}
        move = self.check(record, move_name, inputs)
        old = self.state_of(record)
        fields = list(move.effect(record, inputs, timezone.now())) if move.effect else []
        setattr(record, self.state_field, move.target)
        fields = [self.state_field, *fields]
        if save is None:
            record.save(update_fields=fields)
        else:
            save(record, fields)
        self._record(record, by=by, old=old, note=str(inputs.get(move.note_input) or ""))
        if move.then:
            move.then(record, inputs, by)
        if move.event:
            events.emit(move.event, record=record, by=by)
        return move

    def _record(self, record: models.Model, *, by: AnyUser, old: str, note: str) -> None:
        from trato.timeline.services import state_change_record

        state_change_record(record=record, by=by, old=old, new=self.state_of(record), reason=note.strip())
