"""Queueing mail. Runs inside the caller's transaction: a rolled-back change queues nothing, and the worker
sends only after commit (see sending.py for how it is sent).

    message_queue(by=user, to=[contact], subject="Your claim", body_text="...", record=claim)
    message_queue_from_template(template="claims/received", context={...}, to=[contact], language="es",
                                record=claim, by=None)
"""

import uuid
from collections.abc import Iterable
from functools import partial

import icalendar
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from trato.core.errors import DomainError, InvalidInput
from trato.mail import threading
from trato.mail.addresses import Recipient, header_text, recipient
from trato.mail.models import OutboundAttachment, OutboundMessage, OutboundRecipient, RecipientKind

MAX_SUBJECT_LENGTH = 250  # what a person reads; the header allows more
MAX_BODY_LENGTH = 200_000
MAX_RECIPIENTS = 50


def new_message_id() -> str:
    # Lower case, as the gateway stores the Message-IDs it reads: replies must match what was sent.
    return f"<{uuid.uuid4().hex}@{settings.TRATO_MAIL_MESSAGE_ID_DOMAIN.lower()}>"


def _refuse(field: str, message: str, code: str = "invalid") -> DomainError:
    return DomainError(message, code=code, fields={field: [message]})


def _recipients(values, kind: str) -> list[tuple[str, Recipient]]:
    return [(kind, recipient(value, kind)) for value in values or ()]


def _check_recipients(recipients: list[tuple[str, Recipient]]) -> list[tuple[str, Recipient]]:
    if not any(kind == RecipientKind.TO for kind, _r in recipients):
        raise _refuse("to", _("Add at least one recipient."), "required")
    if len(recipients) > MAX_RECIPIENTS:
        raise _refuse("to", _("Send to at most %(count)s people at once.") % {"count": MAX_RECIPIENTS})
    unique, seen = [], set()
    for kind, person in recipients:
        if person.address.lower() not in seen:  # the same person twice gets one copy
            seen.add(person.address.lower())
            unique.append((kind, person))
    return unique


def _subject(subject: str, record) -> str:
    subject = header_text(subject, MAX_SUBJECT_LENGTH)
    if not subject:
        raise _refuse("subject", _("Write a subject."), "required")
    if record is not None and threading.token_from_subject(subject) != threading.record_token(record):
        subject = f"{subject} {threading.subject_tag(record)}"
    return subject


def _body(body_text: str) -> str:
    body = (body_text or "").replace("\x00", "").strip()
    if not body:
        raise _refuse("body_text", _("Write the message."), "required")
    if len(body) > MAX_BODY_LENGTH:
        raise _refuse("body_text", _("The message is too long."), "too_long")
    return body


def _language(language: str | None) -> str:
    language = language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise _refuse("language", _("Choose Spanish or English."))
    return language


def _attachment_bytes(item, record) -> tuple[str, str, bytes, object]:
    """(name, content type, bytes, source) from a timeline Attachment of ``record`` or a (name, bytes, type)."""
    from trato.timeline import registry
    from trato.timeline.models import Attachment

    if isinstance(item, Attachment):
        if record is None or (item.record_type, item.record_id) != (registry.key_for(record), record.pk):
            raise _refuse("attachments", _("Attach only files of this record."))
        try:
            with item.file.storage.open(item.file.name, "rb") as handle:
                return item.name, item.content_type, handle.read(), item
        except (OSError, SuspiciousFileOperation):
            raise _refuse("attachments", _("The file “%(name)s” is missing.") % {"name": item.name}) from None
    name, content, content_type = item
    return header_text(name, 150) or _("attachment"), content_type, bytes(content), None


def _attachments(items, record) -> list[tuple[str, str, bytes, object]]:
    files = [_attachment_bytes(item, record) for item in items or ()]
    if sum(len(content) for _n, _t, content, _s in files) > settings.TRATO_MAIL_MAX_BYTES:
        limit = settings.TRATO_MAIL_MAX_BYTES // (1024 * 1024)
        raise _refuse("attachments", _("Attachments may add up to %(limit)s MB at most.") % {"limit": limit})
    return files


CALENDAR_METHODS = ("REQUEST", "CANCEL", "REPLY")


def calendar_method_of(text: str, expected: str = "") -> str:
    """The METHOD of an iCalendar text meant for an invitation mail (iMIP, RFC 6047); refused (nothing is queued)
    when it does not parse, is not REQUEST, CANCEL or REPLY, or is not the ``expected`` one."""
    try:
        method = str(icalendar.Calendar.from_ical(text).get("METHOD", "")).upper()
    except ValueError as error:
        raise _invalid_calendar(_("The calendar could not be read: %(error)s") % {"error": error}) from error
    if method not in CALENDAR_METHODS:
        raise _invalid_calendar(_("The calendar needs a METHOD of REQUEST, CANCEL or REPLY."))
    if expected and expected.upper() != method:
        # The part's method= is always the METHOD inside; a caller expecting another one has the wrong calendar.
        message = _("The calendar's METHOD is %(inside)s, not %(expected)s.")
        raise _invalid_calendar(message % {"inside": method, "expected": header_text(expected, 20)})
    return method


