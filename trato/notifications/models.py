"""A notification: one notice to one person about one record, and each person's choice of channel per kind.

A notification keeps the kind's parameters (a claim's number, who did what), not a sentence: its text is written
at display time in the reader's language (registry.NotificationKind.render). It points at its record as the
timeline does, by model key ("claims.claim") and primary key, so any app's records can be notified without a
migration here.
"""

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trato.core.access import AccessQuerySet
from trato.notifications import access


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("By email")
    BOTH = "both", _("In the app and by email")
    NONE = "none", _("Not at all")


SHOWN_IN_APP = frozenset({Channel.IN_APP, Channel.BOTH})
SENT_BY_EMAIL = frozenset({Channel.EMAIL, Channel.BOTH})


class NotificationQuerySet(AccessQuerySet["Notification"]):
    access = access
    single_valued = True

    def unread(self) -> Self:
        return self.filter(read_at__isnull=True)

    def newest_first(self) -> Self:
        return self.order_by("-created_at", "-pk")

    def notices(self, *, kind: str, record_type: str, key: str) -> Self:
        """The once-only notices of ``kind`` and ``key`` on records of ``record_type`` (filter by record_id)."""
        return self.filter(kind=kind, record_type=record_type, key=key)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
        db_index=False,  # the indexes below start with it
    )
    kind = models.CharField(_("kind"), max_length=100)  # a registry key, "claims.assigned"
    record_type = models.CharField(max_length=100)  # the model's key, "claims.claim", as the timeline's
    record_id = models.PositiveBigIntegerField()
    params = models.JSONField(default=dict, blank=True)  # the kind's text's parameters, plain text and numbers
    url = models.CharField(max_length=500, blank=True)  # the record's page, a path on this site
    # A notice given once only: the deadline's date for "due tomorrow". Empty for notices that may repeat.
    key = models.CharField(max_length=100, blank=True)
    in_app = models.BooleanField(default=True)  # False: sent by email only (kept so a once-only notice stays once)
    emailed = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    read_at = models.DateTimeField(_("read on"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The bell's unread count and the unread list.
            models.Index(fields=["recipient", "read_at", "created_at"], name="notification_unread"),
            # The list, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notification_list"),
        ]
        constraints = [
            # Once-only notices: two workers running the same periodic job at once still make one.
            models.UniqueConstraint(
                fields=["kind", "record_type", "record_id", "key", "recipient"],
                condition=~Q(key=""),
                name="notification_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.record_type} {self.record_id})"

    @property
    def text(self) -> str:
        """What happened, in the active language (the reader's on a page, the recipient's in their mail)."""
        from trato.notifications import registry

        return registry.render(self.kind, self.params)

    @property
    def icon(self) -> str:
        from trato.notifications import registry

        kind = registry.kind_or_none(self.kind)
        return kind.icon if kind is not None else "bell"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class PreferenceQuerySet(AccessQuerySet["Preference"]):
    single_valued = True

    def visible_to(self, user: Any) -> Self:
        return self.filter(access.preference_condition(user))

    def editable_by(self, user: Any) -> Self:
        return self.visible_to(user)


class Preference(models.Model):
    """A user's choice for one kind; without a row, the kind's default applies (so a new default reaches them)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=100)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)

    objects = PreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="notification_channel_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.channel}"
