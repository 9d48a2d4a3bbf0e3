"""One timeline per business record: entries (notes, communications, changes, state changes,
attachment uploads) and the attached files.

Rows point at their record by registry key and integer primary key, so any registered model gets a
timeline without a migration. Who may see an entry or a file is decided by its record's
``visible_to``; nothing here has access rules of its own.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trato.core.access import AccessQuerySet, access_queryset
from trato.timeline import registry


class EntryKind(models.TextChoices):
    NOTE = "note", _("Note")
    COMMUNICATION = "communication", _("Communication")
    CHANGE = "change", _("Field changes")
    STATE = "state", _("State change")
    ATTACHMENT = "attachment", _("Attachments")
    EMAIL = "email", _("Email")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    OTHER = "other", _("Other")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


KIND_ICONS: dict[str, str] = {
    EntryKind.NOTE: "sticky",
    EntryKind.CHANGE: "pencil-square",
    EntryKind.STATE: "signpost-split",
    EntryKind.ATTACHMENT: "paperclip",
    EntryKind.EMAIL: "envelope",
}
CHANNEL_ICONS: dict[str, str] = {
    Channel.EMAIL: "envelope",
    Channel.PHONE: "telephone",
    Channel.LETTER: "mailbox",
    Channel.VISIT: "geo-alt",
    Channel.OTHER: "chat-left-text",
}


def _records_in(querysets_by_key: dict[str, models.QuerySet]) -> Q:
    condition = Q(pk__in=[])
    for key, queryset in querysets_by_key.items():
        condition |= Q(record_type=key, record_id__in=queryset.values("pk"))
    return condition


def visible_records(user) -> Q:
    """Rows whose record ``user`` may see, across every registered model."""
    return _records_in({r.key: access_queryset(r.model).visible_to(user) for r in registry.registrations()})


def editable_records(user) -> Q:
    return _records_in({r.key: access_queryset(r.model).editable_by(user) for r in registry.registrations()})


class RecordRowsQuerySet(AccessQuerySet):
    def visible_to(self, user):
        return self.filter(visible_records(user))

    def of_record(self, record):
        return self.filter(record_type=registry.key_for(record), record_id=record.pk)


class EntryQuerySet(RecordRowsQuerySet):
    def editable_by(self, user):
        return self.none()  # entries are a history: nobody rewrites them

    def for_record(self, record) -> "EntryQuerySet":
        """The record's timeline, newest first, ready to render in a constant number of queries."""
        return (
            self.of_record(record)
            .select_related("author", "contact")
            .prefetch_related(
                Prefetch(
                    "attachments", queryset=Attachment.objects.select_related("uploaded_by").order_by("name", "pk")
                )
            )
            .order_by("-occurred_at", "-pk")
        )


class Entry(models.Model):
    record_type = models.CharField(max_length=100)
    record_id = models.PositiveBigIntegerField()
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    # When it happened: now for most entries, the date of the call or letter for communications.
    occurred_at = models.DateTimeField(_("date"), default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    body = models.TextField(_("text"), blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, blank=True)
    contact = models.ForeignKey(
        "partners.Contact", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("contact")
    )
    contact_name = models.CharField(max_length=200, blank=True)  # kept if the contact is deleted
    # Changes: {"changes": [{"field", "label", "type", "old", "new"}]}; state: {"old", "old_label", "new", ...}.
    data = models.JSONField(default=dict, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [models.Index(fields=["record_type", "record_id", "-occurred_at"], name="timeline_entry_record")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.record_type}#{self.record_id}"

    @property
    def icon(self) -> str:
        if self.kind == EntryKind.COMMUNICATION:
            return CHANNEL_ICONS.get(self.channel, "chat-left-text")
        return KIND_ICONS.get(self.kind, "circle")

    @property
    def contact_display(self) -> str:
        return str(self.contact) if self.contact else self.contact_name

    def change_rows(self) -> list[dict]:
        from trato.timeline.changes import display_rows

        return display_rows(self)

    def state_labels(self) -> tuple[str, str]:
        from trato.timeline.changes import state_labels

        return state_labels(self)


class AttachmentQuerySet(RecordRowsQuerySet):
    def editable_by(self, user):
        """Who may delete a file: its uploader, or whoever may change its record."""
        return self.visible_to(user).filter(Q(uploaded_by=user) | editable_records(user))

    def for_record(self, record) -> "AttachmentQuerySet":
        # pk last: files uploaded together can share a time and a name, and pages must not overlap.
        return self.of_record(record).select_related("uploaded_by").order_by("-created_at", "name", "pk")


class Attachment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entry = models.ForeignKey(Entry, models.CASCADE, related_name="attachments")
    record_type = models.CharField(max_length=100)
    record_id = models.PositiveBigIntegerField()
    name = models.CharField(_("name"), max_length=255)  # cleaned for display; never a storage path
    file = models.FileField(max_length=255)  # attachments/<yyyy>/<mm>/<uuid>, in the default storage
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("type"), max_length=127)  # detected from the content
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["record_type", "record_id"], name="timeline_attachment_record")]

    def __str__(self) -> str:
        return self.name
