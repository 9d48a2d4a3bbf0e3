"""The database goes away while a message is being sent: once the worker has reconnected, the message moves on at
the next run (a minute), not after the whole sending lease, and it is still sent exactly once."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from trato.mail import sending
from trato.mail.models import MessageState, OutboundMessage
from trato.mail.services import message_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def message(contact, administrator):
    return message_queue(by=administrator, to=[contact], subject="Invoice", body_text="Attached.", record=contact)


def lost_once(monkeypatch, name):
    real = getattr(sending, name)
    calls = []

    def lost(*args, **kwargs):
        if not calls:
            calls.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(sending, name, lost)


def test_lost_after_the_server_accepted_it_the_message_is_marked_sent_at_the_next_run_and_not_sent_again(
    smtp_server, message, monkeypatch
):
    lost_once(monkeypatch, "_set_delivery")  # the outcome's write fails: the server already has the message
    with pytest.raises(OperationalError):
        sending.send_due()
    message.refresh_from_db()
    assert message.state == MessageState.SENDING

    assert sending.send_due(timezone.now() + timedelta(minutes=1)) == 0

    message.refresh_from_db()
    assert (message.state, message.claim) == (MessageState.SENT, "")
    assert len(smtp_server.mailbox.received) == 1


def test_lost_before_the_final_dot_the_message_is_sent_once_at_the_next_run_not_after_the_lease(
    smtp_server, message, monkeypatch
):
    lost_once(monkeypatch, "mark_committing")
    with pytest.raises(OperationalError):
        sending.send_due()
    assert smtp_server.mailbox.received == []  # the unfinished DATA was discarded

    soon = timezone.now() + timedelta(minutes=2)  # well within the 10-minute lease
    assert soon - timezone.now() < timedelta(seconds=sending.settings.TRATO_MAIL_SENDING_LEASE_SECONDS)
    assert sending.send_due(soon) == 1

    message.refresh_from_db()
    assert message.state == MessageState.SENT
    assert [item.message_id for item in smtp_server.mailbox.received] == [message.message_id]


def test_an_outcome_still_unwritable_is_kept_for_the_run_after(smtp_server, message, monkeypatch):
    lost_once(monkeypatch, "_set_delivery")
    with pytest.raises(OperationalError):
        sending.send_due()
    lost_once(monkeypatch, "_set_delivery")  # still down at the next run

    assert sending.write_unwritten() == 0
    assert list(sending._unwritten) == [message.pk]
    assert sending.write_unwritten() == 1
    message.refresh_from_db()
    assert message.state == MessageState.SENT


def test_lost_while_recording_committing_the_message_is_queued_without_it_and_sent_once(
    smtp_server, message, monkeypatch
):
    real = sending.mark_committing

    def written_then_lost(held, claim):  # the UPDATE reached the database, its answer did not
        real(held, claim)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(sending, "mark_committing", written_then_lost)
    with pytest.raises(OperationalError):
        sending.send_due()
    monkeypatch.undo()
    assert smtp_server.mailbox.received == []

    assert sending.write_unwritten() == 1
    message.refresh_from_db()
    assert (message.state, message.committing_at, message.claim) == (MessageState.QUEUED, None, "")

    assert sending.send_due(timezone.now() + timedelta(minutes=1)) == 1
    assert smtp_server.mailbox.message_ids() == [message.message_id]


def test_lost_while_noting_refused_recipients_the_delivered_message_is_marked_sent_not_sent_again(
    smtp_server, message, monkeypatch
):
    lost_once(monkeypatch, "_note_refused")  # runs after the server's 250
    with pytest.raises(OperationalError):
        sending.send_due()

    assert sending.send_due(timezone.now() + timedelta(minutes=1)) == 0

    message.refresh_from_db()
    assert (message.state, message.claim) == (MessageState.SENT, "")
    assert smtp_server.mailbox.message_ids() == [message.message_id]


def test_an_outcome_recovery_overtook_is_not_written_over(smtp_server, message, monkeypatch):
    """The worker was cut off longer than the lease: recovery took the message back first and it wins."""
    lost_once(monkeypatch, "_set_delivery")
    with pytest.raises(OperationalError):
        sending.send_due()
    after_the_lease = timezone.now() + timedelta(seconds=sending.settings.TRATO_MAIL_SENDING_LEASE_SECONDS + 1)
    assert sending.recover_stale(after_the_lease) == 1  # committing_at set: recovery marks it sent

    assert sending.write_unwritten() == 0

    assert sending._unwritten == {}
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    assert smtp_server.mailbox.message_ids() == [message.message_id]


def test_lost_right_after_the_claim_the_message_is_queued_again_at_the_next_run(smtp_server, message, monkeypatch):
    real = OutboundMessage.objects.prefetch_related
    calls = []

    def lost(*lookups):  # the claim's UPDATE was written; reading the message back fails
        if not calls:
            calls.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        return real(*lookups)

    monkeypatch.setattr(OutboundMessage.objects, "prefetch_related", lost)
    with pytest.raises(OperationalError):
        sending.send_due()
    message.refresh_from_db()
    assert message.state == MessageState.SENDING

    assert sending.send_due(timezone.now() + timedelta(minutes=1)) == 1

    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.SENT, 2)
    assert smtp_server.mailbox.message_ids() == [message.message_id]
