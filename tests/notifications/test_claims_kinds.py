"""Each kind claims declare is told once, to the right people, never to whoever did the thing, and never to
someone who may not see the claim."""

import smtplib
from datetime import timedelta
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from django.utils import timezone, translation

from tests.factories import UserFactory
from trato.accounts.roles import Role
from trato.claims import services as claims
from trato.claims.models import State
from trato.claims.notifications import deadline_notices_send
from trato.inbox.services import message_ingest
from trato.mail import sending, threading
from trato.mail.models import MessageState, OutboundMessage
from trato.mail.services import message_queue
from trato.notifications.models import Notification


def text_of(notice) -> str:
    with translation.override("en"):
        return notice.text


def told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


# Given to you


def test_creating_a_claim_tells_its_responsible_and_assignees_but_not_its_author(
    claim_of, admin, ana, bruno, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claim = claim_of(responsible=ana, assignees=[bruno, admin])

    assert told("claims.assigned") == ["ana", "bruno"]
    notice = Notification.objects.get(recipient=ana)
    assert (notice.record_type, notice.record_id, notice.url) == ("claims.claim", claim.pk, claim.get_absolute_url())
    assert text_of(notice) == f"Claim {claim.number} is yours: {claim.subject}"


def test_only_who_is_newly_given_the_claim_is_told(claim_of, ana, bruno, django_capture_on_commit_callbacks):
    carla = UserFactory(username="carla", roles=[Role.AFTER_SALES_MANAGER])
    claim = claim_of(responsible=bruno, assignees=[carla])
    dora = UserFactory(username="dora", roles=[Role.AFTER_SALES_USER])

    with django_capture_on_commit_callbacks(execute=True):
        # Ana takes the claim herself and adds Dora; Carla stays assigned.
        claims.claim_update(claim=claim, by=ana, data={"responsible": ana, "assignees": [carla, dora]}, version=None)
        claims.claim_update(claim=claim, by=ana, data={"subject": "Holgura en 4 rodamientos"}, version=None)

    assert told("claims.assigned") == ["dora"]


# A customer or supplier wrote


def test_a_reply_filed_on_the_claim_tells_its_people_once(
    claim_of, ana, bruno, mail_to, django_capture_on_commit_callbacks
):
    claim = claim_of(responsible=ana, assignees=[bruno])
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        mail_to(claim, subject="Re: fotos de la bomba")
        mail_to(claim, subject="Re: fotos de la bomba")  # the same message delivered twice is filed once

    assert told("claims.reply") == ["ana", "bruno"]
    notice = Notification.objects.get(recipient=ana)
    assert text_of(notice) == f"Lucía Gómez wrote on claim {claim.number}: Re: fotos de la bomba"


def test_an_auto_reply_is_not_a_reply(claim_of, ana, mail_to, django_capture_on_commit_callbacks):
    claim = claim_of(responsible=ana)

    with django_capture_on_commit_callbacks(execute=True):
        mail_to(claim, subject="Fuera de la oficina", Auto_Submitted="auto-replied")

    assert told("claims.reply") == []


def test_who_may_no_longer_see_the_claim_is_not_told(claim_of, ana, bruno, mail_to, django_capture_on_commit_callbacks):
    claim = claim_of(responsible=ana, assignees=[bruno])
    bruno.groups.clear()  # moved to another department since

    with django_capture_on_commit_callbacks(execute=True):
        mail_to(claim)

    assert told("claims.reply") == ["ana"]


# Due tomorrow


def test_the_day_before_the_deadline_its_people_are_told_once(claim_of, ana, bruno, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    due = claim_of(responsible=ana, assignees=[bruno], deadline=today + timedelta(days=1))
    claim_of(responsible=ana, deadline=today + timedelta(days=2))
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        deadline_notices_send(today)
        deadline_notices_send(today)  # the job runs every hour

    assert told("claims.deadline_tomorrow") == ["ana", "bruno"]
    assert set(Notification.objects.values_list("record_id", flat=True)) == {due.pk}


def test_a_moved_deadline_earns_a_new_notice_and_closed_claims_none(claim_of, ana, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    claim = claim_of(responsible=ana, deadline=today + timedelta(days=1))
    closed = claim_of(responsible=ana, deadline=today + timedelta(days=1))
    closed.__class__.objects.filter(pk=closed.pk).update(state=State.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        deadline_notices_send(today)
        claims.claim_update(claim=claim, by=ana, data={"deadline": today + timedelta(days=2)}, version=None)
        deadline_notices_send(today + timedelta(days=1))

    keys = Notification.objects.filter(kind="claims.deadline_tomorrow").values_list("record_id", "key")
    assert sorted(keys) == [(claim.pk, str(today + timedelta(days=1))), (claim.pk, str(today + timedelta(days=2)))]


# An email that could not be delivered


def _fail(message):
    taken = sending.claim_message(message.pk)
    assert taken is not None
    error = smtplib.SMTPRecipientsRefused({"nadie@customer.example": (550, b"5.1.1 No such user")})
    return sending._record_failure(taken[0], taken[1], error, timezone.now())


def test_mail_that_fails_for_good_tells_who_wrote_it(claim_of, ana, bruno, django_capture_on_commit_callbacks):
    claim = claim_of(responsible=ana)
    message = message_queue(by=bruno, to=["nadie@customer.example"], subject="Fotos", body_text="¿Nos manda fotos?",
                            record=claim)  # fmt: skip
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        assert _fail(message) == sending.FAILED

    assert OutboundMessage.objects.get(pk=message.pk).state == MessageState.FAILED
    assert told("claims.mail_undelivered") == ["bruno"]
    assert "nadie@customer.example: 550 5.1.1 No such user" in text_of(Notification.objects.get())


def test_automatic_mail_that_fails_tells_the_responsible(claim_of, ana, django_capture_on_commit_callbacks):
    claim = claim_of(responsible=ana)
    message = message_queue(by=None, to=["nadie@customer.example"], subject="Acuse", body_text="Recibida.",
                            record=claim, automatic=True)  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        _fail(message)

    assert told("claims.mail_undelivered") == ["ana"]


def test_a_bounce_filed_on_the_claim_tells_the_responsible(claim_of, ana, bruno, django_capture_on_commit_callbacks):
    claim = claim_of(responsible=ana, assignees=[bruno])
    report = MIMEMultipart("report", report_type="delivery-status")
    report.attach(MIMEText("Delivery to nadie@customer.example failed permanently."))
    report["From"] = "Mail Delivery System <MAILER-DAEMON@customer.example>"
    report["To"] = threading.reply_address(claim)
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = "<bounce-1@customer.example>"
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        message_ingest(report.as_bytes(), source="stdin")

    assert told("claims.mail_undelivered") == ["ana"]
    assert told("claims.reply") == []