def _invalid_calendar(message: str) -> InvalidInput:
    return InvalidInput(message, fields={"calendar": [message]})


def message_queue(
    *,
    by,
    to: Iterable,
    subject: str,
    body_text: str,
    body_html: str = "",
    record=None,
    cc: Iterable = (),
    language: str | None = None,
    attachments: Iterable = (),
    in_reply_to: str = "",
    references: Iterable[str] = (),
    automatic: bool = False,
    calendar: str = "",
    calendar_method: str = "",
) -> OutboundMessage:
    """Queue a message; it is sent by the worker once the caller's transaction commits.

    ``to``/``cc``: Contacts, (name, address) pairs or "Name <address>" texts. ``attachments``: timeline
    Attachments of ``record`` or (name, bytes, content type). With a ``record``, the message shows on its
    timeline, replies go to the record's plus-address and the subject carries its tag, so answers come back to it.
    ``automatic``: Trato wrote it on its own (notifications), marked so that auto-responders stay quiet.
    ``calendar``: an iCalendar text with METHOD REQUEST, CANCEL or REPLY, sent inline as real clients expect;
    ``calendar_method``, when given, must be that METHOD (a caller's check that it sends what it means to)."""
    recipients = _check_recipients(_recipients(to, RecipientKind.TO) + _recipients(cc, RecipientKind.CC))
    subject = _subject(subject, record)
    body_text = _body(body_text)
    files = _attachments(attachments, record)
    calendar_method = calendar_method_of(calendar, calendar_method) if calendar or calendar_method else ""
    with transaction.atomic():
        message = OutboundMessage.objects.create(
            message_id=new_message_id(),
            record_type=_record_key(record),
            record_id=record.pk if record is not None else None,
            from_address=settings.DEFAULT_FROM_EMAIL,
            reply_to=threading.reply_address(record) if record is not None else "",
            subject=subject,
            body_text=body_text,
            body_html=body_html or "",
            language=_language(language),
            in_reply_to=header_text(in_reply_to, 255),
            references=" ".join(header_text(ref, 255) for ref in references if header_text(ref)),
            automatic=automatic,
            calendar_method=calendar_method,
            calendar=calendar if calendar_method else "",
            created_by=by,
        )
        _save_parts(message, recipients, files)
        if record is not None:
            _record_on_timeline(message, record, by, recipients)
        transaction.on_commit(partial(_enqueue_send, message.pk), robust=True)
    return message


def _record_key(record) -> str:
    from trato.timeline import registry

    return registry.key_for(record) if record is not None else ""


def _save_parts(message, recipients, files) -> None:
    OutboundRecipient.objects.bulk_create(
        OutboundRecipient(message=message, kind=kind, name=p.name, address=p.address, contact_id=p.contact_id)
        for kind, p in recipients
    )
    OutboundAttachment.objects.bulk_create(
        OutboundAttachment(
            message=message, name=name, content_type=ctype, size=len(content), content=content, source=src
        )
        for name, ctype, content, src in files
    )


def _record_on_timeline(message, record, by, recipients) -> None:
    from trato.timeline.models import Direction
    from trato.timeline.services import email_record

    message.entry = email_record(
        record=record,
        by=by,
        direction=Direction.OUTBOUND,
        subject=message.subject,
        sender=message.from_address,
        recipients=[p.formatted() for _kind, p in recipients],
        body_text=message.body_text,
        message=message,
    )
    message.save(update_fields=["entry"])


def _enqueue_send(message_pk: int) -> None:
    """After commit. Should enqueueing fail, the periodic sweep sends the message anyway."""
    from trato.mail.tasks import message_send

    message_send.enqueue(message_pk=message_pk)


def render_template(template: str, context: dict, language: str) -> tuple[str, str, str]:
    """(subject, text, html) of templates/mail/<template>/{subject.txt, body.txt, body.html} in ``language``.
    The HTML part is optional."""
    with translation.override(language):
        context = {**context, "language": language}
        subject = render_to_string(f"mail/{template}/subject.txt", context)
        text = render_to_string(f"mail/{template}/body.txt", context)
        html: str
        try:
            html = render_to_string(f"mail/{template}/body.html", context)
        except TemplateDoesNotExist:
            html = ""
    return header_text(subject), text.strip() + "\n", html


def message_queue_from_template(
    *, template: str, context: dict, to: Iterable, language: str | None, record=None, by, **options
) -> OutboundMessage:
    """Render a mail template in the recipient's language (with ``record`` in its context) and queue it.
    ``options`` are passed to message_queue (cc, attachments, in_reply_to, references, automatic)."""
    language = _language(language)
    subject, text, html = render_template(template, {**context, "record": record}, language)
    return message_queue(
        by=by, to=to, subject=subject, body_text=text, body_html=html, record=record, language=language, **options
    )


def language_for(person) -> str:
    """The language to write to a contact in: theirs, else their company's, else Trato's default."""
    for candidate in (getattr(person, "language", ""), getattr(getattr(person, "partner", None), "language", "")):
        if candidate in dict(settings.LANGUAGES):
            return candidate
    return settings.LANGUAGE_CODE
