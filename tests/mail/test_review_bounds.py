"""Bounds a review added: a message that stops its worker every time is not retried forever."""

from datetime import timedelta

import pytest
from django.utils import timezone

from trato.mail import sending
from trato.mail.models import MessageState, OutboundMessage
from trato.mail.services import message_queue
from trato.timeline.models import Entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def message(contact, administrator):
    return message_queue(by=administrator, to=[contact], subject="Invoice", body_text="Attached.", record=contact)


def _claimed_by_a_worker_that_died(message, *, created_ago: timedelta):
    assert sending.claim_message(message.pk) is not None
    OutboundMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - created_ago)


def _after_the_lease():
    return timezone.now() + timedelta(seconds=sending.settings.TRATO_MAIL_SENDING_LEASE_SECONDS + 1)


def test_a_message_whose_worker_died_is_queued_again_within_the_give_up_time(message):
    _claimed_by_a_worker_that_died(message, created_ago=timedelta(minutes=5))

    assert sending.recover_stale(_after_the_lease()) == 1

    message.refresh_from_db()
    assert message.state == MessageState.QUEUED


def test_a_message_that_kept_stopping_its_worker_past_the_give_up_time_fails_with_the_reason(message, settings):
    _claimed_by_a_worker_that_died(message, created_ago=timedelta(hours=settings.TRATO_MAIL_GIVE_UP_HOURS + 1))

    assert sending.recover_stale(_after_the_lease()) == 1

    message.refresh_from_db()
    assert message.state == MessageState.FAILED
    assert message.last_error == sending.WORKER_STOPPED
    assert Entry.objects.get(pk=message.entry_id).data["delivery"]["state"] == "failed"  # the user sees it


def test_message_ids_trato_writes_have_a_lower_case_domain_as_the_gateway_stores_them(message, settings):
    settings.TRATO_MAIL_MESSAGE_ID_DOMAIN = "CRM.Example.COM"

    assert sending.OutboundMessage.objects.get(pk=message.pk).message_id.islower()
    assert message_queue(by=None, to=["a@b.example"], subject="x", body_text="y").message_id.endswith(
        "@crm.example.com>"
    )
