"""Reading one RFC 822 message into a ParsedMail, whatever state it arrives in.

Every decoding step is guarded: a header, charset, MIME structure or date that cannot be read adds a
problem (a code and a detail, shown translated in triage) instead of raising. The gateway sends a message
with problems to triage; it never loses it and never crashes on it.
"""

import codecs
import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import errors as email_errors
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr

from trato.inbox.sanitise import html_to_text, sanitise_html
from trato.timeline.files import clean_name

MAX_HEADER_BYTES = 256 * 1024  # enough for any honest header block; read before the size limit applies
CALENDAR_TYPES = {"text/calendar", "application/ics"}
CALENDAR_REPLY_METHODS = {"REPLY", "COUNTER", "CANCEL"}
# Structure defects after which the parts we read may be missing or wrong.
BROKEN_MIME_DEFECTS = (
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.MultipartInvariantViolationDefect,
)


@dataclass(frozen=True)
class Problem:
    """Why a message needs a person: a code (see models.REASONS) and a detail such as a charset name."""

    code: str
    detail: str = ""


@dataclass(frozen=True)
class MailAttachment:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class CalendarPart:
    method: str  # upper case, "" when the part names none
    data: bytes


@dataclass
class ParsedMail:
    """What handlers and filing read of a message. ``html`` is already sanitised."""

    message_id: str = ""
    from_address: str = ""
    from_name: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    delivered_to: list[str] = field(default_factory=list)
    subject: str = ""
    date: datetime | None = None
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    text: str = ""
    html: str = ""
    attachments: list[MailAttachment] = field(default_factory=list)
    calendar_parts: list[CalendarPart] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)
    is_automatic: bool = False
    automatic_reasons: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def recipients(self) -> list[str]:
        """Every address the message was delivered to, without repeats, in header order."""
        return list(dict.fromkeys(self.to + self.cc + self.delivered_to))

    @property
    def calendar_method(self) -> str:
        """The first iTIP method found (REPLY, COUNTER, CANCEL, REQUEST...), or ""."""
        return next((part.method for part in self.calendar_parts if part.method), "")

    @property
    def is_calendar_reply(self) -> bool:
        return any(part.method in CALENDAR_REPLY_METHODS for part in self.calendar_parts)

    @property
    def is_calendar_invitation(self) -> bool:
        """A calendar part that is not an answer: an invitation (REQUEST), a published event, a bare .ics."""
        return bool(self.calendar_parts) and not self.is_calendar_reply

    def header(self, name: str) -> str:
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), "")


def normalise_address(address: str) -> str:
    return (address or "").strip().strip("<>").strip().lower()


def fallback_message_id(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _safe(function, default, problems: list[Problem] | None = None, code: str = "", detail: str = ""):
    try:
        return function()
    except Exception:  # any failure to read a part of a mail is a problem, never a crash
        if problems is not None and code:
            problems.append(Problem(code, detail))
        return default


def _message_ids(value: str) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value or "")


def _thread_ids(value: str) -> list[str]:
    return [_clean_message_id(found) for found in _message_ids(value)]


def header_message_id(raw: bytes) -> str:
    """The Message-ID from the header block only (cheap, for oversized mail too); "" when absent."""
    head = raw[:MAX_HEADER_BYTES]
    headers = _safe(lambda: BytesHeaderParser(policy=email.policy.compat32).parsebytes(head), None)
    if headers is None:
        return ""
    return _clean_message_id(str(headers.get("Message-ID", "") or ""))


def _clean_message_id(value: str) -> str:
    """One canonical form per Message-ID, so that a second delivery is recognised: angle brackets added when
    a sender left them out, spaces dropped, and the part after the @ (a domain, case-insensitive) lower-cased.
    The part before the @ keeps its case: generators use base64 there, where case matters."""
    found = _message_ids(value)
    cleaned = found[0] if found else "".join(value.split()).strip("<>")
    if not cleaned:
        return ""
    local, at, domain = cleaned.strip("<>").rpartition("@")
    canonical = f"<{local}{at}{domain.lower()}>" if at else f"<{domain}>"
    return canonical[:500]


def _raw_headers(message: Message) -> list[tuple[str, str]]:
    return [(str(name), " ".join(str(value).split())) for name, value in message.raw_items()]


def _header_text(message: Message, name: str, problems: list[Problem]) -> str:
    """The decoded header, or its raw text when decoding fails (with a problem noted)."""

    def decoded():
        value = message.get(name)
        return "" if value is None else str(value)

    text = _safe(decoded, None, problems, "bad_header", name)
    if text is None:
        raw = next((v for k, v in message.raw_items() if k.lower() == name.lower()), "")
        text = str(raw)
    return " ".join(text.replace("\x00", "").split())


def _addresses(message: Message, name: str, problems: list[Problem]) -> list[str]:
    def read():
        values = [str(v) for v in message.get_all(name, [])]
        return [normalise_address(addr) for _display, addr in getaddresses(values) if "@" in addr]

    return list(dict.fromkeys(_safe(read, [], problems, "bad_header", name)))


def _date(message: Message, problems: list[Problem]) -> datetime | None:
    if message.get("Date") is None and not any(k.lower() == "date" for k, _v in message.raw_items()):
        return None  # no date at all is common and harmless: the time of arrival stands in
    header = _safe(lambda: message["Date"], None)
    value = getattr(header, "datetime", None)
    if value is None or value.tzinfo is None:
        raw = next((v for k, v in message.raw_items() if k.lower() == "date"), "")
        problems.append(Problem("bad_date", " ".join(str(raw).split())[:200]))
        return None
    return value


