"""Sending the outbox: claim a message, send it, record what the server said.

Each step is its own short transaction (the worker runs outside any transaction), so a killed worker leaves at
most one message "sending", and what it leaves tells recovery what to do:

- claim:      queued → sending (a conditional UPDATE: one worker wins; others skip the message);
- committing: just before the final "." of DATA (TwoPhaseSMTPBackend calls back): ``committing_at`` is set;
- outcome:    sent; or queued again with back-off (temporary failure); or failed (permanent, server's answer).

Recovery (``recover_stale``) looks at messages "sending" for longer than the lease: with ``committing_at`` they
were delivered (mark sent); without it the server discarded the unfinished DATA (queue again). Every write is
guarded by the claim token, so a worker that was only slow, not dead, finds its claim gone and drops the
connection before the "." instead of sending a copy.

A worker that is alive but lost its database connection mid-message keeps the outcome it could not write and
writes it on its next run (``_unwritten``, ``write_unwritten``), without waiting for the lease.

One message per SMTP transaction; a batch reuses one connection.
"""

import logging
import smtplib
from collections.abc import Callable
from datetime import timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from trato.mail.backends import DeliveryAbandoned, DeliveryUncertain
from trato.mail.models import MessageState, OutboundMessage, RecipientKind, new_claim

logger = logging.getLogger(__name__)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after the 1st, 2nd, 3rd ... failed attempt, capped."""
    minutes = min(2 ** max(attempts - 1, 0), settings.TRATO_MAIL_RETRY_CAP_MINUTES)
    return timedelta(minutes=minutes)


def _lease() -> timedelta:
    return timedelta(seconds=settings.TRATO_MAIL_SENDING_LEASE_SECONDS)


def _set_delivery(message: OutboundMessage, state: str, error: str = "") -> None:
    """Show the delivery state on the message's timeline entry (read there without extra queries)."""
    from trato.timeline.models import Entry

    if message.entry_id is None:
        return
    entry = Entry.objects.select_for_update().filter(pk=message.entry_id).first()
    if entry is not None:
        entry.data = {**entry.data, "delivery": {"state": state, "error": error[:500]}}
        entry.save(update_fields=["data"])


# Outcomes this process knows but could not write because the database went away in the middle of a message
# (pk -> (message, claim, outcome)). They are written first thing on the next run, once the worker has reconnected
# (the worker loop and mail_outbox call close_old_connections between runs), so the message moves on within a
# minute (the outbox sweep) instead of waiting out the whole lease for recover_stale.
#
# Exactly once still holds: this process knows what happened, and it is the same thing committing_at tells
# recovery. Either the "." went out (the outcome kept is "sent", never "queued"), or the backend dropped the
# connection before it (the server discarded the unfinished DATA: "queued" is safe). Each write keeps the claim
# guard, so a message that recovery took back meanwhile is left as recovery left it; and if this process dies with
# outcomes unwritten, the lease and committing_at decide as for any stopped worker.
_unwritten: dict[int, tuple[OutboundMessage, str, dict]] = {}


def _finish(message: OutboundMessage, claim: str, *, state: str, error: str = "", **fields) -> bool:
    """Move a claimed message to its outcome; False when the claim was lost meanwhile."""
    try:
        with transaction.atomic():
            changed = OutboundMessage.objects.filter(pk=message.pk, claim=claim, state=MessageState.SENDING).update(
                state=state, last_error=error, claim="", claimed_at=None, **fields
            )
            if changed:
                _set_delivery(message, state, error)
    except (OperationalError, InterfaceError):
        _unwritten[message.pk] = (message, claim, {"state": state, "error": error, **fields})
        raise
    _unwritten.pop(message.pk, None)
    if changed and state == MessageState.FAILED:
        announce_undelivered(message.pk, error)
    return bool(changed)


# Emitted when a message on a record fails for good or is delivered with some recipients refused (declared in
# MailConfig.ready(); listeners run at once, the outcome being written). A message without a record (a password
# reset, a notification's mail) announces nothing: there is no record to tell of, and a notification's failed mail
# must not raise another notification.
MAIL_UNDELIVERED = "mail.undelivered"


def announce_undelivered(pk: int, detail: str) -> None:
    """Emit mail.undelivered for the message's record with who wrote it and the server's answer; never raises."""
    from trato.core import events
    from trato.timeline import registry

    try:
        row = OutboundMessage.objects.filter(pk=pk).values("record_type", "record_id", "created_by_id").first()
        registration = registry.registration_by_key(row["record_type"]) if row and row["record_type"] else None
        if row is None or registration is None:
            return
        record = registration.model._default_manager.filter(pk=row["record_id"]).first()
        if record is not None:
            data = {"message": pk, "sent_by": row["created_by_id"], "detail": detail[:300]}
            events.emit(MAIL_UNDELIVERED, record=record, data=data)
    except Exception:  # telling people is secondary: the outcome is written, the sending goes on
        logger.exception("Could not announce that mail %s was not delivered", pk)


