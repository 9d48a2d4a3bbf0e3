"""What an event says about its record: one serializer per model, registered by the app that owns the model.

A serializer returns only fields its record's pages show to whoever may see the record; the listener checks that
the endpoint's owner may see the record before calling it, and ``related_visible`` guards what it names beyond it
(a claim's partner is left out for an owner who may not see that partner)."""

from collections.abc import Callable
from typing import Any

from django.db import models

from trato.core.access import access_queryset

Serializer = Callable[[Any, Any], dict[str, Any]]  # (record, owner) -> data

_serializers: dict[str, Serializer] = {}


def register(model: type[models.Model], serializer: Serializer) -> None:
    _serializers[model._meta.label_lower] = serializer


def serializer_for(record: models.Model) -> Serializer | None:
    return _serializers.get(record._meta.label_lower)


def related_visible(record: models.Model | None, owner: Any) -> bool:
    """Whether ``owner`` may see a related record (through its model's ``visible_to``)."""
    if record is None:
        return False
    return access_queryset(type(record)).visible_to(owner).filter(pk=record.pk).exists()


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
