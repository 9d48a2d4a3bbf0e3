"""The gateway's writes: ingest a raw message, and the triage actions (file on a record, ignore).

``message_ingest`` keeps every message it is given. Order: the raw bytes are stored first (so nothing is
lost), a Message-ID seen before returns the first delivery untouched, an oversized message waits in
triage unparsed, and otherwise the message is parsed, routed and filed. Bad mail never raises; only a
failure to store (database or storage down) does, so that the mail server retries later.
"""

import hashlib
import logging
import re
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from trato.core.access import get_visible_or_404
from trato.core.concurrency import bump_version, lock_current
from trato.core.errors import DomainError
from trato.inbox import routing
from trato.inbox.filing import AlreadyFiled, file_on_record
from trato.inbox.models import InboundMessage, Source, State
from trato.inbox.parsing import ParsedMail, Problem, fallback_message_id, header_message_id, parse_message
from trato.inbox.system import gateway_user

logger = logging.getLogger(__name__)


def _header_block(raw: bytes) -> bytes:
    ends = [position for position in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if position >= 0]
    return raw[: min(ends, default=0) or 64 * 1024]


def _raw_name() -> str:
    now = timezone.now()
    return f"inbox/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.eml"


def _fields(parsed: ParsedMail) -> dict:
    return {
        "sender": parsed.from_address[:320],
        "sender_name": parsed.from_name[:200],
        "to": parsed.to,
        "cc": parsed.cc,
        "delivered_to": parsed.delivered_to,
        "subject": parsed.subject[:1000],
        "sent_at": parsed.date,
        "is_automatic": parsed.is_automatic,
    }


def _store(raw: bytes, message_id: str, parsed: ParsedMail, *, source, mailbox, problem: Problem):
    """(row, created): the first delivery's row when another delivery of the same message won the race."""
    stored_name = default_storage.save(_raw_name(), ContentFile(raw))
    try:
        with transaction.atomic():
            created = InboundMessage.objects.create(
                message_id=message_id,
                raw=stored_name,
                size=len(raw),
                source=source,
                mailbox=mailbox,
                state=State.TRIAGE,
                reason_code=problem.code,
                reason_detail=problem.detail[:500],
                **_fields(parsed),
            )
            return created, True
    except IntegrityError:
        default_storage.delete(stored_name)
        existing = InboundMessage.objects.filter(message_id=message_id).first()
        if existing is None:
            raise
        return existing, False


def content_fingerprint(raw: bytes) -> str:
    """What makes two deliveries the same message: its body and the headers its author wrote. Trace headers
    (Received, Delivered-To, Return-Path) differ between two deliveries of one message and are left out."""
    authored = re.findall(rb"(?im)^(?:from|to|cc|subject|date):[^\r\n]*", _header_block(raw))
    body = raw[len(_header_block(raw)) :].strip()
    return hashlib.sha256(b"\n".join(sorted(line.strip().lower() for line in authored)) + b"\n" + body).hexdigest()


def _stored_fingerprint(inbound: InboundMessage) -> str | None:
    try:
        return content_fingerprint(read_raw(inbound))
    except OSError:  # the stored file is gone: nothing to compare with, treat as the same message
        return None


def _reused_id(message_id: str, raw: bytes) -> str:
    """The key a different message that reuses an earlier Message-ID is stored under, stable for redeliveries."""
    return f"{message_id[:400]}#reused-{content_fingerprint(raw)[:16]}"


def message_ingest(raw: bytes, *, source: str, mailbox=None, alias: str = "") -> InboundMessage:
    """Store, route and file one RFC 822 message. ``alias`` names the address it came in on, when known.

    A second delivery of the same message is not stored again. A *different* message that reuses a stored
    Message-ID (a broken mailer, a forged or recycled id) is never dropped: it is stored under a derived key and
    waits in triage, saying which message it collides with."""
    raw = bytes(raw)
    if source not in Source.values:
        raise ValueError(f"unknown source {source!r}")
    message_id = header_message_id(raw) or fallback_message_id(raw)
    if (existing := InboundMessage.objects.filter(message_id=message_id).first()) is not None:
        known = _stored_fingerprint(existing)
        if known is None or known == content_fingerprint(raw):
            return existing
        return _store_reused(raw, message_id, source=source, mailbox=mailbox)
    limit = settings.TRATO_INBOX_MAX_BYTES
    if len(raw) > limit:
        problem = Problem("too_big", filesizeformat(limit))
        headers_only = parse_message(_header_block(raw))
        return _store(raw, message_id, headers_only, source=source, mailbox=mailbox, problem=problem)[0]
    parsed = parse_message(raw)
    parsed.message_id = message_id
    inbound, created = _store(raw, message_id, parsed, source=source, mailbox=mailbox, problem=Problem("received"))
    if not created:
        return inbound  # another delivery of the same message got there first
    extra_aliases = tuple(a for a in (alias, getattr(mailbox, "alias", "")) if a)
    try:
        return _route_and_file(inbound, parsed, extra_aliases)
    except Exception as error:  # the message is stored; a person will look at it
        logger.exception("Routing %s failed", message_id)
        _set_triage(inbound, Problem("filing_failed", type(error).__name__))
        return inbound


