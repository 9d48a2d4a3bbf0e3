"""Optimistic concurrency: each editable record carries a version number.

A form or API client sends back the version it read; the service locks the row, compares, and refuses with
Conflict when someone saved in between. Nothing is overwritten. Services take records with
``trato.core.services.lock_for_change``, which checks permission and then calls ``lock_current``.
"""

from collections.abc import Iterable
from typing import TypeVar

from django.db import models

from trato.core.errors import Conflict, NotFound


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


_Versioned = TypeVar("_Versioned", bound=VersionedModel)


def lock_current(instance: _Versioned, expected_version: int | str | None) -> _Versioned:
    """Lock the row for the rest of the transaction and check nobody saved it since it was read."""
    locked = type(instance)._default_manager.select_for_update().filter(pk=instance.pk).first()
    if locked is None:  # deleted since the caller read it
        raise NotFound()
    if expected_version is not None and str(locked.version) != str(expected_version).strip():
        raise Conflict()
    return locked


def bump_version(instance: VersionedModel) -> None:
    instance.version = models.F("version") + 1


def save_new_version(instance: VersionedModel, fields: Iterable[str]) -> None:
    """Save ``fields`` (and updated_at when the model has it) as the record's next version."""
    bump_version(instance)
    extra = ["updated_at"] if any(f.name == "updated_at" for f in instance._meta.concrete_fields) else []
    instance.save(update_fields=[*dict.fromkeys(fields), "version", *extra])
    instance.refresh_from_db(fields=["version", *extra])
