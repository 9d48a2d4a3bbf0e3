"""What other apps plug into the gateway: aliases that create records, the calendar, voicemail.

The handler contract
--------------------
``handler(message: ParsedMail, inbound: InboundMessage) -> record | None``

- Register in your AppConfig.ready(): ``register_alias("claims", claim_from_mail)``,
  ``register_calendar(meeting_reply)``, ``register_voicemail(call_from_voicemail)``.
- Return the record the message belongs to (created or found): the gateway then files the message on it
  (an inbound email entry on its timeline, and its attachments). The record's model must be registered with
  the timeline. Return None to decline: an alias handler's mail continues down the routing; calendar and
  voicemail mail waits in triage.
- The handler runs inside a transaction (a savepoint): if it raises, its writes are rolled back, the message
  waits in triage with the reason, and the error is logged.
- Write through your services with ``by=gateway_user()`` (trato.inbox.system): the gateway's own account.
- ``message.is_automatic`` is True for auto-replies, bounces, lists and our own mail. A handler MUST NOT
  send any automatic answer (acknowledgement, out-of-office, "we received your claim") to such a message,
  and SHOULD NOT send one to any message without a person's action: that is how mail loops start.
- ``message.html`` is already sanitised; ``message.text`` is the plain text (or the HTML's text).
"""

from collections.abc import Callable

Handler = Callable[..., object]

_aliases: dict[str, Handler] = {}
_special: dict[str, Handler] = {}


def register_alias(localpart: str, handler: Handler) -> None:
    """New mail to ``localpart@...`` (or ``localpart+anything@...``) is given to ``handler``."""
    _aliases[localpart.strip().lower()] = handler


def register_calendar(handler: Handler) -> None:
    """Mail carrying a text/calendar REPLY, COUNTER or CANCEL, whatever its recipient."""
    _special["calendar"] = handler


def register_invitation(handler: Handler) -> None:
    """Calendar invitations (REQUEST, PUBLISH, a bare .ics) sent or forwarded to any of our addresses: meetings."""
    _special["invitation"] = handler


def register_voicemail(handler: Handler) -> None:
    """Voicemail notifications from the telephone system (Asterisk's X-Asterisk-CallerID header)."""
    _special["voicemail"] = handler


def alias_handler(localpart: str) -> Handler | None:
    return _aliases.get(localpart.strip().lower())


def calendar_handler() -> Handler | None:
    return _special.get("calendar")


def invitation_handler() -> Handler | None:
    return _special.get("invitation")


def voicemail_handler() -> Handler | None:
    return _special.get("voicemail")


def unregister(kind: str, localpart: str = "") -> None:
    """Remove a registration (tests)."""
    if kind == "alias":
        _aliases.pop(localpart.strip().lower(), None)
    else:
        _special.pop(kind, None)
