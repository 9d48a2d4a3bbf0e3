"""The core's one table: the filters users save on lists (trato/core/saved_filters.py)."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from trato.accounts.roles import is_admin
from trato.core.access import AccessQuerySet


class SavedFilterAccess:
    """Who sees a saved filter: its owner, and everyone when it is shared (it holds a query string, not records:
    applying it shows each user only what their visible_to lets them see). Who deletes it: its owner, and an
    administrator a shared one."""

    @staticmethod
    def visible_condition(user: Any) -> Q:
        if not user.is_authenticated:
            return Q(pk__in=[])
        return Q(owner=user) | Q(shared=True)

    @staticmethod
    def editable_condition(user: Any) -> Q:
        if not user.is_authenticated:
            return Q(pk__in=[])
        return (Q(owner=user) | Q(shared=True)) if is_admin(user) else Q(owner=user)


class SavedFilterQuerySet(AccessQuerySet["SavedFilter"]):
    access = SavedFilterAccess()
    single_valued = True


class SavedFilter(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="saved_filters", verbose_name=_("owner")
    )
    list_key = models.CharField(_("list"), max_length=40)  # the key the list registered under: "claims"
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters"), max_length=1000)  # ListSpec.query_of: allow-listed, without "?"
    shared = models.BooleanField(_("shared with everyone"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SavedFilterQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        constraints = [
            models.UniqueConstraint(F("owner"), F("list_key"), Lower("name"), name="saved_filter_name_per_owner"),
        ]
        indexes = [
            # The shared filters of a list (the owner's are served by the constraint's index).
            models.Index(fields=["list_key", "name"], condition=Q(shared=True), name="saved_filter_shared"),
        ]

    def __str__(self) -> str:
        return self.name
