"""Sending through a real SMTP server on loopback: what arrives, retries, refusals, killed workers."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from trato.mail import sending, threading
from trato.mail.models import MessageState, OutboundMessage
from trato.mail.services import message_queue
from trato.timeline.models import Entry, EntryKind

pytestmark = pytest.mark.django_db


def queue_to(contact, author, **options):
    defaults = {"subject": "Your order", "body_text": "Hello Lucía,\n.\nIt ships on Monday.", "record": contact.partner}
    return message_queue(by=author, to=[contact], **{**defaults, **options})


def later(minutes: float):
    return timezone.now() + timedelta(minutes=minutes)


def test_a_queued_message_arrives_with_its_headers_parts_and_attachment(smtp_server, contact, administrator):
    message = queue_to(
        contact,
        administrator,
        cc=["Boss <boss@acme.example>"],
        body_html="<p>Hello Lucía</p>",
        attachments=[("prices.csv", b"item;price\nbolt;0.10\n", "text/csv")],
        in_reply_to="<earlier@customer.example>",
        references=["<first@customer.example>", "<earlier@customer.example>"],
        language="es",
    )

    assert sending.send_due() == 1

    [received] = smtp_server.mailbox.received
    mail = received.message
    assert sorted(received.recipients) == ["boss@acme.example", "lucia@acme.example"]
    assert mail["Message-ID"] == message.message_id
    assert mail["Reply-To"] == threading.reply_address(contact.partner)
    assert mail["Subject"] == f"Your order {threading.subject_tag(contact.partner)}"
    assert mail["In-Reply-To"] == "<earlier@customer.example>"
    assert mail["References"] == "<first@customer.example> <earlier@customer.example>"
    assert mail["Content-Language"] == "es"
    assert "Lucía Pérez" in str(mail["To"])
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith("Hello Lucía,\n.\nIt ships")  # a line with a lone dot survives the SMTP transfer
    assert mail.get_body(("html",)).get_content().strip() == "<p>Hello Lucía</p>"
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "prices.csv"
    assert attachment.get_content().replace("\r\n", "\n") == "item;price\nbolt;0.10\n"
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (MessageState.SENT, 1, "")
    assert message.sent_at is not None


def test_the_message_is_sent_only_once_even_when_swept_again(smtp_server, contact, administrator):
    message = queue_to(contact, administrator)
    sending.send_due()
    sending.send_due(now=later(120))
    sending.send_messages([message.pk])
    assert smtp_server.mailbox.message_ids() == [message.message_id]


def test_a_rolled_back_change_queues_nothing(contact, administrator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):  # noqa: SIM117
        with transaction.atomic():
            queue_to(contact, administrator)
            raise RuntimeError("the change that caused the mail failed")
    assert OutboundMessage.objects.count() == 0
    assert Entry.objects.filter(kind=EntryKind.EMAIL).count() == 0
    assert callbacks == []


def test_the_send_task_is_enqueued_after_commit(contact, administrator, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        message = queue_to(contact, administrator)
        assert DBTaskResult.objects.count() == 0  # nothing before the commit
    [task] = DBTaskResult.objects.all()
    assert task.task_path == "trato.mail.tasks.message_send"
    assert task.args_kwargs["kwargs"] == {"message_pk": message.pk}


def test_the_send_task_sends_its_message(smtp_server, contact, administrator):
    from trato.mail.tasks import message_send

    message = queue_to(contact, administrator)
    assert message_send.call(message_pk=message.pk) == 1
    assert smtp_server.mailbox.message_ids() == [message.message_id]


def test_when_the_server_is_down_the_message_waits_and_then_arrives_once(smtp_server, contact, administrator):
    message = queue_to(contact, administrator)
    smtp_server.stop()

    for minutes in (0, 1.1, 3.2, 7.3):  # down for a while: each attempt waits longer
        sending.send_due(now=later(minutes))
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED
    assert message.attempts == 4
    assert "refused" in message.last_error.lower()
    assert message.next_attempt_at > later(7.3 + 7)  # 1, 2, 4, then 8 minutes

    smtp_server.start()
    assert sending.send_due(now=later(60)) == 1
    assert sending.send_due(now=later(200)) == 0
    assert smtp_server.mailbox.message_ids() == [message.message_id]
    message.refresh_from_db()
    assert message.state == MessageState.SENT


def test_the_server_down_for_an_hour_costs_a_few_attempts_not_the_message(settings, contact, administrator):
    settings.EMAIL_BACKEND = "trato.mail.backends.TwoPhaseSMTPBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens on 9
    message = queue_to(contact, administrator)
    for minute in range(0, 65):
        sending.send_due(now=later(minute))
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED
    assert 5 <= message.attempts <= 8  # back-off: 1, 2, 4, 8, 16, 32 minutes


def test_backoff_doubles_up_to_an_hour():
    assert [sending.backoff(n).total_seconds() // 60 for n in range(1, 10)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_a_permanent_refusal_fails_the_message_with_the_servers_answer(smtp_server, contact, administrator):
    smtp_server.mailbox.rcpt_answers["lucia@acme.example"] = "550 5.1.1 <lucia@acme.example>: mailbox unavailable"
    message = queue_to(contact, administrator)

    sending.send_due()

    message.refresh_from_db()
    assert message.state == MessageState.FAILED
    assert "550 5.1.1 <lucia@acme.example>: mailbox unavailable" in message.last_error
    assert smtp_server.mailbox.received == []
    assert sending.send_due(now=later(600)) == 0  # failed stays failed


def test_a_refused_data_answer_is_permanent_too(smtp_server, contact, administrator):
    smtp_server.mailbox.data_answer = "554 5.7.1 Message rejected as spam"
    message = queue_to(contact, administrator)
    sending.send_due()
    message.refresh_from_db()
    assert (message.state, message.last_error) == (MessageState.FAILED, "554 5.7.1 Message rejected as spam")


def test_a_temporary_refusal_is_tried_again_later(smtp_server, contact, administrator):
    smtp_server.mailbox.rcpt_answers["lucia@acme.example"] = "451 4.7.1 Greylisted, try again later"
    message = queue_to(contact, administrator)
    sending.send_due()
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED
    assert "451 4.7.1 Greylisted" in message.last_error

    del smtp_server.mailbox.rcpt_answers["lucia@acme.example"]
    assert sending.send_due() == 0  # not before its time
    assert sending.send_due(now=later(2)) == 1
    assert smtp_server.mailbox.message_ids() == [message.message_id]


def test_one_recipient_refused_for_good_does_not_stop_the_others(smtp_server, contact, administrator):
    smtp_server.mailbox.rcpt_answers["gone@acme.example"] = "550 5.1.1 No such user"
    message = queue_to(contact, administrator, cc=["gone@acme.example"])
    sending.send_due()
    [received] = smtp_server.mailbox.received
    assert received.recipients == ["lucia@acme.example"]
    message.refresh_from_db()
    assert message.state == MessageState.SENT
    assert message.recipients.get(address="gone@acme.example").refused == "550 5.1.1 No such user"


def test_it_gives_up_after_days_of_temporary_failures(settings, contact, administrator):
    settings.EMAIL_BACKEND = "trato.mail.backends.TwoPhaseSMTPBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    message = queue_to(contact, administrator)
    sending.send_due(now=timezone.now() + timedelta(hours=settings.TRATO_MAIL_GIVE_UP_HOURS + 1))
    message.refresh_from_db()
    assert message.state == MessageState.FAILED


def test_a_batch_uses_one_connection_and_one_transaction_per_message(smtp_server, contact, administrator):
    messages = [queue_to(contact, administrator, subject=f"Order {n}") for n in range(3)]
    assert sending.send_due() == 3
    received = smtp_server.mailbox.received
    assert sorted(smtp_server.mailbox.message_ids()) == sorted(m.message_id for m in messages)
    assert [item.recipients for item in received] == [["lucia@acme.example"]] * 3
    assert len({item.peer for item in received}) == 1
