"""Is this mail automatic? Such mail is still filed, but nothing may ever answer it automatically.

RFC 3834 (Auto-Submitted), the de-facto Precedence and X-Auto-Response-Suppress headers, delivery
reports (bounces), mailer daemons, and our own Message-IDs: answering any of these is how mail loops start.
"""

from email.message import Message

from django.conf import settings

from trato.inbox.parsing import ParsedMail

AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list"}
DAEMON_LOCALPARTS = {"mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply"}


def own_domains() -> set[str]:
    """The domains Trato sends from: its Message-IDs end with one of them."""
    addresses = [getattr(settings, "TRATO_MAIL_REPLY_ADDRESS", ""), settings.DEFAULT_FROM_EMAIL]
    domains = {address.rpartition("@")[2].strip(" >").lower() for address in addresses if "@" in address}
    domains.add(getattr(settings, "TRATO_MAIL_MESSAGE_ID_DOMAIN", "").lower())
    return (domains | {d.lower() for d in getattr(settings, "TRATO_MAIL_DOMAINS", ())}) - {""}


def _get(message: Message, name: str) -> str:
    try:
        return str(message.get(name, "") or "").strip().lower()
    except Exception:  # an unreadable header is not a reason to crash
        return ""


def automatic_reasons(message: Message, parsed: ParsedMail) -> list[str]:
    """Codes of every sign that the message was sent by a machine; empty for a person's mail."""
    reasons = []
    auto_submitted = _get(message, "Auto-Submitted")
    if auto_submitted and auto_submitted != "no":
        reasons.append("auto-submitted")
    if _get(message, "Precedence") in AUTOMATIC_PRECEDENCE:
        reasons.append("precedence")
    if _get(message, "X-Auto-Response-Suppress"):
        reasons.append("auto-response-suppress")
    if message.get_content_type() == "multipart/report":
        reasons.append("delivery-report")
    if parsed.from_address.partition("@")[0] in DAEMON_LOCALPARTS or not parsed.from_address:
        reasons.append("daemon-sender")
    if parsed.message_id.rstrip(">").rpartition("@")[2].lower() in own_domains():
        reasons.append("own-message-id")
    return reasons
