"""Mail to the claims address opens a draft customer claim; its attachments and the replies land on that claim."""

import pytest

from tests.inbox.conftest import PDF, build_mail
from tests.partners.factories import ContactFactory, PartnerFactory
from trato.claims import inbox_handler
from trato.claims.models import Channel, Claim, Kind, State
from trato.inbox import handlers
from trato.inbox.models import State as InboundState
from trato.inbox.services import message_ingest
from trato.inbox.system import gateway_user
from trato.mail import threading
from trato.mail.services import message_queue
from trato.timeline import registry
from trato.timeline.models import Attachment, Entry


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def claims_alias(db):
    inbox_handler.register()
    yield
    handlers.unregister("alias", "claims")


def ingest(raw: bytes, alias: str = "claims"):
    return message_ingest(raw, source="stdin", alias=alias)


@pytest.fixture
def contact(db):
    customer = PartnerFactory(name="Talleres Ebro", is_customer=True)
    return ContactFactory(partner=customer, first_name="María", last_name="Lasheras", email="m.lasheras@ebro.example")


def test_mail_to_the_claims_address_creates_a_draft_customer_claim_for_the_senders_contact(contact):
    raw = build_mail(
        sender="María Lasheras <M.Lasheras@Ebro.example>",
        to="reclamaciones@crm.example.com",
        subject="RE: Fwd: Bomba rota en el albarán ALB-2026-118",
        body="La bomba llegó con la carcasa rota.\nAdjunto fotos.",
        attachments=[("informe.pdf", PDF, "application/pdf")],
    )

    inbound = ingest(raw)

    claim = Claim.objects.get()
    assert (claim.kind, claim.state, claim.channel) == (Kind.CUSTOMER, State.DRAFT, Channel.EMAIL)
    assert claim.subject == "Bomba rota en el albarán ALB-2026-118"
    assert claim.description == "La bomba llegó con la carcasa rota.\nAdjunto fotos."
    assert (claim.partner, claim.contact, claim.responsible) == (contact.partner, contact, None)
    assert claim.number.startswith("RC-")
    assert claim.created_by == gateway_user()
    assert inbound.state == InboundState.FILED
    assert (inbound.record_type, inbound.record_id) == (registry.key_for(Claim), claim.pk)
    assert list(Attachment.objects.of_record(claim).values_list("name", flat=True)) == ["informe.pdf"]
    assert Entry.objects.of_record(claim).filter(kind="email").count() == 1


def test_a_sender_known_only_as_the_company_address_gives_the_company_without_a_contact(db):
    customer = PartnerFactory(name="Conservas", is_customer=True, email="compras@conservas.example")

    ingest(build_mail(sender="compras@conservas.example", to="claims@crm.example.com"))

    claim = Claim.objects.get()
    assert (claim.partner, claim.contact) == (customer, None)


def test_an_unknown_sender_still_gets_a_draft_claim_for_a_person_to_complete(db):
    ingest(build_mail(sender="nadie@desconocido.example", to="claims@crm.example.com", subject=""))

    claim = Claim.objects.get()
    assert (claim.partner, claim.contact, claim.state) == (None, None, State.DRAFT)
    assert claim.subject  # a placeholder: the mail had none


def test_a_supplier_only_contact_is_not_made_the_customer_of_a_customer_claim(db):
    supplier = PartnerFactory(is_customer=False, is_supplier=True)
    ContactFactory(partner=supplier, email="ventas@acero.example")

    ingest(build_mail(sender="ventas@acero.example", to="claims@crm.example.com"))

    assert Claim.objects.get().partner is None


def test_automatic_mail_creates_no_claim_and_waits_in_triage(db, mailoutbox):
    raw = build_mail(to="claims@crm.example.com", subject="Out of office", Auto_Submitted="auto-replied")

    inbound = ingest(raw)

    assert Claim.objects.count() == 0
    assert inbound.state == InboundState.TRIAGE
    assert mailoutbox == []


def test_a_reply_to_mail_sent_from_the_claim_threads_onto_the_same_claim(contact, django_capture_on_commit_callbacks):
    ingest(build_mail(sender=contact.email, to="claims@crm.example.com", message_id="<first@ebro.example>"))
    claim = Claim.objects.get()
    sent = message_queue(by=gateway_user(), to=[contact], subject="Su reclamación", body_text="Recibida.", record=claim)

    reply = build_mail(
        sender=contact.email,
        to="claims@crm.example.com",
        subject="Re: Su reclamación",
        body="Gracias, adjunto el albarán.",
        message_id="<second@ebro.example>",
        In_Reply_To=sent.message_id,
        attachments=[("albaran.pdf", PDF, "application/pdf")],
    )
    inbound = ingest(reply)

    assert Claim.objects.count() == 1
    assert (inbound.handler, inbound.record_id) == ("thread", claim.pk)
    assert "albaran.pdf" in Attachment.objects.of_record(claim).values_list("name", flat=True)


