"""Routing: replies thread to their record, then plus-address, subject token, alias handler, known contact."""

import pytest
from django.utils import translation

from tests.inbox.conftest import EXE, PDF, build_mail
from tests.partners.factories import ContactFactory, PartnerFactory
from trato.inbox import handlers
from trato.inbox.models import State
from trato.inbox.system import GATEWAY_USERNAME
from trato.mail import threading
from trato.mail.models import OutboundMessage
from trato.partners.models import Partner
from trato.timeline.models import Attachment, Entry, EntryKind


def _sent_about(record, message_id="<out-1@trato.example>") -> OutboundMessage:
    return OutboundMessage.objects.create(
        message_id=message_id,
        record_type="partners.partner",
        record_id=record.pk,
        from_address="sales@crm.example.com",
        subject="Your order",
        body_text="Hello",
        language="es",
    )


def test_a_reply_to_a_message_trato_sent_is_filed_on_that_record(ingest):
    partner = PartnerFactory()
    _sent_about(partner)

    inbound = ingest(build_mail(In_Reply_To="<out-1@trato.example>", body="Thanks, received."))

    assert (inbound.state, inbound.handler, inbound.record_id) == (State.FILED, "thread", partner.pk)
    entry = Entry.objects.of_record(partner).get()
    assert (entry.kind, entry.direction) == (EntryKind.EMAIL, "inbound")
    assert entry.body == "Thanks, received."
    assert entry.data["message"] == f"inbox.inboundmessage:{inbound.pk}"
    assert entry.author.username == GATEWAY_USERNAME


def test_a_reply_found_only_in_references_threads_too(ingest):
    partner = PartnerFactory()
    _sent_about(partner, "<out-2@trato.example>")

    inbound = ingest(build_mail(References="<unknown@x.example> <out-2@trato.example>"))

    assert inbound.record_id == partner.pk


def test_threading_wins_over_a_known_contact_of_another_company(ingest):
    partner = PartnerFactory()
    _sent_about(partner)
    ContactFactory(email="bob@customer.example")

    inbound = ingest(build_mail(In_Reply_To="<out-1@trato.example>"))

    assert inbound.record_id == partner.pk


def test_a_plus_address_files_the_message_on_its_record(ingest):
    partner = PartnerFactory()

    inbound = ingest(build_mail(to="Someone <x@crm.example.com>", Cc=threading.reply_address(partner)))

    assert (inbound.handler, inbound.record_id) == ("plus_address", partner.pk)


def test_a_subject_token_files_the_message_on_its_record(ingest):
    partner = PartnerFactory()

    inbound = ingest(build_mail(subject=f"RE: Your order {threading.subject_tag(partner)}"))

    assert (inbound.handler, inbound.record_id) == ("subject_token", partner.pk)


def test_a_forged_token_is_not_trusted(ingest):
    partner = PartnerFactory()
    token = threading.record_token(partner)
    forged = token[:-1] + ("a" if token[-1] != "a" else "b")

    inbound = ingest(build_mail(subject=f"[#{forged}]"))

    assert inbound.state == State.TRIAGE
    assert Entry.objects.count() == 0


def test_mail_to_a_registered_alias_is_given_to_its_handler_with_the_automatic_flag(ingest):
    partner = PartnerFactory()
    received = []

    def new_claim(message, inbound):
        received.append((message.subject, message.is_automatic))
        return partner

    handlers.register_alias("claims", new_claim)
    inbound = ingest(build_mail(to="Claims <Claims+web@crm.example.com>"))

    assert received == [("Broken pump", False)]
    assert (inbound.handler, inbound.record_id) == ("alias:claims", partner.pk)


def test_the_mailbox_alias_counts_when_the_recipient_is_hidden(ingest):
    partner = PartnerFactory()
    handlers.register_alias("claims", lambda message, inbound: partner)

    inbound = ingest(build_mail(to="undisclosed-recipients:;"), alias="claims")

    assert inbound.handler == "alias:claims"


def test_a_handler_that_fails_leaves_the_message_in_triage_and_writes_nothing(ingest):
    def broken(message, inbound):
        PartnerFactory(name="Half-made")
        raise RuntimeError("bug")

    handlers.register_alias("claims", broken)
    inbound = ingest(build_mail(to="claims@crm.example.com"))

    assert (inbound.state, inbound.reason_code) == (State.TRIAGE, "handler_failed")
    assert not Partner.objects.filter(name="Half-made").exists()


def test_mail_from_a_known_contact_is_logged_on_the_company_with_its_attachments(ingest):
    contact = ContactFactory(email="Bob@Customer.example")
    raw = build_mail(
        attachments=[("report.pdf", PDF, "application/pdf"), ("setup.exe", EXE, "application/octet-stream")]
    )

    inbound = ingest(raw)

    assert (inbound.state, inbound.handler) == (State.FILED, "contact")
    email_entry = Entry.objects.of_record(contact.partner).get(kind=EntryKind.EMAIL)
    assert email_entry.data["sender"].endswith("<bob@customer.example>")
    assert "setup.exe" in email_entry.body  # refused, and said so
    assert list(Attachment.objects.of_record(contact.partner).values_list("name", flat=True)) == ["report.pdf"]


def test_a_sender_known_at_two_companies_waits_in_triage(ingest):
    ContactFactory(email="bob@customer.example")
    ContactFactory(email="bob@customer.example")

    inbound = ingest(build_mail())

    assert (inbound.state, inbound.reason_code) == (State.TRIAGE, "ambiguous_contact")


def test_an_unknown_sender_waits_in_triage(ingest):
    inbound = ingest(build_mail())

    assert (inbound.state, inbound.reason_code) == (State.TRIAGE, "no_match")
    with translation.override("en"):  # the reason is shown in the reader's language
        assert "No record" in inbound.reason


def test_our_own_message_coming_back_is_ignored_and_marked_automatic(ingest):
    partner = PartnerFactory()
    _sent_about(partner, "<out-9@trato.example>")

    inbound = ingest(build_mail(message_id="<out-9@trato.example>"))

    assert (inbound.state, inbound.is_automatic) == (State.IGNORED, True)
    assert Entry.objects.count() == 0


@pytest.mark.parametrize("repeat", [1, 3])
def test_a_message_id_delivered_again_files_nothing_new(ingest, repeat):
    contact = ContactFactory(email="bob@customer.example")
    raw = build_mail(attachments=[("report.pdf", PDF, "application/pdf")])

    results = {ingest(raw).pk for _ in range(repeat + 1)}

    assert len(results) == 1
    assert Entry.objects.of_record(contact.partner).filter(kind=EntryKind.EMAIL).count() == 1
    assert Attachment.objects.count() == 1


def test_a_message_without_message_id_is_recognised_by_its_bytes(ingest):
    raw = build_mail(message_id=None)

    first, second = ingest(raw), ingest(raw)

    assert first.pk == second.pk
    assert first.message_id.startswith("sha256:")
