"""Uploaded files: clean names, types detected from the content, random storage names.

What Trato decides about a file, whatever its name or the browser's Content-Type say:
- The type is detected from the bytes (puremagic plus a few explicit signatures).
- Refused: anything a browser would run — HTML, XHTML, SVG, JavaScript — and programs (Windows, Linux or
  macOS executables, ``#!`` scripts), when either the content or the name's extension says so. Markup is
  also sniffed in the first kilobyte, the way browsers do.
- A name that lies about a detected type is corrected: "invoice.pdf" holding a PNG is kept as image/png and
  named "invoice.png". Text no signature identifies keeps its text type (csv, json, ...) or becomes
  text/plain; unidentified binary data is application/octet-stream.
- Names are only for display and downloads: control characters, path parts and reserved characters are
  removed, the length capped. Files are stored as ``attachments/<yyyy>/<mm>/<uuid>`` in the default storage.
Downloads always answer with ``Content-Disposition: attachment`` and ``nosniff`` (see views), so even a
file that slipped past these checks never renders inside Trato's origin.
"""

import hashlib
import logging
import mimetypes
import re
import unicodedata
import uuid
from dataclasses import dataclass

import puremagic
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MAX_NAME_LENGTH = 150
MAX_EXTENSION_LENGTH = 16
FALLBACK_NAME = "attachment"
SNIFF_BYTES = 1024

ACTIVE_CONTENT_TYPES = {
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/javascript",
    "application/javascript",
    "application/x-javascript",
    "application/hta",
}
PROGRAM_TYPES = {
    "application/x-msdownload",
    "application/vnd.microsoft.portable-executable",
    "application/x-dosexec",
    "application/x-executable",
    "application/x-elf",
    "application/x-sharedlib",
    "application/x-mach-binary",
    "application/x-msi",
    "application/java-archive",
}
DANGEROUS_EXTENSIONS = {
    # Run by a browser.
    ".html", ".htm", ".xhtml", ".xht", ".shtml", ".mht", ".mhtml", ".svg", ".svgz", ".js", ".mjs", ".hta",
    # Run by an operating system.
    ".exe", ".dll", ".com", ".scr", ".pif", ".cpl", ".msi", ".bat", ".cmd", ".ps1", ".vbs", ".vbe", ".jse",
    ".wsf", ".wsh", ".lnk", ".sh", ".jar", ".app",
}  # fmt: skip
PROGRAM_SIGNATURES = (
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",  # macOS Mach-O
    b"\xca\xfe\xba\xbe",  # macOS universal binary, Java class
    b"#!",  # script with an interpreter line
)  # fmt: skip
MARKUP_MARKERS = (b"<html", b"<!doctype html", b"<head", b"<body", b"<script", b"<svg", b"<iframe", b"<object")
# Text types a name may choose for text content that no signature identifies.
TEXT_TYPES = {
    "text/plain",
    "text/csv",
    "text/tab-separated-values",
    "text/markdown",
    "text/calendar",
    "text/vcard",
    "text/x-vcard",
    "text/xml",
    "application/xml",
    "application/json",
}
_TEXT_CONTROL_BYTES = bytes(set(range(32)) - {9, 10, 12, 13, 27})
_RESERVED_CHARACTERS = re.compile(r'[<>:"|?*]')


class UploadRefused(Exception):
    """The file cannot be accepted; the message says why, in the user's language."""


@dataclass(frozen=True)
class Inspected:
    name: str
    content_type: str
    size: int
    sha256: str


