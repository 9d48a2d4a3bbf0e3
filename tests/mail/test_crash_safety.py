"""A worker stopped at each step of a send: recovery sends every message exactly once (two-phase SMTP)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from trato.mail import sending
from trato.mail.models import MessageState
from trato.mail.services import message_queue

pytestmark = pytest.mark.django_db


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing in the worker handles it, the socket just closes."""


def after_the_lease():
    return timezone.now() + timedelta(seconds=sending.settings.TRATO_MAIL_SENDING_LEASE_SECONDS + 1)


@pytest.fixture
def message(contact, administrator):
    return message_queue(by=administrator, to=[contact], subject="Invoice", body_text="Attached.", record=contact)


def test_killed_before_the_final_dot_the_server_keeps_nothing_and_recovery_sends_it_once(
    smtp_server, message, monkeypatch
):
    def killed(*args):
        raise WorkerKilled

    monkeypatch.setattr(sending, "mark_committing", killed)
    with pytest.raises(WorkerKilled):
        sending.send_due()
    message.refresh_from_db()
    assert message.state == MessageState.SENDING and message.committing_at is None
    assert smtp_server.mailbox.received == []  # the unfinished DATA was discarded

    monkeypatch.undo()
    assert sending.send_due() == 0  # a live worker might still hold it: wait for the lease
    assert sending.send_due(now=after_the_lease()) == 1
    assert smtp_server.mailbox.message_ids() == [message.message_id]


def test_killed_after_the_server_accepted_it_the_message_is_not_sent_again(smtp_server, message, monkeypatch):
    def killed(*args):
        raise WorkerKilled

    monkeypatch.setattr(sending, "_note_refused", killed)  # runs after the 250, before "sent" is recorded
    with pytest.raises(WorkerKilled):
        sending.send_due()
    message.refresh_from_db()
    assert message.state == MessageState.SENDING and message.committing_at is not None

    monkeypatch.undo()
    sending.send_due(now=after_the_lease())
    sending.send_due(now=after_the_lease() + timedelta(hours=2))
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    assert message.sent_at == message.committing_at
    assert smtp_server.mailbox.message_ids() == [message.message_id]


def test_a_slow_worker_whose_message_was_taken_back_sends_nothing(smtp_server, message, monkeypatch):
    """The lease ran out while the worker hung; recovery queued the message again; the worker wakes up."""
    real_mark_committing = sending.mark_committing

    def recovered_meanwhile(held, claim):
        sending.recover_stale(now=after_the_lease())
        return real_mark_committing(held, claim)

    monkeypatch.setattr(sending, "mark_committing", recovered_meanwhile)
    assert sending.send_due() == 0
    assert smtp_server.mailbox.received == []
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED

    monkeypatch.undo()
    assert sending.send_due(now=after_the_lease()) == 1
    assert smtp_server.mailbox.message_ids() == [message.message_id]


def test_recovery_leaves_messages_of_live_workers_alone(smtp_server, message):
    claimed = sending.claim_message(message.pk)
    assert claimed is not None
    assert sending.recover_stale() == 0
    assert sending.send_due() == 0
    message.refresh_from_db()
    assert message.state == MessageState.SENDING


def test_two_workers_cannot_claim_the_same_message(message):
    assert sending.claim_message(message.pk) is not None
    assert sending.claim_message(message.pk) is None