def _store_reused(raw: bytes, message_id: str, *, source, mailbox) -> InboundMessage:
    key = _reused_id(message_id, raw)
    if (again := InboundMessage.objects.filter(message_id=key).first()) is not None:
        return again
    logger.warning("A different message reuses the Message-ID %s; kept in triage as %s", message_id, key)
    parsed = parse_message(raw if len(raw) <= settings.TRATO_INBOX_MAX_BYTES else _header_block(raw))
    problem = Problem("reused_message_id", message_id[:400])
    return _store(raw, key, parsed, source=source, mailbox=mailbox, problem=problem)[0]


def _set_triage(inbound: InboundMessage, problem: Problem, *, state=State.TRIAGE, handler: str = "") -> InboundMessage:
    inbound.state = state
    inbound.reason_code = problem.code
    inbound.reason_detail = problem.detail[:500]
    inbound.handler = handler[:100]
    inbound.save(update_fields=["state", "reason_code", "reason_detail", "handler"])
    return inbound


def _route_and_file(inbound: InboundMessage, parsed: ParsedMail, extra_aliases) -> InboundMessage:
    if parsed.problems:
        return _set_triage(inbound, parsed.problems[0])
    decided = routing.route(parsed, inbound, extra_aliases=extra_aliases)
    if decided.ignore:
        assert decided.problem is not None  # routing says why it ignores a message
        inbound.is_automatic = True
        inbound.save(update_fields=["is_automatic"])
        return _set_triage(inbound, decided.problem, state=State.IGNORED, handler=decided.handler)
    if decided.record is None:
        return _set_triage(inbound, decided.problem or Problem("no_match"), handler=decided.handler)
    try:
        return file_on_record(
            inbound=inbound, parsed=parsed, record=decided.record, by=gateway_user(), handler=decided.handler
        )
    except DomainError as error:
        return _set_triage(inbound, Problem("filing_failed", str(error.message)), handler=decided.handler)


def read_raw(inbound: InboundMessage) -> bytes:
    with inbound.raw.open("rb") as stored:
        return stored.read()


def parsed_of(inbound: InboundMessage) -> ParsedMail:
    """The stored message parsed again (for the triage page and manual filing)."""
    raw = read_raw(inbound)
    parsed = parse_message(raw if inbound.size <= settings.TRATO_INBOX_MAX_BYTES else _header_block(raw))
    parsed.message_id = inbound.message_id
    return parsed


def inbound_file(*, inbound: InboundMessage, record, by, version: int) -> InboundMessage:
    """An administrator files a message from triage on a record they may see."""
    inbound = get_visible_or_404(InboundMessage, by, pk=inbound.pk)
    get_visible_or_404(type(record), by, pk=record.pk)
    if inbound.state == State.FILED:
        raise AlreadyFiled()
    return file_on_record(
        inbound=inbound, parsed=parsed_of(inbound), record=record, by=by, handler="manual", expected_version=version
    )


def inbound_ignore(*, inbound: InboundMessage, by, version: int) -> InboundMessage:
    """An administrator sets a message aside: it stays stored, out of the triage list."""
    with transaction.atomic():
        inbound = get_visible_or_404(InboundMessage, by, pk=inbound.pk)
        locked = lock_current(inbound, version)
        if locked.state == State.FILED:
            raise AlreadyFiled()
        locked.state = State.IGNORED
        locked.reason_code, locked.reason_detail = "ignored_by_user", str(by)[:500]
        bump_version(locked)
        locked.save(update_fields=["state", "reason_code", "reason_detail", "version"])
        locked.refresh_from_db(fields=["version"])
        return locked