def clean_name(raw) -> str:
    """A display name safe in headers, HTML and on any file system; never a path."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(" " if ch.isspace() else ch for ch in name)
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = _RESERVED_CHARACTERS.sub("_", name)
    name = re.sub(r" +", " ", name).strip(" .")
    if not name:
        return FALLBACK_NAME
    stem, extension = split_extension(name)
    if len(extension) > MAX_EXTENSION_LENGTH:
        stem, extension = name, ""
    stem = stem[: MAX_NAME_LENGTH - len(extension)].rstrip(" .") or FALLBACK_NAME
    return stem + extension


def split_extension(name: str) -> tuple[str, str]:
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, "." + extension


def _extension(name: str) -> str:
    return split_extension(name)[1].lower()


def _looks_like_text(head: bytes) -> bool:
    return not any(byte in _TEXT_CONTROL_BYTES for byte in head)


def _has_markup(head: bytes) -> bool:
    sample = head.replace(b"\x00", b"").lower()  # UTF-16 markup too
    return any(marker in sample for marker in MARKUP_MARKERS)


def _is_program(head: bytes) -> bool:
    if head.startswith(PROGRAM_SIGNATURES):
        return True
    return head.startswith(b"MZ") and not _looks_like_text(head)  # DOS/Windows, not a text starting "MZ"


def _magic_candidates(upload) -> list:
    upload.seek(0)
    try:
        found = puremagic.magic_stream(upload)
    except (puremagic.PureError, ValueError, OSError):
        return []
    finally:
        upload.seek(0)
    return [c for c in found if c.mime_type]


def _best_candidate(candidates: list):
    top = max(c.confidence for c in candidates)
    tied = [c for c in candidates if c.confidence == top]
    # A bare ZIP matches many ZIP-based formats equally; without a matching name call it a ZIP.
    if len({c.mime_type for c in tied}) > 1:
        return next((c for c in candidates if c.mime_type == "application/zip"), tied[0])
    return tied[0]


def detect_type(upload, name: str, head: bytes) -> tuple[str, str]:
    """(content type, display name), the name's extension corrected when it contradicts the content."""
    name_type = mimetypes.guess_type(name, strict=False)[0]
    is_text = _looks_like_text(head)
    candidates = _magic_candidates(upload)
    matching = [c for c in candidates if c.extension.lower() == _extension(name) or c.mime_type == name_type]
    if matching:
        return matching[0].mime_type, name
    if is_text and name_type in TEXT_TYPES:
        return name_type, name  # magic on plain text is guesswork; the name may pick among harmless text types
    if candidates:
        best = _best_candidate(candidates)
        return best.mime_type, split_extension(name)[0] + best.extension.lower()
    if is_text:
        return "text/plain", name if name_type is None else split_extension(name)[0] + ".txt"
    return "application/octet-stream", name


def _refusal(name: str, content_type: str, head: bytes) -> str | None:
    if content_type in ACTIVE_CONTENT_TYPES or _has_markup(head):
        return _("“%(name)s” is a web page or an SVG image, which could run scripts: it is not accepted.")
    if content_type in PROGRAM_TYPES or _is_program(head):
        return _("“%(name)s” is a program or a script: it is not accepted.")
    if _extension(name) in DANGEROUS_EXTENSIONS:
        return _("Files ending in %(extension)s are not accepted (“%(name)s”).")
    return None


def _digest(upload) -> tuple[int, str]:
    size, sha256 = 0, hashlib.sha256()
    for chunk in upload.chunks():
        size += len(chunk)
        sha256.update(chunk)
    upload.seek(0)
    return size, sha256.hexdigest()


def inspect(upload, *, max_bytes: int) -> Inspected:
    """Check one uploaded file; raise UploadRefused with a message for the user if it is not acceptable."""
    original = clean_name(getattr(upload, "name", ""))
    if upload.size is not None and upload.size > max_bytes:
        raise UploadRefused(_too_big(original, max_bytes))
    size, sha256 = _digest(upload)
    if size == 0:
        raise UploadRefused(_("“%(name)s” is empty.") % {"name": original})
    if size > max_bytes:
        raise UploadRefused(_too_big(original, max_bytes))
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    content_type, name = detect_type(upload, original, head)
    for checked in {original, name}:
        if problem := _refusal(checked, content_type, head):
            raise UploadRefused(problem % {"name": original, "extension": _extension(checked)})
    return Inspected(name=clean_name(name), content_type=content_type, size=size, sha256=sha256)


def _too_big(name: str, max_bytes: int) -> str:
    from django.template.defaultfilters import filesizeformat

    return _("“%(name)s” is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(max_bytes)}


def storage_name() -> str:
    now = timezone.now()
    return f"attachments/{now:%Y}/{now:%m}/{uuid.uuid4().hex}"


def store(upload) -> str:
    """Write the file under a fresh random name; return the name the storage used."""
    upload.seek(0)
    return default_storage.save(storage_name(), upload)


def delete_stored(names) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("Could not delete the stored attachment %s", name)
