"""The database goes away while a message is being sent: once the worker has reconnected, the message moves on at
the next run (a minute), not after the whole sending lease, and it is still sent exactly once."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from trato.mail import sending
from trato.mail.models import MessageState
from trato.mail.services import message_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def message(contact, administrator):
    return message_queue(by=administrator, to=[contact], subject="Invoice", body_text="Attached.", record=contact)


@pytest.fixture(autouse=True)
def nothing_unwritten():
    sending._unwritten.clear()
    yield
    sending._unwritten.clear()


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
