"""Mail that claims send on their own: to the responsible person when a claim opens and before its deadline, and
the acknowledgement to the customer. Written to the outbox in the caller's transaction (a rolled-back move sends
nothing); the worker sends it after commit. Templates: templates/mail/claims_*/.

Below them, the claims' kinds of in-app notification (trato.notifications) and the listener and periodic job that
raise them: given to you, a customer or supplier wrote, due tomorrow, an email that could not be delivered."""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trato.accounts.models import User
from trato.claims import workflow
from trato.claims.models import Claim, Kind, State
from trato.core import events
from trato.core.errors import InvalidInput
from trato.inbox.filing import MAIL_RECEIVED
from trato.mail.sending import MAIL_UNDELIVERED
from trato.mail.services import language_for, message_queue_from_template
from trato.notifications import registry
from trato.notifications.models import Channel, Notification
from trato.notifications.registry import NotificationKind
from trato.notifications.services import notify, record_key

logger = logging.getLogger(__name__)
DEFAULT_REMINDER_DAYS = 2


def _user_recipient(user) -> tuple[str, str]:
    return (user.get_full_name() or user.username, user.email)


def _queue_to_user(claim: Claim, user, template: str) -> None:
    message_queue_from_template(
        template=template,
        context={"claim": claim, "recipient": user},
        to=[_user_recipient(user)],
        language=user.language or settings.LANGUAGE_CODE,
        record=claim,
        by=None,
        automatic=True,
    )


def may_be_told(claim: Claim, user) -> bool:
    """Mail about a claim goes only to who may open it: a role changed since the assignment must not learn of it."""
    return bool(user and user.is_active and user.email) and Claim.objects.visible_to(user).filter(pk=claim.pk).exists()


def responsible_notify(claim: Claim, *, by) -> bool:
    """Tell the responsible person the claim is theirs; not when they opened it themselves or have no address."""
    person = claim.responsible
    if person is None or person == by or not may_be_told(claim, person):
        return False
    _queue_to_user(claim, person, "claims_opened")
    return True


def acknowledgement_recipient(claim: Claim):
    """The claim's contact if they have an address, else the company's general address; None if neither."""
    if claim.contact and claim.contact.email:
        return claim.contact, language_for(claim.contact)
    if claim.partner and claim.partner.email:
        return (claim.partner.name, claim.partner.email), language_for(claim.partner)
    return None, None


def acknowledgement_send(claim: Claim, *, by) -> None:
    """The customer's acknowledgement, in their language, with the claim number to quote."""
    if claim.kind != Kind.CUSTOMER:  # "we have received your claim" makes no sense to a supplier or to ourselves
        message = _("Only a customer claim is acknowledged to the customer.")
        raise InvalidInput(message, fields={"acknowledge": [message]})
    recipient, language = acknowledgement_recipient(claim)
    if recipient is None:
        message = _("Neither the contact nor the company has an email address for the acknowledgement.")
        raise InvalidInput(message, fields={"acknowledge": [message]})
    message_queue_from_template(
        template="claims_acknowledgement",
        context={"claim": claim},
        to=[recipient],
        language=language,
        record=claim,
        by=by,
        automatic=True,
    )


def claim_opened(claim: Claim, *, by, acknowledge: bool = False) -> None:
    responsible_notify(claim, by=by)
    if acknowledge:
        acknowledgement_send(claim, by=by)


# Deadline reminders


def reminder_days() -> int:
    return getattr(settings, "TRATO_CLAIM_REMINDER_DAYS", DEFAULT_REMINDER_DAYS)


def reminders_due(today: date):
    """Open claims whose deadline is at most N days away (or already past) and whose responsible was not reminded."""
    return Claim.objects.filter(
        state=State.OPEN,
        reminder_sent_on__isnull=True,
        deadline__lte=today + timedelta(days=reminder_days()),
        responsible__is_active=True,
    ).exclude(responsible__email="")


def _remind(claim_pk: int, today: date) -> bool:
    with transaction.atomic():
        claim = (
            Claim.objects.select_for_update(skip_locked=True).filter(pk=claim_pk, reminder_sent_on__isnull=True).first()
        )
        if claim is None:  # another worker has it, or it was reminded meanwhile
            return False
        if may_be_told(claim, claim.responsible):
            _queue_to_user(claim, claim.responsible, "claims_reminder")
        claim.reminder_sent_on = today
        claim.save(update_fields=["reminder_sent_on"])  # not a user's edit: the version stays
    return True


def reminders_send(today: date | None = None) -> int:
    """Mail each responsible person once before the deadline; return how many were sent."""
    today = today or timezone.localdate()
    sent = 0
    for pk in list(reminders_due(today).values_list("pk", flat=True)[:500]):
        try:
            sent += _remind(pk, today)
        except Exception:  # one claim with a broken address must not stop the others
            logger.exception("Could not queue the deadline reminder of claim %s", pk)
    return sent


