"""Where a parsed message belongs. Each step either decides (a Route) or passes to the next one.

Order: our own mail (ignored) · calendar replies · voicemail · a reply to a message Trato sent
(In-Reply-To/References) · a plus-address token · a subject token · a recipient alias's handler (a calendar
invitation to an alias goes to the invitation handler instead: never a claim) · a known contact's company · triage.

Calendar replies come before threading on purpose: an iTIP REPLY threads to the invitation Trato sent, but
what it says (who accepts) is for the calendar handler, which also tells the gateway where to file it.
"""

import logging
from dataclasses import dataclass

from django.conf import settings

from trato.core.services import composed
from trato.inbox import handlers
from trato.inbox.parsing import ParsedMail, Problem
from trato.timeline import registry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Route:
    record: object | None = None  # file the message on this record
    handler: str = ""  # how it was decided, kept on the message
    problem: Problem | None = None  # no record: why it waits in triage
    ignore: bool = False


def _outbound_model():
    try:
        from trato.mail.models import OutboundMessage
    except ImportError:  # the outbox app is not installed
        return None
    return OutboundMessage


def _mail_threading():
    try:
        from trato.mail import threading
    except ImportError:
        return None
    return threading


def record_for(key: str, pk) -> object | None:
    registration = registry.registration_by_key(key or "")
    if registration is None or pk is None:
        return None
    return registration.model._default_manager.filter(pk=pk).first()


def is_our_own_message(parsed: ParsedMail) -> bool:
    outbound = _outbound_model()
    return bool(outbound) and outbound.objects.filter(message_id=parsed.message_id).exists()


def by_thread(parsed: ParsedMail) -> Route | None:
    outbound = _outbound_model()
    ids = parsed.in_reply_to + parsed.references  # canonical, as Trato writes them (parsing._clean_message_id)
    if outbound is None or not ids:
        return None
    sent = outbound.objects.filter(message_id__in=ids, record_id__isnull=False)
    for record_type, record_id in sent.exclude(record_type="").values_list("record_type", "record_id"):
        if (record := record_for(record_type, record_id)) is not None:
            return Route(record=record, handler="thread")
    return None


def _record_for_token(token: str | None) -> object | None:
    threading = _mail_threading()
    found = threading.record_for_token(token) if threading and token else None
    return record_for(*found) if found else None


def by_plus_address(parsed: ParsedMail) -> Route | None:
    threading = _mail_threading()
    if threading is None:
        return None
    for address in parsed.recipients:
        if (record := _record_for_token(threading.token_from_address(address))) is not None:
            return Route(record=record, handler="plus_address")
    return None


def by_subject_token(parsed: ParsedMail) -> Route | None:
    threading = _mail_threading()
    if threading is None or not parsed.subject:
        return None
    if (record := _record_for_token(threading.token_from_subject(parsed.subject))) is not None:
        return Route(record=record, handler="subject_token")
    return None


def _run_handler(name: str, handler, parsed: ParsedMail, inbound) -> Route:
    """The handler's record, or a triage Route when it declined (problem None) or failed."""
    try:
        with composed():  # a handler may call top-level services (claim_create)
            record = handler(parsed, inbound)
    except Exception:  # a broken handler must not lose the message
        logger.exception("Mail handler %s failed on %s", name, inbound.message_id)
        return Route(handler=name, problem=Problem("handler_failed", name))
    return Route(record=record, handler=name)


def _by_kind(kind: str, handler, parsed: ParsedMail, inbound) -> Route:
    """A message only the ``kind`` handler understands: its record, or triage while it is missing or declines."""
    if handler is None:
        return Route(handler=kind, problem=Problem(f"{kind}_pending"))
    route = _run_handler(kind, handler, parsed, inbound)
    if route.record is None and route.problem is None:
        return Route(handler=kind, problem=Problem(f"{kind}_declined"))
    return route


def by_calendar(parsed: ParsedMail, inbound) -> Route | None:
    if not parsed.is_calendar_reply:
        return None
    return _by_kind("calendar", handlers.calendar_handler(), parsed, inbound)


def by_invitation(parsed: ParsedMail, inbound) -> Route:
    """An invitation sent to an alias is for the calendar, never for the alias's handler (a claim made of a meeting
    request): the invitation handler's record, or triage until meetings register one."""
    return _by_kind("invitation", handlers.invitation_handler(), parsed, inbound)


def is_voicemail(parsed: ParsedMail) -> bool:
    return bool(parsed.header("X-Asterisk-CallerID"))


def by_voicemail(parsed: ParsedMail, inbound) -> Route | None:
    if not is_voicemail(parsed):
        return None
    return _by_kind("voicemail", handlers.voicemail_handler(), parsed, inbound)


def _alias_domains() -> set[str]:
    return {domain.lower() for domain in getattr(settings, "TRATO_MAIL_DOMAINS", ())}


def aliases_of(parsed: ParsedMail, extra: tuple[str, ...] = ()) -> list[str]:
    """The local parts the message was sent to ("claims" for claims+x@...), then the mailbox's own alias."""
    domains = _alias_domains()
    found = []
    for address in parsed.recipients:
        localpart, _at, domain = address.rpartition("@")
        if not domains or domain in domains:
            found.append(localpart.partition("+")[0])
    return list(dict.fromkeys([alias.lower() for alias in (*found, *extra) if alias]))


def by_alias(parsed: ParsedMail, inbound, extra_aliases: tuple[str, ...]) -> Route | None:
    for alias in aliases_of(parsed, extra_aliases):
        handler = handlers.alias_handler(alias)
        if handler is None:
            continue
        if parsed.is_calendar_invitation:
            return by_invitation(parsed, inbound)
        route = _run_handler(f"alias:{alias}", handler, parsed, inbound)
        if route.record is not None or route.problem is not None:
            return route
    return None


def by_known_contact(parsed: ParsedMail) -> Route | None:
    from trato.partners.models import Contact

    if not parsed.from_address:
        return None
    contacts = list(
        Contact.objects.filter(email__iexact=parsed.from_address).select_related("partner").order_by("is_archived")
    )
    partners = {contact.partner_id for contact in contacts}
    if len(partners) > 1:
        names = ", ".join(sorted({c.partner.name for c in contacts}))[:400]
        return Route(handler="contact", problem=Problem("ambiguous_contact", names))
    if contacts:
        return Route(record=contacts[0].partner, handler="contact")
    return None


def route(parsed: ParsedMail, inbound, *, extra_aliases: tuple[str, ...] = ()) -> Route:
    if is_our_own_message(parsed):
        return Route(ignore=True, handler="own", problem=Problem("own_message"))
    steps = (
        lambda: by_calendar(parsed, inbound),
        lambda: by_voicemail(parsed, inbound),
        lambda: by_thread(parsed),
        lambda: by_plus_address(parsed),
        lambda: by_subject_token(parsed),
        lambda: by_alias(parsed, inbound, extra_aliases),
        lambda: by_known_contact(parsed),
    )
    for step in steps:
        if (decided := step()) is not None:
            return decided
    if not parsed.from_address:
        return Route(problem=Problem("no_sender"))
    return Route(problem=Problem("no_match"))