def write_unwritten() -> int:
    """Write the outcomes a lost database connection kept this process from writing; how many were written.

    The claim token still guards each write: a message recovery already took back is left as recovery left it."""
    written = 0
    for message, claim, outcome in list(_unwritten.values()):
        try:
            written += _finish(message, claim, **outcome)
        except (OperationalError, InterfaceError):
            break  # still unreachable: kept for the next run
    return written


def claim_message(pk: int, now=None) -> tuple[OutboundMessage, str] | None:
    """Take a due message for this attempt, or None when it is not due or another worker took it."""
    now = now or timezone.now()
    claim = new_claim()
    with transaction.atomic():
        taken = (
            OutboundMessage.objects.due(now)
            .filter(pk=pk)
            .update(state=MessageState.SENDING, claim=claim, claimed_at=timezone.now(), attempts=F("attempts") + 1)
        )
    if not taken:
        return None
    try:
        message = OutboundMessage.objects.prefetch_related("recipients", "attachments").get(pk=pk)
    except (OperationalError, InterfaceError):  # claimed, then the database went away: nothing was sent
        _unwritten[pk] = (OutboundMessage(pk=pk), claim, {"state": MessageState.QUEUED, "next_attempt_at": now})
        raise
    return message, claim


def mark_committing(message: OutboundMessage, claim: str) -> bool:
    """Called by the backend before the final "." (own transaction). False: our claim is gone, do not send."""
    with transaction.atomic():
        return bool(
            OutboundMessage.objects.filter(pk=message.pk, claim=claim, state=MessageState.SENDING).update(
                committing_at=timezone.now()
            )
        )


class _InvitationEmail(EmailMultiAlternatives):
    """An email whose text/calendar alternative carries ``method=`` (iMIP, RFC 6047), which Outlook, Gmail and
    Apple Mail need to show the invitation with its answer buttons; a plain .ics attachment gets none."""

    calendar_method = ""
    # Set for the outbox's messages: TwoPhaseSMTPBackend calls it before the final "." (see backends.py).
    before_final_dot: Callable[[], bool] | None = None

    def _create_mime_attachment(self, content, mimetype):
        part = super()._create_mime_attachment(content, mimetype)  # type: ignore[misc]  # not in django-stubs
        if mimetype == "text/calendar" and self.calendar_method:
            charset = part.get_content_charset() or "utf-8"  # written unquoted, as Outlook and Google write it
            part.replace_header("Content-Type", f'text/calendar; charset="{charset}"; method={self.calendar_method}')
        return part


