"""Incoming mail as it arrived (raw bytes kept), where the gateway filed it, and the IMAP mailboxes it reads.

Only administrators see incoming messages and mailboxes: a message in triage has not been matched to any
record yet, so no record's visibility can decide who reads it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from trato.accounts.roles import is_admin
from trato.core.access import AccessQuerySet
from trato.core.concurrency import VersionedModel


class State(models.TextChoices):
    FILED = "filed", _("Filed")
    TRIAGE = "triage", _("Waiting in triage")
    IGNORED = "ignored", _("Ignored")


class Security(models.TextChoices):
    SSL = "ssl", _("SSL/TLS (port 993)")
    STARTTLS = "starttls", _("STARTTLS (port 143)")
    NONE = "none", _("None (only on the same machine)")


class Source(models.TextChoices):
    STDIN = "stdin", _("Mail server (pipe)")
    IMAP = "imap", _("IMAP mailbox")
    API = "api", _("API")


# Why a message waits in triage (or was ignored). Stored as a code plus a detail, shown in the reader's language.
REASONS = {
    "received": _("Received; not routed yet."),
    "too_big": _("The message is larger than the limit (%(detail)s)."),
    "unreadable": _("The message could not be read at all."),
    "broken_mime": _("The message's MIME structure is broken (%(detail)s)."),
    "bad_part": _("A part of the message could not be decoded (%(detail)s)."),
    "bad_header": _("The %(detail)s header could not be decoded."),
    "unknown_charset": _("The message uses an unknown character set (%(detail)s)."),
    "bad_date": _("The message's date could not be read (%(detail)s)."),
    "reused_message_id": _("A different message already arrived with this Message-ID (%(detail)s): kept apart."),
    "no_sender": _("The message has no sender address."),
    "no_match": _("No record, alias or known contact matches this message."),
    "ambiguous_contact": _("Several companies have a contact with the sender's address (%(detail)s)."),
    "calendar_pending": _("Calendar reply: waiting for the calendar."),
    "calendar_declined": _("Calendar reply: the calendar did not recognise it."),
    "invitation_pending": _("Calendar invitation: waiting for the meetings calendar."),
    "invitation_declined": _("Calendar invitation: the calendar did not recognise it."),
    "voicemail_pending": _("Voicemail: calls not built yet."),
    "voicemail_declined": _("Voicemail: the calls handler did not recognise it."),
    "handler_failed": _("The handler %(detail)s failed; see the server log."),
    "filing_failed": _("Filing on the record failed (%(detail)s)."),
    "record_gone": _("The record this message belongs to no longer exists (%(detail)s)."),
    "own_message": _("This is a message Trato sent itself."),
    "ignored_by_user": _("Ignored by an administrator."),
}


class AdminOnlyQuerySet(AccessQuerySet):
    def visible_to(self, user):
        return self.all() if is_admin(user) else self.none()

    def editable_by(self, user):
        return self.visible_to(user)


class InboundMessageQuerySet(AdminOnlyQuerySet):
    def in_triage(self):
        return self.filter(state=State.TRIAGE)


class Mailbox(models.Model):
    """An IMAP mailbox the poller reads every minute; unseen mail is ingested, then flagged seen."""

    name = models.CharField(_("name"), max_length=100)
    host = models.CharField(_("server"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(_("encryption"), max_length=10, choices=Security.choices, default=Security.SSL)
    username = models.CharField(_("user name"), max_length=255)
    password = models.CharField(_("password"), max_length=255, blank=True)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    alias = models.CharField(
        _("alias"),
        max_length=64,
        blank=True,
        help_text=_("The address part before the @ this mailbox receives for, e.g. “claims”."),
    )
    is_enabled = models.BooleanField(_("enabled"), default=True)
    last_polled_at = models.DateTimeField(_("last poll"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)

    objects = AdminOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("IMAP mailbox")
        verbose_name_plural = _("IMAP mailboxes")

    def __str__(self) -> str:
        return self.name


class InboundMessage(VersionedModel):
    message_id = models.CharField(_("Message-ID"), max_length=500, unique=True)
    raw = models.FileField(_("raw message"), max_length=255)  # inbox/<yyyy>/<mm>/<uuid>.eml, default storage
    sender = models.CharField(_("from"), max_length=320, blank=True, db_index=True)
    sender_name = models.CharField(_("sender name"), max_length=200, blank=True)
    to = models.JSONField(pgettext_lazy("mail header", "to"), default=list, blank=True)
    cc = models.JSONField(_("cc"), default=list, blank=True)
    delivered_to = models.JSONField(_("delivered to"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=1000, blank=True)
    sent_at = models.DateTimeField(_("date"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("size"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    mailbox = models.ForeignKey(
        Mailbox, models.SET_NULL, null=True, blank=True, related_name="messages", verbose_name=_("mailbox")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.TRIAGE)
    reason_code = models.CharField(max_length=40, blank=True)
    reason_detail = models.CharField(max_length=500, blank=True)
    record_type = models.CharField(max_length=100, blank=True)
    record_id = models.PositiveBigIntegerField(null=True, blank=True)
    handler = models.CharField(_("handled by"), max_length=100, blank=True)
    is_automatic = models.BooleanField(_("automatic"), default=False)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    filed_at = models.DateTimeField(_("filed"), null=True, blank=True)

    objects = InboundMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("incoming message")
        verbose_name_plural = _("incoming messages")
        indexes = [
            models.Index(fields=["state", "-created_at"], name="inbox_message_state_created"),
            models.Index(fields=["record_type", "record_id"], name="inbox_message_record"),  # a record's mail
        ]

    def __str__(self) -> str:
        return self.subject or self.message_id

    @property
    def reason(self) -> str:
        """Why it is in triage or ignored, in the reader's language."""
        template = REASONS.get(self.reason_code)
        if template is None:
            return self.reason_code
        return str(template) % {"detail": self.reason_detail}
