"""Writing to a record's timeline. Shared by the pages, the API and other apps' services.

Every function takes keyword arguments only, runs in one transaction, locks the record's row and checks
that ``by`` may see the record (NotFound otherwise, as for a record that does not exist, so that its existence
does not leak). Anyone who may see a record may add notes, communications and files to it.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trato.core.errors import DomainError, NotAllowed, NotFound
from trato.timeline import files as file_rules
from trato.timeline import registry
from trato.timeline.changes import changed_fields, state_label_source
from trato.timeline.cleanup import delete_files_after_commit
from trato.timeline.models import Attachment, Channel, Direction, Entry, EntryKind

MAX_TEXT_LENGTH = 20_000
MAX_FILES_PER_UPLOAD = 20
FUTURE_TOLERANCE = timedelta(minutes=5)  # clocks disagree a little
# Older dates are typing mistakes; some (year 1 east of UTC) cannot even be stored.
EARLIEST_OCCURRED_AT = datetime(1900, 1, 1, tzinfo=UTC)


def _ensure_visible(record, by) -> None:
    registry.key_for(record)  # only registered models have timelines
    if not type(record)._default_manager.visible_to(by).filter(pk=record.pk).exists():
        raise NotFound()


def _lock_visible(record, by) -> None:
    """Lock the record's row for the rest of the transaction, then check ``by`` may see it.

    A deletion of the record running at the same time either waits for this write (and its clean-up then
    removes what was written) or commits first (and this write is a 404): nothing outlives its record.
    The lock is taken apart from the visibility check because visible_to may join or use DISTINCT,
    which FOR UPDATE does not allow."""
    list(type(record)._default_manager.select_for_update().filter(pk=record.pk).values_list("pk"))
    _ensure_visible(record, by)


def _clean_text(text, field: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise DomainError(_("Write something first."), code="required", fields={field: [_("This field is required.")]})
    if "\x00" in text:  # PostgreSQL cannot store it; forms refuse it with this same message
        message = _("Null characters are not allowed.")
        raise DomainError(message, code="invalid", fields={field: [message]})
    if len(text) > MAX_TEXT_LENGTH:
        message = _("Keep it under %(limit)s characters.") % {"limit": MAX_TEXT_LENGTH}
        raise DomainError(message, code="too_long", fields={field: [message]})
    return text


def _new_entry(record, by, kind: str, **fields) -> Entry:
    return Entry.objects.create(
        record_type=registry.key_for(record), record_id=record.pk, kind=kind, author=by, **fields
    )


def note_add(*, record, by, body: str) -> Entry:
    body = _clean_text(body, "body", required=True)
    with transaction.atomic():
        _lock_visible(record, by)
        return _new_entry(record, by, EntryKind.NOTE, body=body)


def contacts_offered(record):
    """The contacts a communication on this record may name, or None when the record has none to offer."""
    contacts = registry.registration_for(record).contacts
    return contacts(record) if contacts else None


def contacts_allowed(record, by):
    """The contacts a communication on this record may name: the record's own, or else any ``by`` may see."""
    from trato.partners.models import Contact

    offered = contacts_offered(record)
    return offered if offered is not None else Contact.objects.visible_to(by)


def invalid_contact(field: str = "contact") -> DomainError:
    message = _("Choose one of this record's contacts.")
    return DomainError(message, code="invalid_contact", fields={field: [message]})


def _check_contact(record, by, contact) -> None:
    if not contacts_allowed(record, by).filter(pk=contact.pk).exists():
        raise invalid_contact()


def _check_communication(channel: str, direction: str, occurred_at) -> None:
    errors = {}
    if channel not in Channel.values:
        errors["channel"] = [_("Choose a channel: email, phone, letter, visit or other.")]
    if direction not in Direction.values:
        errors["direction"] = [_("Choose whether it came in or went out.")]
    if occurred_at is None or timezone.is_naive(occurred_at):
        errors["occurred_at"] = [_("Enter the date and time it happened.")]
    elif occurred_at > timezone.now() + FUTURE_TOLERANCE:
        errors["occurred_at"] = [_("The date cannot be in the future.")]
    elif occurred_at < EARLIEST_OCCURRED_AT:
        errors["occurred_at"] = [_("The date is too far in the past.")]
    if errors:
        raise DomainError(_("Some fields are not valid."), code="invalid", fields=errors)


def communication_log(*, record, by, channel, direction, occurred_at, summary, contact=None) -> Entry:
    """An email, call, letter or visit, in or out, on the date it happened."""
    _check_communication(channel, direction, occurred_at)
    summary = _clean_text(summary, "summary", required=True)
    with transaction.atomic():
        _lock_visible(record, by)
        if contact is not None:
            _check_contact(record, by, contact)
        return _new_entry(
            record,
            by,
            EntryKind.COMMUNICATION,
            channel=channel,
            direction=direction,
            occurred_at=occurred_at,
            body=summary,
            contact=contact,
            contact_name=str(contact) if contact else "",
        )


def changes_record(*, record, by, before: dict, after: dict) -> Entry | None:
    """Record which tracked fields changed (old → new); None when nothing did."""
    rows = changed_fields(type(record), before, after)
    if not rows:
        return None
    with transaction.atomic():
        _lock_visible(record, by)
        return _new_entry(record, by, EntryKind.CHANGE, data={"changes": rows})


def created_record(*, record, by) -> Entry:
    """One entry saying the record was created, under its number or name: "Created RC-2026-00042 Broken seal".

    Creation is not a list of fields going from nothing to their first value; the record's page shows those."""
    with transaction.atomic():
        _lock_visible(record, by)
        return _new_entry(record, by, EntryKind.CHANGE, data={"created": {"name": str(record)[:300]}, "changes": []})