def _decode_text(part: Message, problems: list[Problem]) -> str:
    payload = _safe(lambda: part.get_payload(decode=True), b"", problems, "bad_part", part.get_content_type())
    if isinstance(payload, str):
        payload = payload.encode("utf-8", "replace")
    payload = payload or b""
    charset = _safe(part.get_content_charset, None) or ""
    if charset:
        try:
            codecs.lookup(charset)
        except LookupError:
            problems.append(Problem("unknown_charset", charset[:100]))
            charset = ""
    if charset:
        return _clean_text(payload.decode(charset, "replace"))
    try:
        return _clean_text(payload.decode("utf-8"))
    except UnicodeDecodeError:
        return _clean_text(payload.decode("latin-1"))


def _clean_text(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\x00", "")


def _filename(part: Message) -> str:
    """The part's file name (RFC 2231 decoded by the email package), never a path nor control characters."""
    name = _safe(part.get_filename, None)
    return clean_name(name) if name else ""


def _calendar_method(part: Message, body: bytes) -> str:
    method = str(_safe(lambda: part.get_param("method"), "") or "")
    if not method:
        found = re.search(rb"^METHOD:\s*([A-Za-z-]+)", body, re.MULTILINE)
        method = found.group(1).decode("ascii") if found else ""
    return method.strip().upper()


def _part_bytes(part: Message) -> bytes:
    if part.get_content_maintype() == "message":
        inner = part.get_payload(0)
        if not isinstance(inner, Message):
            raise email_errors.MessageError("A message/* part holds no message.")
        return inner.as_bytes(policy=email.policy.compat32)
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


@dataclass
class _Body:
    text: str = ""
    html: str = ""


def _walk_parts(message: EmailMessage, parsed: ParsedMail) -> _Body:
    body = _Body()
    for part in message.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        is_attachment = _safe(part.is_attachment, False) or bool(_filename(part))
        if content_type in CALENDAR_TYPES:
            data = _safe(lambda p=part: _part_bytes(p), b"", parsed.problems, "bad_part", content_type)
            parsed.calendar_parts.append(CalendarPart(_calendar_method(part, data), data))
        if not is_attachment and content_type == "text/plain" and not body.text:
            body.text = _decode_text(part, parsed.problems)
        elif not is_attachment and content_type == "text/html" and not body.html:
            body.html = _decode_text(part, parsed.problems)
        elif is_attachment or content_type not in ("text/plain", "text/html", *CALENDAR_TYPES):
            _add_attachment(part, parsed)
    return body


def _add_attachment(part: Message, parsed: ParsedMail) -> None:
    content_type = part.get_content_type()
    data = _safe(lambda: _part_bytes(part), b"", parsed.problems, "bad_part", content_type)
    if not data:
        return
    name = _filename(part) or ("message.eml" if content_type == "message/rfc822" else "attachment")
    parsed.attachments.append(MailAttachment(name=name, content_type=content_type, data=data))


def _bare_calendar(raw: bytes) -> bool:
    """An iCalendar object delivered on its own, with no mail headers at all."""
    return raw.lstrip()[:15].upper() == b"BEGIN:VCALENDAR"


def parse_message(raw: bytes) -> ParsedMail:
    """Read ``raw`` into a ParsedMail. Never raises: what cannot be read becomes a problem."""
    from trato.inbox.automatic import automatic_reasons

    parsed = ParsedMail()
    message = _safe(lambda: email.message_from_bytes(raw, policy=email.policy.default), None)
    if message is None:
        parsed.problems.append(Problem("unreadable"))
        parsed.message_id = fallback_message_id(raw)
        return parsed
    _read_headers(message, parsed, raw)
    _read_structure(message, parsed, raw)
    parsed.automatic_reasons = automatic_reasons(message, parsed)
    parsed.is_automatic = bool(parsed.automatic_reasons)
    return parsed


def _read_headers(message: Message, parsed: ParsedMail, raw: bytes) -> None:
    problems = parsed.problems
    parsed.headers = _safe(lambda: _raw_headers(message), [])
    parsed.message_id = _clean_message_id(_header_text(message, "Message-ID", problems)) or fallback_message_id(raw)
    from_value = _header_text(message, "From", problems)
    name, address = _safe(lambda: parseaddr(from_value), ("", ""))
    parsed.from_name = name[:200]
    parsed.from_address = normalise_address(address) if "@" in address else ""
    parsed.to = _addresses(message, "To", problems)
    parsed.cc = _addresses(message, "Cc", problems)
    parsed.delivered_to = _addresses(message, "Delivered-To", problems) + _addresses(message, "X-Original-To", problems)
    parsed.subject = _header_text(message, "Subject", problems)[:998]
    parsed.date = _date(message, problems)
    parsed.in_reply_to = _thread_ids(_header_text(message, "In-Reply-To", problems))
    parsed.references = _thread_ids(_header_text(message, "References", problems))


def _read_structure(message: EmailMessage, parsed: ParsedMail, raw: bytes) -> None:
    defects = [d for part in _safe(lambda: list(message.walk()), [message]) for d in part.defects]
    broken = next((d for d in defects if isinstance(d, BROKEN_MIME_DEFECTS)), None)
    if broken is not None:
        parsed.problems.append(Problem("broken_mime", type(broken).__name__))
    body = _safe(lambda: _walk_parts(message, parsed), _Body(), parsed.problems, "broken_mime", "walk")
    if _bare_calendar(raw):
        parsed.calendar_parts.append(CalendarPart(_calendar_method(message, raw), raw))
    parsed.html = _safe(lambda: sanitise_html(body.html), "", parsed.problems, "bad_part", "text/html")
    parsed.text = body.text.strip() or _safe(lambda: html_to_text(parsed.html), "")
