"""Which models have a timeline, and how a record is named in URLs and rows ("partners.partner").

An app registers its model once, in its AppConfig.ready(). Registering also connects the clean-up
that deletes a record's timeline and stored files when the record is deleted.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.signals import post_delete

from trato.core.errors import NotFound


class NotRegistered(LookupError):
    """The model has no timeline: call registry.register(model) in its AppConfig.ready()."""


@dataclass(frozen=True)
class Registration:
    model: type[models.Model]
    key: str
    label: str
    # record -> queryset of partners.Contact offered when logging a communication, or None.
    contacts: Callable | None
    # The field whose choices give state labels for state_change_record.
    state_field: str | None


_registry: dict[str, Registration] = {}


def _default_contacts(model) -> Callable | None:
    if not hasattr(model, "contacts"):
        return None

    def contacts(record):
        queryset = record.contacts.all()
        if any(f.name == "is_archived" for f in queryset.model._meta.fields):
            queryset = queryset.filter(is_archived=False)
        return queryset

    return contacts


def _default_state_field(model) -> str | None:
    names = {f.name for f in model._meta.fields if f.choices}
    return next((name for name in ("state", "status", "stage") if name in names), None)


def register(model, *, label=None, contacts: Callable | None = None, state_field: str | None = None) -> Registration:
    """Give ``model`` a timeline. Idempotent: registering twice keeps the first registration."""
    key = model._meta.label_lower
    if key in _registry:
        return _registry[key]
    if not isinstance(model._meta.pk, models.IntegerField):
        raise ImproperlyConfigured(f"{key}: timelines need an integer primary key.")
    if not hasattr(model._default_manager, "visible_to"):
        raise ImproperlyConfigured(f"{key}: the default manager needs visible_to/editable_by (AccessQuerySet).")
    registration = Registration(
        model=model,
        key=key,
        label=label or model._meta.verbose_name,
        contacts=contacts or _default_contacts(model),
        state_field=state_field or _default_state_field(model),
    )
    _registry[key] = registration
    from trato.timeline.cleanup import delete_timeline_of

    post_delete.connect(delete_timeline_of, sender=model, dispatch_uid=f"timeline-cleanup-{key}", weak=False)
    return registration


def _model_of(model_or_instance):
    return model_or_instance if isinstance(model_or_instance, type) else type(model_or_instance)


def registration_for(model_or_instance) -> Registration:
    key = _model_of(model_or_instance)._meta.label_lower
    try:
        return _registry[key]
    except KeyError:
        raise NotRegistered(key) from None


def key_for(model_or_instance) -> str:
    """The timeline key of a registered model, e.g. "partners.partner"."""
    return registration_for(model_or_instance).key


def model_for(key: str):
    """The registered model for ``key``; an unknown key is NotFound (it comes from URLs: views answer 404)."""
    try:
        return _registry[key].model
    except KeyError:
        raise NotFound() from None


def registration_by_key(key: str) -> Registration | None:
    return _registry.get(key)


def registrations() -> list[Registration]:
    return list(_registry.values())