def state_change_record(*, record, by, old: str, new: str, reason: str = "") -> Entry:
    """A move from one state to another, with both codes and labels and the reason given."""
    reason = _clean_text(reason, "reason", required=False)
    model = type(record)
    data = {
        "old": old or "",
        "old_label": state_label_source(model, old) if old else "",
        "new": new,
        "new_label": state_label_source(model, new),
    }
    with transaction.atomic():
        _lock_visible(record, by)
        return _new_entry(record, by, EntryKind.STATE, body=reason, data=data)


def _inspect_all(uploads) -> list[file_rules.Inspected]:
    if not uploads:
        raise DomainError(_("Choose at least one file."), code="required", fields={"files": [_("Choose a file.")]})
    if len(uploads) > MAX_FILES_PER_UPLOAD:
        message = _("Upload at most %(count)s files at once.") % {"count": MAX_FILES_PER_UPLOAD}
        raise DomainError(message, code="too_many_files", fields={"files": [message]})
    inspected, problems = [], []
    for upload in uploads:
        try:
            inspected.append(file_rules.inspect(upload, max_bytes=settings.TRATO_ATTACHMENT_MAX_BYTES))
        except file_rules.UploadRefused as refused:
            problems.append(str(refused))
    if problems:
        raise DomainError(" ".join(problems), code="invalid_file", fields={"files": problems})
    return inspected


def attachments_add(*, record, by, files: list, note: str = "") -> list[Attachment]:
    """Store several files at once: all or none. Files are written first, then their rows; if the
    rows cannot be written, the files are deleted again, so no row lacks its file and no file its row.

    Call it outside any transaction of your own: a rollback of yours would keep the stored files."""
    uploads = list(files or [])
    note = _clean_text(note, "note", required=False)
    _ensure_visible(record, by)  # before storing anything
    inspected = _inspect_all(uploads)
    stored: list[str] = []
    try:
        for upload in uploads:
            stored.append(file_rules.store(upload))
        with transaction.atomic():
            _lock_visible(record, by)  # again, under the lock: the record may have gone meanwhile
            entry = _new_entry(record, by, EntryKind.ATTACHMENT, body=note)
            return [_attachment(entry, by, name, facts) for name, facts in zip(stored, inspected, strict=True)]
    except BaseException:
        file_rules.delete_stored(stored)
        raise


def _attachment(entry: Entry, by, stored_name: str, facts) -> Attachment:
    return Attachment.objects.create(
        entry=entry,
        record_type=entry.record_type,
        record_id=entry.record_id,
        name=facts.name,
        file=stored_name,
        size=facts.size,
        content_type=facts.content_type,
        sha256=facts.sha256,
        uploaded_by=by,
    )


def attachment_delete(*, attachment: Attachment, by) -> None:
    """Remove a file: its uploader or whoever may change the record. The stored file goes after commit."""
    with transaction.atomic():
        # Lock the upload entry first: two people deleting its last files take turns, and the second
        # one sees it empty and removes it.
        entry = Entry.objects.select_for_update().filter(pk=attachment.entry_id).first()
        attachment = Attachment.objects.visible_to(by).filter(pk=attachment.pk).first()
        if entry is None or attachment is None:
            raise NotFound()
        if not Attachment.objects.editable_by(by).filter(pk=attachment.pk).exists():
            raise NotAllowed(_("Only the person who uploaded this file, or who may change the record, may delete it."))
        attachment.delete()
        if not entry.body and not entry.attachments.exists():
            entry.delete()  # an upload entry with nothing left to show
        delete_files_after_commit([attachment.file.name])


EMAIL_DIRECTIONS = (Direction.INBOUND, Direction.OUTBOUND)
MAX_SUBJECT_LENGTH = 998  # RFC 5322's limit for a header line


def _split_quoted(body_text: str) -> tuple[str, str]:
    """A reply's own text and the quoted history below it (folded when shown)."""
    from trato.inbox.sanitise import fold_quoted

    folded = fold_quoted(body_text)
    return (folded.reply, folded.quoted) if folded.quoted else (body_text, "")


def _message_reference(message) -> str:
    return f"{message._meta.label_lower}:{message.pk}" if message is not None else ""


def email_record(*, record, by, direction, subject, sender, recipients, body_text, message=None) -> Entry:
    """An email that came in or went out, on the timeline of ``record``.

    ``message`` (an OutboundMessage or InboundMessage) is kept as "app.model:pk" in the entry's data. An
    outbound entry starts as "queued"; the outbox updates ``data["delivery"]`` as the message is sent or fails,
    so the timeline shows the delivery state without a query per entry. Inbound text is split into the new part
    (shown) and the quoted history (folded). ``by`` may be None for mail Trato sends or receives on its own."""
    if direction not in EMAIL_DIRECTIONS:
        raise DomainError(_("Choose whether it came in or went out."), code="invalid")
    body = (body_text or "").replace("\x00", "")[:MAX_TEXT_LENGTH]
    quoted = ""
    if direction == Direction.INBOUND:
        body, quoted = _split_quoted(body)
    data: dict[str, Any] = {
        "subject": " ".join(str(subject or "").split())[:MAX_SUBJECT_LENGTH],
        "sender": str(sender or ""),
        "recipients": [str(address) for address in recipients or ()],
        "message": _message_reference(message),
        "quoted": quoted,
    }
    if direction == Direction.OUTBOUND:
        data["delivery"] = {"state": "queued", "error": ""}
    with transaction.atomic():
        if by is None:
            list(type(record)._default_manager.select_for_update().filter(pk=record.pk).values_list("pk"))
        else:
            _lock_visible(record, by)
        return _new_entry(record, by, EntryKind.EMAIL, channel=Channel.EMAIL, direction=direction, body=body, data=data)