def build_email(message: OutboundMessage, connection=None) -> _InvitationEmail:
    recipients = list(message.recipients.all())
    headers = {"Message-ID": message.message_id, "Content-Language": message.language}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
    if message.references:
        headers["References"] = message.references
    if message.automatic:
        headers["Auto-Submitted"] = "auto-generated"
    email = _InvitationEmail(
        subject=message.subject,
        body=message.body_text,
        from_email=message.from_address,
        to=[_formatted(r) for r in recipients if r.kind == RecipientKind.TO],
        cc=[_formatted(r) for r in recipients if r.kind == RecipientKind.CC],
        reply_to=[message.reply_to] if message.reply_to else None,
        headers=headers,
        connection=connection,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    if message.calendar:
        email.calendar_method = message.calendar_method
        email.attach_alternative(message.calendar, "text/calendar")  # last: the part clients act on
    for attachment in message.attachments.all():
        email.attach(attachment.name, bytes(attachment.content), attachment.content_type)
    return email


def _formatted(recipient) -> str:
    from trato.mail.addresses import Recipient

    return Recipient(recipient.name, recipient.address).formatted()


def _answer(error: BaseException) -> tuple[bool, str]:
    """(transient?, the server's answer or the error) for a failed attempt."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _answer in error.recipients.values()]
        return any(400 <= code < 500 for code in codes) or not codes, _refused_text(error.recipients)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500, f"{error.smtp_code} {_text(error.smtp_error)}"
    if isinstance(error, OSError):  # refused or dropped connections, time-outs, name resolution
        return True, str(error) or type(error).__name__
    return False, f"{type(error).__name__}: {error}"


def _text(answer) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


def _gave_up(message: OutboundMessage, now) -> bool:
    return now - message.created_at > timedelta(hours=settings.TRATO_MAIL_GIVE_UP_HOURS)


def _record_failure(message: OutboundMessage, claim: str, error: BaseException, now) -> str:
    transient, answer = _answer(error)
    gave_up = _gave_up(message, now)
    logger.warning("Mail %s not sent (%s): %s", message.message_id, "will retry" if transient else "failed", answer)
    if transient and not gave_up:
        retry_at = now + backoff(message.attempts)
        _finish(message, claim, state=MessageState.QUEUED, error=answer, committing_at=None, next_attempt_at=retry_at)
        return UNREACHABLE if isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException) else RETRY
    _finish(message, claim, state=MessageState.FAILED, error=answer, committing_at=None)
    return FAILED


SENT, SKIPPED, RETRY, UNREACHABLE, FAILED = "sent", "skipped", "retry", "unreachable", "failed"
# Kept like a server's answer (not translated): the worker sending it stopped again and again until the give-up time.
WORKER_STOPPED = "Not sent: the worker stopped while sending it, until Trato gave up."


def _send_one(connection, pk: int, now) -> str:
    claimed = claim_message(pk, now)
    if claimed is None:
        return SKIPPED
    message, claim = claimed
    try:
        email = build_email(message, connection)
        if getattr(connection, "two_phase", False):
            email.before_final_dot = lambda: mark_committing(message, claim)
        connection.open()
        connection.send_messages([email])
    except DeliveryAbandoned:
        return SKIPPED
    except DeliveryUncertain as uncertain:
        # The "." went out and the connection broke: counted as delivered rather than risk a copy.
        _finish(message, claim, state=MessageState.SENT, error=str(uncertain), sent_at=timezone.now())
        return SENT
    except (OperationalError, InterfaceError):
        # The database went away before the "." (the backend dropped the connection, so nothing was delivered):
        # not the message's fault. Queued again at the next run, once the worker has reconnected. Also when it went
        # away during mark_committing: that write may have reached the database all the same, so committing_at is
        # cleared, else a later attempt stopped before its "." would be read by recovery as delivered.
        _close(connection)
        requeue = {"state": MessageState.QUEUED, "committing_at": None, "next_attempt_at": timezone.now()}
        _unwritten[message.pk] = (message, claim, requeue)
        raise
    except Exception as error:
        _drop_broken_connection(connection, error)
        return _record_failure(message, claim, error, now or timezone.now())
    refused = getattr(email, "refused_recipients", {}) or {}
    delivered: dict[str, Any] = {"state": MessageState.SENT, "sent_at": timezone.now(), "error": _refused_text(refused)}
    try:
        _note_refused(message, refused)
    except (OperationalError, InterfaceError):
        _unwritten[message.pk] = (message, claim, delivered)  # delivered all the same: "sent" at the next run
        raise
    if _finish(message, claim, **delivered) and refused:
        announce_undelivered(message.pk, delivered["error"])
    return SENT


def _bare(address: str) -> str:
    return parseaddr(address)[1] or address


def _refused_text(refused: dict) -> str:
    return "; ".join(f"{_bare(address)}: {code} {_text(answer)}" for address, (code, answer) in refused.items())


def _note_refused(message: OutboundMessage, refused: dict) -> None:
    for address, (code, answer) in refused.items():
        message.recipients.filter(address__iexact=_bare(address)).update(refused=f"{code} {_text(answer)}")


def _drop_broken_connection(connection, error: BaseException) -> None:
    """After anything but a clean refusal, start the next message on a fresh connection."""
    if isinstance(error, smtplib.SMTPResponseException) and getattr(connection, "connection", None) is not None:
        return
    _close(connection)


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:  # a broken connection may fail to close; it is discarded all the same
        if hasattr(connection, "connection"):
            connection.connection = None


def send_messages(pks, now=None) -> int:
    """Send these messages (those still due), one SMTP transaction each, over one connection. Returns how many
    were sent. Stops early when the server cannot be reached: the others stay queued for the next sweep."""
    write_unwritten()
    pks = list(pks)
    if not pks:
        return 0
    connection = get_connection(fail_silently=False)
    sent = 0
    try:
        for pk in pks:
            outcome = _send_one(connection, pk, now)
            sent += outcome == SENT
            if outcome == UNREACHABLE:
                break
    finally:
        _close(connection)
    return sent


def recover_stale(now=None) -> int:
    """Take back messages held by workers that died: delivered if they were committing, else queued again."""
    now = now or timezone.now()
    recovered = 0
    stale = OutboundMessage.objects.stale(now, _lease()).only("pk", "claim", "committing_at", "entry_id", "created_at")
    for message in stale:
        if message.committing_at:
            recovered += _finish(message, message.claim, state=MessageState.SENT, sent_at=message.committing_at)
        elif _gave_up(message, now):
            # A message that kills its worker every time must not be retried forever.
            recovered += _finish(message, message.claim, state=MessageState.FAILED, error=WORKER_STOPPED)
        else:
            recovered += _finish(message, message.claim, state=MessageState.QUEUED, next_attempt_at=now)
    if recovered:
        logger.warning("Recovered %d message(s) left by a stopped worker", recovered)
    return recovered


def send_due(now=None, limit: int | None = None) -> int:
    """Recover what stopped workers left, then send what is due, oldest first. Returns how many were sent."""
    now = now or timezone.now()
    write_unwritten()
    recover_stale(now)
    limit = limit or settings.TRATO_MAIL_BATCH_SIZE
    pks = OutboundMessage.objects.due(now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]
    return send_messages(list(pks), now)
