"""Filing a message on a record: an inbound email entry on its timeline, then its attachments.

The message's row is marked filed and the entry written in one transaction, under a lock on the row, so a
message is filed once even when two deliveries or two administrators race. Attachments are stored after that
transaction (timeline.attachments_add must run outside one); a file the timeline refuses (a program, a web
page) is named in the entry instead, and never stops the filing.
"""

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trato.core import events
from trato.core.concurrency import bump_version
from trato.core.errors import ConflictError, DomainError
from trato.inbox.models import InboundMessage, State
from trato.inbox.parsing import MailAttachment, ParsedMail
from trato.timeline import files as file_rules
from trato.timeline import registry
from trato.timeline import services as timeline

logger = logging.getLogger(__name__)

MAX_TEXT = timeline.MAX_TEXT_LENGTH - 2_000  # room for the subject and the notes about refused files
# Emitted (after commit) each time a message is filed on a record; declared in InboxConfig.ready().
MAIL_RECEIVED = "mail.received"


class AlreadyFiled(DomainError):
    default_message = gettext_lazy("This message has already been filed.")
    code = "already_filed"


def _upload(attachment: MailAttachment) -> ContentFile:
    return ContentFile(attachment.data, name=attachment.name)


def split_attachments(parsed: ParsedMail) -> tuple[list[MailAttachment], list[str]]:
    """(files the timeline accepts, a sentence for each one it refuses)."""
    accepted, refused = [], []
    for attachment in parsed.attachments:
        try:
            file_rules.inspect(_upload(attachment), max_bytes=settings.TRATO_ATTACHMENT_MAX_BYTES)
        except file_rules.UploadRefused as problem:
            refused.append(str(problem))
        else:
            accepted.append(attachment)
    return accepted, refused


def _body(parsed: ParsedMail, refused: list[str]) -> str:
    text = parsed.text[:MAX_TEXT] or _("(no text)")
    if refused:
        text += "\n\n" + _("Attachments not kept:") + "\n" + "\n".join(f"- {line}" for line in refused)
    return text


def _write_entry(*, record, by, parsed: ParsedMail, inbound: InboundMessage, refused: list[str]):
    return timeline.email_record(
        record=record,
        by=by,
        direction="inbound",
        subject=parsed.subject,
        sender=_sender(parsed),
        recipients=parsed.recipients,
        body_text=_body(parsed, refused),
        message=inbound,
    )


def _sender(parsed: ParsedMail) -> str:
    if parsed.from_name and parsed.from_address:
        return f"{parsed.from_name} <{parsed.from_address}>"
    return parsed.from_address


def _claim(inbound: InboundMessage, record, handler: str, expected_version: int | None) -> InboundMessage:
    """Lock the message's row and mark it filed on ``record``; refuse when it is filed already."""
    locked = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise ConflictError()
    if locked.state == State.FILED:
        raise AlreadyFiled()
    locked.state = State.FILED
    locked.record_type = registry.key_for(record)
    locked.record_id = record.pk
    locked.handler = handler[:100]
    locked.reason_code = locked.reason_detail = ""
    locked.filed_at = timezone.now()
    bump_version(locked)
    locked.save(
        update_fields=[
            "state",
            "record_type",
            "record_id",
            "handler",
            "reason_code",
            "reason_detail",
            "filed_at",
            "version",
        ]
    )
    locked.refresh_from_db(fields=["version"])
    return locked


def file_on_record(
    *, inbound: InboundMessage, parsed: ParsedMail, record, by, handler: str, expected_version: int | None = None
) -> InboundMessage:
    """File ``parsed`` on ``record`` as ``by``; raises DomainError (404 when ``by`` may not see the record)."""
    accepted, refused = split_attachments(parsed)
    with transaction.atomic():
        filed = _claim(inbound, record, handler, expected_version)
        _write_entry(record=record, by=by, parsed=parsed, inbound=filed, refused=refused)
        events.emit(MAIL_RECEIVED, record=record, by=by, data=_received(parsed, filed))
    _store_attachments(record, by, parsed, accepted, filed)
    return filed


def _received(parsed: ParsedMail, inbound: InboundMessage) -> dict:
    """What listeners of mail.received read: who wrote, about what, and whether a machine wrote it (a bounce)."""
    return {
        "message": inbound.pk,
        "sender": (parsed.from_name or parsed.from_address)[:200],
        "subject": parsed.subject[:200],
        "automatic": parsed.is_automatic,
        "delivery_report": "delivery-report" in parsed.automatic_reasons,
    }


def _store_attachments(record, by, parsed: ParsedMail, accepted: list[MailAttachment], inbound) -> None:
    note = _("Attached to the email “%(subject)s”.") % {"subject": parsed.subject or _("(no subject)")}
    batch = timeline.MAX_FILES_PER_UPLOAD
    for start in range(0, len(accepted), batch):
        uploads = [_upload(a) for a in accepted[start : start + batch]]
        try:
            timeline.attachments_add(record=record, by=by, files=uploads, note=note[:1000])
        except Exception as error:  # the mail is filed; the files stay in the raw message
            logger.exception("Could not store the attachments of %s", inbound.message_id)
            InboundMessage.objects.filter(pk=inbound.pk).update(
                reason_code="filing_failed", reason_detail=f"{_('attachments')}: {type(error).__name__}"[:500]
            )
