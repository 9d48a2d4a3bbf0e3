"""An invitation, a cancellation or a reply goes out as real calendar clients expect it: multipart/alternative with
text/plain, text/html and last an inline text/calendar part whose method= matches the METHOD inside."""

import email
import email.policy
from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone, translation

from trato.core.errors import InvalidInput
from trato.mail import sending
from trato.mail.models import MessageState, OutboundMessage
from trato.mail.services import message_queue

pytestmark = pytest.mark.django_db


def calendar(method: str, *, sequence: int = 0) -> str:
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Trato//Meetings//ES", f"METHOD:{method}",
        "BEGIN:VEVENT", "UID:meeting-42@trato.example", "DTSTAMP:20261205T090000Z",
        "DTSTART:20261210T083000Z", "DTEND:20261210T093000Z", f"SEQUENCE:{sequence}",
        "SUMMARY:Revisión de la reclamación RC-2026-00042",
        "ORGANIZER;CN=Marta Ruiz:mailto:marta@trato.example",
        "ATTENDEE;CN=Lucía Gómez;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:lucia@example.com",
        "END:VEVENT", "END:VCALENDAR",
    ]  # fmt: skip
    return "\r\n".join(lines) + "\r\n"


def sent_bytes(message: OutboundMessage) -> bytes:
    return sending.build_email(OutboundMessage.objects.get(pk=message.pk)).message().as_bytes()


def sent_mime(message: OutboundMessage) -> email.message.EmailMessage:
    return email.message_from_bytes(sent_bytes(message), policy=email.policy.default)


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL", "REPLY"])
def test_the_calendar_is_the_last_alternative_with_its_method(contact, administrator, method):
    message = message_queue(by=administrator, to=[contact], subject="Reunión", body_text="Te invito.",
                            body_html="<p>Te invito.</p>", calendar=calendar(method))  # fmt: skip

    mime = sent_mime(message)

    assert mime.get_content_type() == "multipart/alternative"
    parts = list(mime.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html", "text/calendar"]
    part = parts[-1]
    assert (part.get_param("method"), part.get_content_charset()) == (method, "utf-8")
    header = f'Content-Type: text/calendar; charset="utf-8"; method={method}'.encode()
    assert header in sent_bytes(message)  # method unquoted, as Outlook and Google write it
    assert part.get_content_disposition() is None  # inline, not an attachment
    assert part["Content-Transfer-Encoding"] == "8bit"  # the lines go out whole, as they were stored
    parsed = icalendar.Calendar.from_ical(part.get_content())
    assert parsed["METHOD"] == method
    assert str(parsed.walk("VEVENT")[0]["SUMMARY"]) == "Revisión de la reclamación RC-2026-00042"


def test_a_message_with_attachments_keeps_the_calendar_inside_the_alternative(contact, administrator):
    agenda = ("orden.txt", b"1. Causas", "text/plain")
    message = message_queue(by=administrator, to=[contact], subject="Reunión", body_text="Orden del día adjunta.",
                            attachments=[agenda], calendar=calendar("REQUEST"))  # fmt: skip

    mime = sent_mime(message)

    assert mime.get_content_type() == "multipart/mixed"
    alternative, attachment = mime.iter_parts()
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/calendar"]
    assert attachment.get_filename() == "orden.txt"


@pytest.mark.parametrize("text", [calendar("PUBLISH"), calendar("REQUEST").replace("METHOD:REQUEST\r\n", "")])
def test_a_calendar_without_a_method_clients_answer_is_refused_and_nothing_queued(contact, administrator, text):
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        message_queue(by=administrator, to=[contact], subject="x", body_text="x", calendar=text)

    assert refused.value.fields == {"calendar": ["The calendar needs a METHOD of REQUEST, CANCEL or REPLY."]}
    assert not OutboundMessage.objects.exists()


def test_a_method_other_than_the_one_inside_is_refused_and_nothing_queued(contact, administrator):
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        message_queue(by=administrator, to=[contact], subject="x", body_text="x",
                      calendar=calendar("REQUEST"), calendar_method="CANCEL")  # fmt: skip

    assert refused.value.fields == {"calendar": ["The calendar's METHOD is REQUEST, not CANCEL."]}
    assert not OutboundMessage.objects.exists()


def test_a_method_without_a_calendar_is_refused(contact, administrator):
    with pytest.raises(InvalidInput) as refused:
        message_queue(by=administrator, to=[contact], subject="x", body_text="x", calendar_method="REQUEST")

    assert list(refused.value.fields) == ["calendar"]
    assert not OutboundMessage.objects.exists()


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL", "REPLY"])
def test_the_calendar_and_its_method_are_stored_as_given(contact, administrator, method):
    text = calendar(method)

    message = message_queue(by=administrator, to=[contact], subject="x", body_text="x", calendar=text,
                            calendar_method=method.lower())  # fmt: skip

    message.refresh_from_db()
    assert (message.calendar, message.calendar_method) == (text, method)


def test_an_unreadable_calendar_is_refused(contact, administrator):
    with pytest.raises(InvalidInput) as refused:
        message_queue(by=administrator, to=[contact], subject="x", body_text="x", calendar="BEGIN:VCALENDAR\r\nbroken")

    assert list(refused.value.fields) == ["calendar"]
    assert not OutboundMessage.objects.exists()


def test_the_invitation_reaches_the_server_once_with_its_calendar(smtp_server, contact, administrator):
    message = message_queue(by=administrator, to=[contact], subject="Reunión", body_text="Te invito.",
                            calendar=calendar("REQUEST", sequence=1))  # fmt: skip

    assert sending.send_due() == 1

    message.refresh_from_db()
    assert message.state == MessageState.SENT
    (received,) = smtp_server.mailbox.received
    part = next(p for p in received.message.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "REQUEST"
    assert "SEQUENCE:1" in part.get_content()


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing in the worker handles it, the socket just closes."""


def calendar_part_of(mime: email.message.Message) -> tuple[str, str, bytes]:
    part = next(p for p in mime.walk() if p.get_content_type() == "text/calendar")
    return part["Content-Type"], part["Content-Transfer-Encoding"], part.get_payload(decode=True)


def test_an_invitation_stopped_before_the_final_dot_is_sent_once_with_the_same_calendar_bytes(
    smtp_server, contact, administrator, monkeypatch
):
    message = message_queue(by=administrator, to=[contact], subject="Reunión", body_text="Te invito.",
                            calendar=calendar("REQUEST", sequence=2))  # fmt: skip
    built = []
    real_build, real_commit = sending.build_email, sending.mark_committing

    def recorded(*args, **kwargs):
        email_message = real_build(*args, **kwargs)
        built.append(calendar_part_of(email_message.message()))
        return email_message

    def killed(*args):
        raise WorkerKilled

    monkeypatch.setattr(sending, "build_email", recorded)
    monkeypatch.setattr(sending, "mark_committing", killed)
    with pytest.raises(WorkerKilled):
        sending.send_due()
    assert smtp_server.mailbox.received == []
    monkeypatch.setattr(sending, "mark_committing", real_commit)

    lease = timedelta(seconds=sending.settings.TRATO_MAIL_SENDING_LEASE_SECONDS + 1)
    assert sending.send_due(timezone.now() + lease) == 1
    assert sending.send_due(timezone.now() + lease * 2) == 0

    (received,) = smtp_server.mailbox.received
    first_attempt, retry = built
    assert first_attempt == retry == calendar_part_of(email.message_from_bytes(received.raw))  # headers as written
    assert retry[2] == calendar("REQUEST", sequence=2).encode()
    message.refresh_from_db()
    assert message.state == MessageState.SENT
