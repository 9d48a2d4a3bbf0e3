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


def fold_quoted(text: str) -> FoldedText:
    """Split a plain-text body into the new reply and the quoted history below it."""
    text = text or ""
    try:
        reply = EmailReplyParser.parse_reply(text).strip()
    except Exception:  # a display nicety must never stop filing
        return FoldedText(reply=text, quoted="")
    if not reply:
        return FoldedText(reply=text.strip(), quoted="")
    quoted = text.strip()[len(reply) :].strip() if text.strip().startswith(reply) else ""
    return FoldedText(reply=reply, quoted=quoted)
