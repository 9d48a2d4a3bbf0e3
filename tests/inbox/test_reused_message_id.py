"""The same message delivered twice is stored once; a different message reusing its Message-ID is kept apart."""

from io import BytesIO, StringIO

from django.core.management import call_command
from django.utils import translation

from tests.inbox.conftest import build_mail
from tests.partners.factories import ContactFactory
from trato.inbox.models import InboundMessage, State


def test_a_second_delivery_of_the_same_message_adds_nothing(ingest):
    first = ingest(build_mail())
    again = ingest(b"Received: from relay2.example by mx.example\r\n" + build_mail())
    assert (again.pk, InboundMessage.objects.count()) == (first.pk, 1)


def test_a_different_message_reusing_a_message_id_is_kept_in_triage_and_says_so(ingest, db):
    ContactFactory(email="bob@customer.example")
    first = ingest(build_mail(body="The pump arrived broken."))
    other = ingest(build_mail(subject="Invoice 42", body="Please find the invoice attached."))
    assert other.pk != first.pk
    assert (other.state, other.reason_code, other.reason_detail) == (
        State.TRIAGE, "reused_message_id", "<m1@customer.example>"
    )  # fmt: skip
    assert other.subject == "Invoice 42"
    with translation.override("en"):  # the reason is worded when read, in the reader's language
        assert other.reason == (
            "A different message already arrived with this Message-ID (<m1@customer.example>): kept apart."
        )
    assert ingest(build_mail(subject="Invoice 42", body="Please find the invoice attached.")).pk == other.pk
    assert InboundMessage.objects.count() == 2


def test_the_command_reports_triage_not_filed_for_a_reused_message_id(ingest, db):
    ContactFactory(email="bob@customer.example")
    ingest(build_mail(body="First."))
    out = StringIO()
    call_command("mail_ingest", stdin=BytesIO(build_mail(subject="Another", body="Second, different.")), stdout=out)
    assert out.getvalue().startswith("<m1@customer.example>#reused-")
    assert ": triage (" in out.getvalue()
