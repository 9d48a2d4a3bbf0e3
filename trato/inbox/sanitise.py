"""HTML from mail, made safe to show inside Trato, and quoted history folded for display.

nh3 keeps a small set of formatting tags: no script, style, forms, frames or event handlers, no
``javascript:`` links, no ``style`` attributes (the page's CSP forbids them anyway). Images are removed:
a remote image is a tracking pixel that tells the sender when and where the mail was read.
"""

import html
import re
from dataclasses import dataclass

import nh3
from email_reply_parser import EmailReplyParser

ALLOWED_TAGS = nh3.ALLOWED_TAGS - {"img", "map", "area"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_BLOCK_END = re.compile(r"(?i)<\s*(br|/p|/div|/li|/tr|/h[1-6]|/blockquote|/table)\b[^>]*>")


def sanitise_html(raw: str) -> str:
    if not raw or not raw.strip():
        return ""
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "title", "head", "xml", "template"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def html_to_text(safe_html: str) -> str:
    """Plain text from (already sanitised) HTML, keeping line breaks between blocks."""
    with_breaks = _BLOCK_END.sub(lambda match: match.group(0) + "\n", safe_html)
    text = html.unescape(nh3.clean(with_breaks, tags=set()))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@dataclass(frozen=True)
class FoldedText:
    reply: str  # what the sender wrote this time
    quoted: str  # earlier messages and signatures, shown folded


# Where the history starts in clients that email_reply_parser does not know: Spanish Gmail/Thunderbird
# ("El lun, 3 nov 2026 a las 10:00, Ana <ana@x.es> escribió:"), Outlook's separator or header block in Spanish and
# English. Forwarded messages are left alone: what is forwarded is often the very complaint.
_HISTORY_STARTS = re.compile(
    r"^(?:"
    r"-{2,}\s*(?:original message|mensaje original)\s*-{2,}"
    r"|el\s.{0,300}?escribi[óo]:"
    r"|(?:from|de):\s.+\n(?:sent|enviado(?: el)?|date|fecha):\s.+"
    r")\s*$",
    re.IGNORECASE | re.MULTILINE,
)


def _cut_at_history(text: str) -> tuple[str, str]:
    match = _HISTORY_STARTS.search(text)
    if match is None:
        return text, ""
    return text[: match.start()], text[match.start() :]


def fold_quoted(text: str) -> FoldedText:
    """Split a plain-text body into the new reply and the quoted history below it (the one implementation: the
    timeline, triage and the claims alias use it)."""
    text = (text or "").strip()
    head, history = _cut_at_history(text)
    try:
        reply = EmailReplyParser.parse_reply(head).strip()
    except Exception:  # a display nicety must never stop filing
        return FoldedText(reply=text, quoted="")
    if not reply:
        return FoldedText(reply=text, quoted="")
    rest = head.strip()[len(reply) :].strip() if head.strip().startswith(reply) else ""
    quoted = "\n".join(part for part in (rest, history.strip()) if part)
    return FoldedText(reply=reply, quoted=quoted)
