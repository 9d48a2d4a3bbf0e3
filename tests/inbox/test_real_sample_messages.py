"""Every real sample message is kept, filed somewhere sensible, and a second delivery files nothing new."""

import pytest

from tests.partners.factories import ContactFactory
from trato.inbox import handlers
from trato.inbox.models import InboundMessage, State
from trato.partners.models import Partner
from trato.timeline import registry
from trato.timeline.models import Attachment, Entry

SAMPLES = {
    "email/zapier-reply-parser-email_gmail.txt": "no_sender",
    "itip/generated-imip-reply-accepted.eml": "calendar_pending",
    "itip/generated-imip-request.eml": "no_match",
    "itip/sabre-vobject-reply-accepted.ics": "calendar_pending",
    "itip/thunderbird-cancel-single-event.eml": "calendar_pending",
    "itip/thunderbird-meet-meeting-invite.eml": "no_match",
    "itip/thunderbird-outlook-test-invite.eml": "no_match",
    "itip/thunderbird-repeat-event.eml": "no_match",
    "itip/thunderbird-single-event.eml": "no_match",
    "itip/thunderbird-update-major.eml": "no_match",
    "phone/asterisk-voicemail-email.eml": "voicemail_pending",
}


def test_the_sample_list_covers_every_email_and_itip_fixture(shared_fixtures):
    on_disk = {
        f"{p.parent.name}/{p.name}" for folder in ("email", "itip") for p in (shared_fixtures / folder).iterdir()
    }
    assert on_disk <= set(SAMPLES)


@pytest.mark.parametrize(("name", "reason"), SAMPLES.items())
def test_each_sample_waits_in_triage_with_its_reason_and_a_second_delivery_adds_nothing(
    shared_fixtures, ingest, name, reason
):
    raw = (shared_fixtures / name).read_bytes()

    first = ingest(raw)
    second = ingest(raw)

    assert first.state == State.TRIAGE
    assert first.reason_code == reason
    assert first.raw.open("rb").read() == raw  # kept exactly as it came
    assert second.pk == first.pk
    assert InboundMessage.objects.count() == 1
    assert Entry.objects.count() == 0


def test_an_invitation_from_a_known_contact_is_logged_on_the_company_once(shared_fixtures, ingest):
    contact = ContactFactory(email="Sender@Example.com")
    raw = (shared_fixtures / "itip/thunderbird-single-event.eml").read_bytes()

    first = ingest(raw)
    ingest(raw)

    assert first.state == State.FILED
    assert (first.record_type, first.record_id) == (registry.key_for(Partner), contact.partner_id)
    entries = Entry.objects.of_record(contact.partner)
    assert entries.count() == 1
    assert entries.get().data["subject"].startswith("Invitation: Single Event")


def test_a_google_invitation_keeps_its_ics_file_on_the_company(shared_fixtures, ingest):
    contact = ContactFactory(email="example@gmail.com")

    ingest((shared_fixtures / "itip/thunderbird-meet-meeting-invite.eml").read_bytes())

    assert list(Attachment.objects.of_record(contact.partner).values_list("name", flat=True)) == ["invite.ics"]


@pytest.mark.parametrize(
    "name,method",
    [
        ("itip/generated-imip-reply-accepted.eml", "REPLY"),
        ("itip/sabre-vobject-reply-accepted.ics", "REPLY"),
        ("itip/thunderbird-cancel-single-event.eml", "CANCEL"),
    ],
)
def test_calendar_replies_go_to_the_calendar_handler_whatever_the_recipient(shared_fixtures, ingest, name, method):
    contact = ContactFactory(email="bob@customer.example")  # a known sender must not take it first
    seen = []

    def calendar(message, inbound):
        seen.append(message.calendar_method)
        return contact.partner

    handlers.register_calendar(calendar)
    inbound = ingest((shared_fixtures / name).read_bytes())

    assert seen == [method]
    assert inbound.state == State.FILED
    assert inbound.handler == "calendar"


def test_a_voicemail_goes_to_the_registered_voicemail_handler_with_its_recording(shared_fixtures, ingest):
    contact = ContactFactory()
    calls = []

    def voicemail(message, inbound):
        calls.append(message.header("X-Asterisk-CallerID"))
        return contact.partner

    handlers.register_voicemail(voicemail)
    inbound = ingest((shared_fixtures / "phone/asterisk-voicemail-email.eml").read_bytes())

    assert calls == ["+34612345678"]
    assert inbound.handler == "voicemail"
    assert list(Attachment.objects.of_record(contact.partner).values_list("name", flat=True)) == ["msg0000.WAV"]


def test_a_voicemail_the_handler_declines_waits_in_triage(shared_fixtures, ingest):
    handlers.register_voicemail(lambda message, inbound: None)

    inbound = ingest((shared_fixtures / "phone/asterisk-voicemail-email.eml").read_bytes())

    assert (inbound.state, inbound.reason_code) == (State.TRIAGE, "voicemail_declined")
