"""Mail that claims send on their own: to the responsible person when a claim opens and before its deadline, and
the acknowledgement to the customer. Written to the outbox in the caller's transaction (a rolled-back move sends
nothing); the worker sends it after commit. Templates: templates/mail/claims_*/."""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trato.claims.models import Claim, Kind, State
from trato.core.errors import InvalidInput
from trato.mail.services import language_for, message_queue_from_template

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
