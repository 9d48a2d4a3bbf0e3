"""The outbox: every message Trato sends, written in the transaction of the change that caused it.

A message moves queued → sending → sent, or back to queued (a transient failure, retried later) or to failed
(a permanent refusal, with the server's answer). ``committing_at`` records the moment just before the final
"." of the SMTP DATA command is sent: see trato/mail/sending.py and docs/mail-out.md for why that makes a
killed worker safe (no message sent twice).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from trato.core.access import AccessQuerySet


class MessageState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class RecipientKind(models.TextChoices):
    TO = "to", _("To")
    CC = "cc", _("Cc")


class OutboundMessageQuerySet(AccessQuerySet):
    def visible_to(self, user):
        """A message is seen by whoever may see its record; messages without a record by administrators."""
        from trato.accounts.roles import is_admin
        from trato.timeline.models import visible_records

        if is_admin(user):
            return self.all()
        return self.filter(visible_records(user))

    def editable_by(self, user):
        return self.none()  # sent mail is history

    def due(self, now=None):
        return self.filter(state=MessageState.QUEUED, next_attempt_at__lte=now or timezone.now())

    def stale(self, now, lease):
        """Claimed by a worker that has held it longer than any live worker would: it was killed."""
        return self.filter(state=MessageState.SENDING, claimed_at__lt=now - lease)


def new_claim() -> str:
    return uuid.uuid4().hex


class OutboundMessage(models.Model):
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    record_type = models.CharField(max_length=100, blank=True)
    record_id = models.PositiveBigIntegerField(null=True, blank=True)
    entry = models.ForeignKey(
        "timeline.Entry", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("timeline entry")
    )
    from_address = models.CharField(_("from"), max_length=320)
    reply_to = models.CharField(_("reply to"), max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)  # Message-IDs separated by spaces
    automatic = models.BooleanField(default=False)  # sent by Trato on its own: "Auto-Submitted: auto-generated"
    # An invitation, cancellation or answer (iMIP): the iCalendar text, sent as the message's inline
    # text/calendar part with its method, stored so that a retry sends the very same bytes.
    calendar_method = models.CharField(_("calendar method"), max_length=8, blank=True)
    calendar = models.TextField(_("calendar"), blank=True)

    state = models.CharField(_("state"), max_length=10, choices=MessageState.choices, default=MessageState.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)  # the server's answer, as it gave it
    claim = models.CharField(max_length=32, blank=True)  # which send attempt holds the message
    claimed_at = models.DateTimeField(null=True, blank=True)
    committing_at = models.DateTimeField(null=True, blank=True)  # the final "." was about to go: delivered
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("written by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OutboundMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="mail_outbound_due"),
            models.Index(fields=["record_type", "record_id"], name="mail_outbound_record"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=MessageState.values), name="mail_outbound_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.state})"


class OutboundRecipient(models.Model):
    message = models.ForeignKey(OutboundMessage, models.CASCADE, related_name="recipients")
    kind = models.CharField(max_length=2, choices=RecipientKind.choices, default=RecipientKind.TO)
    name = models.CharField(_("name"), max_length=200, blank=True)  # cleaned: no line breaks
    address = models.CharField(_("address"), max_length=320)
    contact = models.ForeignKey(
        "partners.Contact", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("contact")
    )
    refused = models.TextField(blank=True)  # the server's answer when it refused this recipient alone

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.address


class OutboundAttachment(models.Model):
    """A copy of the file's bytes, written in the same transaction as the message: a rolled-back change leaves
    no file behind, and deleting the file from the record's timeline later does not break a queued message."""

    message = models.ForeignKey(OutboundMessage, models.CASCADE, related_name="attachments")
    name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=127)
    size = models.PositiveBigIntegerField(_("size"))
    content = models.BinaryField()
    source = models.ForeignKey(
        "timeline.Attachment",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("attachment source", "from"),
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name