# In-app notifications (trato.notifications): the kinds claims declare, the events that raise them, and the notice
# the day before a deadline. Found by the notifications app's autodiscovery of <app>/notifications.py.

ASSIGNED = registry.register(
    NotificationKind(
        "claims.assigned",
        gettext_lazy("A claim is given to me (responsible or assigned)"),
        gettext_lazy("Claim %(number)s is yours: %(subject)s"),
        icon="person-check",
    )
)
REPLY = registry.register(
    NotificationKind(
        "claims.reply",
        gettext_lazy("A customer or supplier writes on a claim of mine"),
        gettext_lazy("%(sender)s wrote on claim %(number)s: %(mail_subject)s"),
        icon="envelope",
    )
)
DEADLINE_TOMORROW = registry.register(
    NotificationKind(
        "claims.deadline_tomorrow",
        gettext_lazy("A claim of mine is due tomorrow"),
        gettext_lazy("Claim %(number)s is due tomorrow: %(subject)s"),
        icon="alarm",
    )
)
UNDELIVERED = registry.register(
    NotificationKind(
        "claims.mail_undelivered",
        gettext_lazy("An email I sent on a claim, or on a claim of mine, could not be delivered"),
        gettext_lazy("An email on claim %(number)s could not be delivered: %(detail)s"),
        default_channel=Channel.BOTH,
        icon="envelope-exclamation",
    )
)


def _people_of(claim: Claim) -> list[int | None]:
    """Who a claim's news goes to: its responsible and the people assigned."""
    return [claim.responsible_id, *claim.assignees.values_list("pk", flat=True)]


def on_event(event: events.Event) -> None:
    """The listener (after commit) that turns claims' events and mail events on claims into notifications."""
    claim = event.record
    if not isinstance(claim, Claim):
        return
    if event.name == workflow.ASSIGNED:
        users = event.data.get("users", ())
        notify(
            kind=ASSIGNED.key, recipients=users, record=claim, by=event.by, number=claim.number, subject=claim.subject
        )
    elif event.name == MAIL_RECEIVED:
        _mail_received(claim, event)
    elif event.name == MAIL_UNDELIVERED:
        recipients = [_writer(event.data.get("sent_by")) or claim.responsible_id]
        notify(kind=UNDELIVERED.key, recipients=recipients, record=claim, detail=event.data.get("detail", ""),
               number=claim.number, subject=claim.subject)  # fmt: skip


def _writer(pk: int | None) -> int | None:
    """Who wrote a message, if a person did (Trato's own mail, and the gateway's, have nobody to tell but the claim's
    responsible)."""
    person = User.objects.filter(pk=pk, is_active=True).first() if pk else None
    return person.pk if person is not None and not person.is_machine else None


def _mail_received(claim: Claim, event: events.Event) -> None:
    data = event.data
    if data.get("delivery_report"):  # a bounce of mail sent from the claim, filed on it
        notify(kind=UNDELIVERED.key, recipients=[claim.responsible_id], record=claim, by=event.by,
               detail=data.get("subject") or "—", number=claim.number, subject=claim.subject)  # fmt: skip
    elif not data.get("automatic"):  # auto-replies and lists are not a customer's or supplier's answer
        sender, subject = data.get("sender") or "—", data.get("subject") or "—"
        notify(kind=REPLY.key, recipients=_people_of(claim), record=claim, by=event.by,
               sender=sender, mail_subject=subject, number=claim.number)  # fmt: skip


events.listen(on_event)


def deadline_notices_due(today: date):
    """Draft and open claims due tomorrow of which nobody has been told yet for that date."""
    tomorrow = today + timedelta(days=1)
    told = Notification.objects.notices(
        kind=DEADLINE_TOMORROW.key, record_type=record_key(Claim), key=tomorrow.isoformat()
    ).filter(record_id=OuterRef("pk"))
    return Claim.objects.filter(state__in=[State.DRAFT, State.OPEN], deadline=tomorrow).exclude(Exists(told))


def deadline_notices_send(today: date | None = None) -> int:
    """Periodic: tell each claim's responsible and assignees the day before its deadline, once per claim and date
    (the notice's key is the date: a moved deadline earns a new notice). Returns how many claims were looked at."""
    today = today or timezone.localdate()
    claims = deadline_notices_due(today).prefetch_related("assignees").order_by("pk")[:500]
    for claim in claims:
        people = [claim.responsible_id, *(user.pk for user in claim.assignees.all())]
        try:
            notify(kind=DEADLINE_TOMORROW.key, recipients=people, record=claim, key=claim.deadline.isoformat(),
                   number=claim.number, subject=claim.subject)  # fmt: skip
        except Exception:  # one claim must not stop the others
            logger.exception("Could not notify the deadline of claim %s", claim.pk)
    return len(claims)
