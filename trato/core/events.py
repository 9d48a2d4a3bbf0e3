"""Domain events: what happened to a record, told to whoever listens (webhooks for the ERP, later others).

Services call ``emit("claim.opened", record=claim, by=user)`` inside their transaction; listeners run only after
that transaction commits, so a rolled-back change announces nothing. Event names are declared once with
``declare`` so that endpoints can offer them as choices and a typo in a service fails loudly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import models, transaction
from django.utils.functional import Promise

from trato.core.types import AnyUser


@dataclass(frozen=True)
class EventType:
    name: str
    label: str | Promise


@dataclass(frozen=True)
class Event:
    name: str
    record: models.Model
    by: AnyUser | None
    # What the record alone does not tell (who was given a claim, which mail came in): plain values, read by the
    # listeners that know the event; webhooks send the record's payload and leave it out.
    data: Mapping[str, Any] = field(default_factory=dict)


Listener = Callable[[Event], object]  # what a listener returns is ignored

_types: dict[str, EventType] = {}
_listeners: list[Listener] = []


def declare(name: str, label: str | Promise) -> EventType:
    event_type = _types.setdefault(name, EventType(name, label))
    return event_type


def event_types() -> list[EventType]:
    return sorted(_types.values(), key=lambda event_type: event_type.name)


def is_declared(name: str) -> bool:
    return name in _types


def listen(listener: Listener) -> Listener:
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def emit(name: str, *, record: models.Model, by: AnyUser | None = None, data: Mapping[str, Any] | None = None) -> None:
    """Tell every listener, once the current transaction commits (at once outside a transaction)."""
    if name not in _types:
        raise LookupError(f"Undeclared event {name!r}: declare it in the app's AppConfig.ready().")
    event = Event(name, record, by, dict(data or {}))
    for listener in list(_listeners):
        transaction.on_commit(partial(listener, event), robust=True)
