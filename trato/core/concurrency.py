"""Optimistic concurrency: each editable record carries a version number.

A form or API client sends back the version it read; the service locks the row, compares,
and refuses with ConflictError when someone saved in between. Nothing is overwritten.
"""

from django.db import models

from trato.core.errors import ConflictError


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


def lock_current(instance: VersionedModel, expected_version: int | None) -> VersionedModel:
    """Lock the row for the rest of the transaction and check nobody saved it since it was read."""
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise ConflictError()
    return locked


def bump_version(instance: VersionedModel) -> None:
    instance.version = models.F("version") + 1