def test_a_reply_to_the_claims_plus_address_threads_onto_the_same_claim(contact):
    ingest(build_mail(sender=contact.email, to="claims@crm.example.com", message_id="<first@ebro.example>"))
    claim = Claim.objects.get()

    inbound = ingest(
        build_mail(sender=contact.email, to=threading.reply_address(claim), message_id="<second@ebro.example>")
    )

    assert Claim.objects.count() == 1
    assert (inbound.handler, inbound.record_id) == ("plus_address", claim.pk)


def test_a_follow_up_to_the_customers_own_first_mail_joins_its_claim(contact):
    ingest(build_mail(sender=contact.email, to="claims@crm.example.com", message_id="<first@ebro.example>"))

    follow_up = build_mail(
        sender=contact.email,
        to="claims@crm.example.com",
        subject="Re: Broken pump",
        message_id="<second@ebro.example>",
        References="<first@ebro.example>",
    )
    inbound = ingest(follow_up)

    claim = Claim.objects.get()
    assert inbound.record_id == claim.pk
    assert Entry.objects.of_record(claim).filter(kind="email").count() == 2


def test_a_second_delivery_of_the_same_mail_creates_no_second_claim(contact):
    raw = build_mail(sender=contact.email, to="claims@crm.example.com")

    ingest(raw)
    ingest(raw)

    assert Claim.objects.count() == 1


def test_the_real_gmail_sample_without_a_sender_creates_no_claim(shared_fixtures, db):
    raw = (shared_fixtures / "email/zapier-reply-parser-email_gmail.txt").read_bytes()

    inbound = ingest(raw)

    assert Claim.objects.count() == 0
    assert (inbound.state, inbound.reason_code) == (InboundState.TRIAGE, "no_sender")


@pytest.mark.parametrize(
    ("subject", "cleaned"),
    [
        ("Re: RE: Fwd: Pedido roto", "Pedido roto"),
        ("RV: Factura  duplicada", "Factura duplicada"),
        ("Fw: re: AW: Lote L-22", "Lote L-22"),
        ("Reparto tardío", "Reparto tardío"),
    ],
)
def test_reply_and_forward_prefixes_are_taken_off_the_subject(subject, cleaned):
    assert inbox_handler.clean_subject(subject) == cleaned


def test_the_claims_alias_is_registered_when_the_app_starts():
    handlers.unregister("alias", "claims")
    from django.apps import apps

    apps.get_app_config("claims").ready()

    assert handlers.alias_handler("claims") is inbox_handler.claim_from_mail


INVITATION = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Test//EN\r
METHOD:REQUEST\r
BEGIN:VEVENT\r
UID:visita-ebro-1@customer.example\r
DTSTAMP:20261201T090000Z\r
DTSTART:20261210T090000Z\r
DTEND:20261210T100000Z\r
SUMMARY:Visita a Talleres Ebro\r
ORGANIZER:mailto:m.lasheras@ebro.example\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_a_calendar_invitation_sent_to_the_claims_address_waits_in_triage_instead_of_becoming_a_claim(contact):
    raw = build_mail(
        sender="m.lasheras@ebro.example",
        to="claims@crm.example.com",
        subject="Invitación: Visita a Talleres Ebro",
        attachments=[("invite.ics", INVITATION, "text/calendar")],
    )
    inbound = ingest(raw)
    assert Claim.objects.count() == 0
    assert (inbound.state, inbound.reason_code) == (InboundState.TRIAGE, "invitation_pending")


@pytest.mark.parametrize(
    "history",
    [
        "El lun, 1 dic 2026 a las 10:02, Soporte <soporte@crm.example.com> escribió:\n> ¿Nos envía fotos?",
        "-----Mensaje original-----\nDe: Soporte\nEnviado: lunes, 1 de diciembre de 2026 10:02\nAsunto: Bomba",
        "-----Original Message-----\nFrom: Support\nSent: Monday, December 1, 2026 10:02 AM",
        "De: Soporte <soporte@crm.example.com>\nEnviado el: lunes, 1 de diciembre de 2026 10:02\nPara: María",
        "On Mon, Dec 1, 2026 at 10:02 AM Support <support@crm.example.com> wrote:\n> Could you send photos?",
    ],
)
def test_a_claim_created_by_mail_keeps_the_quoted_history_out_of_its_description(contact, history):
    body = f"La bomba llegó con la carcasa rota.\n\n{history}\n"
    ingest(build_mail(sender="m.lasheras@ebro.example", to="claims@crm.example.com", body=body))
    assert Claim.objects.get().description == "La bomba llegó con la carcasa rota."
