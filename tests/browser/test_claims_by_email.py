"""A customer's email to the claims address becomes a draft claim; a Spanish-speaking after-sales user takes it
from there to closing, the way the seed's procedure describes it."""

import re
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.picking import pick
from tests.factories import UserFactory
from tests.partners.factories import ContactFactory, PartnerFactory
from trato.claims import inbox_handler
from trato.claims.models import Category, Channel, Claim, Kind, Resolution, State
from trato.inbox.models import State as InboundState
from trato.inbox.services import message_ingest
from trato.mail.models import OutboundMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SUBJECT = "Bomba rota en el albarán ALB-2026-118"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def spanish(label) -> str:
    """What the page shows for a translatable label, whether or not the catalogue has it yet."""
    with translation.override("es"):
        return translation.gettext(label) if isinstance(label, str) else str(label)


def customer_mail(sender: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"María Lasheras <{sender}>"
    message["To"] = "reclamaciones@crm.example.com"
    message["Subject"] = f"RE: {SUBJECT}"
    message["Date"] = format_datetime(datetime(2026, 3, 2, 9, 15, tzinfo=ZoneInfo("Europe/Madrid")))
    message["Message-ID"] = "<reclamacion-118@ebro.example>"
    message.set_content(
        "Buenos días:\n\nLa bomba del albarán ALB-2026-118 llegó con la carcasa rota.\n"
        "Adjunto el informe con las fotos.\n\nUn saludo,\nMaría"
    )
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="informe-bomba.pdf")
    return message.as_bytes()


def open_section(page, title):
    details = page.locator("details", has=page.locator("summary", has_text=title))
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def add_record(page, claim, section, **fields):
    """Add a cause or an action in place, on the claim's page."""
    page.locator(f"#add-{section}").click()
    form = page.locator(f"#{section}-slot #record-form")
    expect(form).to_be_visible()
    for selector, value in fields.items():
        field = form.locator(f"[name={selector}]")
        if selector == "carried_over":
            field.check()
        elif field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(str(value))
        else:
            field.fill(str(value))
    form.get_by_role("button", name="Guardar").click()
    expect(form).to_have_count(0)
    assert page.url.endswith(f"/claims/{claim.pk}/")


def test_an_after_sales_user_takes_a_claim_received_by_email_from_draft_to_closing(page, login):
    technician = UserFactory(username="javier", first_name="Javier", last_name="Ortega", email="javier@crm.example.com",
                             roles=["after_sales_user"], language="es")  # fmt: skip
    customer = PartnerFactory(name="Talleres Ebro S.L.", is_customer=True)
    contact = ContactFactory(partner=customer, first_name="María", last_name="Lasheras",
                             email="m.lasheras@ebro.example", language="es")  # fmt: skip
    category = Category.objects.create(kind=Kind.CUSTOMER, name="Daños en el transporte", default_deadline_days=15)

    # The customer writes to the claims address: the gateway files a draft claim with the mail and its attachment
    inbox_handler.register()  # as ClaimsConfig.ready() does; other tests may have unregistered it
    inbound = message_ingest(customer_mail("M.Lasheras@Ebro.example"), source="stdin", alias="claims")
    assert inbound.state == InboundState.FILED
    claim = Claim.objects.get()
    assert (claim.kind, claim.state, claim.channel) == (Kind.CUSTOMER, State.DRAFT, Channel.EMAIL)
    assert (claim.partner, claim.contact, claim.responsible) == (customer, contact, None)

    login(technician)
    assert page.locator("html").get_attribute("lang") == "es"

    # The technician finds the new draft in the claims list
    page.get_by_role("link", name="Reclamaciones").first.click()
    page.wait_for_url(re.compile(r"/claims/$"))
    row = page.locator(f"#claim-row-{claim.pk}")
    expect(row).to_contain_text(claim.number)
    expect(row).to_contain_text(SUBJECT)
    expect(row).to_contain_text("Talleres Ebro S.L.")
    expect(row.locator(".badge").first).to_have_text(spanish(State.DRAFT.label))
    row.get_by_role("link", name=claim.number).click()
    page.wait_for_url(re.compile(rf"/claims/{claim.pk}/$"))

    # The claim page: who wrote, what they wrote, and the mail with its attachment on the timeline
    expect(page.locator("#claim-number")).to_have_text(claim.number)
    expect(page.locator("#claim-state .badge").first).to_have_text(spanish(State.DRAFT.label))
    expect(page.locator("#claim-partner")).to_contain_text("Talleres Ebro S.L.")
    expect(page.locator("#claim-partner")).to_contain_text("María Lasheras")
    expect(page.locator("#claim-responsible")).to_have_text(spanish("Nobody assigned"))
    expect(page.locator("#claim-description")).to_contain_text("llegó con la carcasa rota")
    mail = page.locator(".timeline .kind-email")
    expect(mail).to_have_count(1)
    expect(mail).to_contain_text(f"RE: {SUBJECT}")
    expect(mail).to_contain_text("m.lasheras@ebro.example", ignore_case=True)
    expect(mail).to_contain_text("Adjunto el informe con las fotos.")
    files = page.locator(".timeline .kind-attachment")  # the gateway files the mail's attachments beside it
    expect(files).to_have_count(1)
    expect(files).to_contain_text(f"RE: {SUBJECT}")
    expect(files).to_contain_text("application/pdf")
    with page.expect_download() as download:
        files.get_by_role("link", name="informe-bomba.pdf").click()
    assert download.value.suggested_filename == "informe-bomba.pdf"
    assert Path(download.value.path()).read_bytes() == PDF

    # Assign the responsible person and the category
    page.locator("#claim-edit").click()
    page.wait_for_url(re.compile(rf"/claims/{claim.pk}/edit/$"))
    pick(page, "responsible", "Javier Ortega", typed="ortega")
    page.select_option("select[name=category]", str(category.pk))
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_url(re.compile(rf"/claims/{claim.pk}/$"))
    expect(page.locator("#claim-responsible")).to_have_text("Javier Ortega")
    expect(page.locator("#claim-category")).to_have_text("Daños en el transporte")
    expect(page.locator(".timeline .kind-change").first).to_contain_text("Daños en el transporte")

    # Open it, sending María the acknowledgement with the claim number
    page.check("#move-open input[name=acknowledge]")
    page.locator("#move-open button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/claims/{claim.pk}/$"))
    expect(page.locator("#claim-state .badge").first).to_have_text(spanish(State.OPEN.label))
    moved = page.locator(".timeline .kind-state").first
    expect(moved.locator(".badge")).to_have_text([spanish(State.DRAFT.label), spanish(State.OPEN.label)])
    acknowledgement = page.locator(".timeline .kind-email", has_text=claim.number)
    expect(acknowledgement).to_contain_text("m.lasheras@ebro.example")
    assert OutboundMessage.objects.filter(subject__contains=claim.number).count() == 1
    expect(page.locator("#move-close")).to_be_visible()

    # Record a communication: a call to the customer
    open_section(page, "Registrar una comunicación")
    page.select_option("select[name=contact]", str(contact.pk))
    page.fill("textarea[name=summary]", "Llamada a María: el embalaje llegó aplastado; enviamos una bomba nueva.")
    page.get_by_role("button", name="Registrar comunicación").click()
    call = page.locator(".timeline .kind-communication", has_text="el embalaje llegó aplastado")
    expect(call).to_be_visible()
    expect(call).to_contain_text("María Lasheras")

    # Record the cause, then the actions (one done, one carried over to the transport review)
    add_record(page, claim, "causes", category="transport", description="Palé sin cantoneras: golpe en la descarga.")
    expect(page.locator("#causes")).to_contain_text("golpe en la descarga")
    add_record(page, claim, "actions", kind="containment", description="Enviar una bomba de sustitución.",
               owner=technician.pk, done_on="2026-03-04")  # fmt: skip
    add_record(page, claim, "actions", kind="preventive", description="Exigir cantoneras al transportista.",
               carried_over=True)  # fmt: skip
    actions = page.locator("#actions")
    expect(actions).to_contain_text("bomba de sustitución")
    expect(actions).to_contain_text("cantoneras al transportista")
    expect(actions.locator("li .badge.text-bg-success")).to_have_count(1)
    expect(actions.locator("li .badge.text-bg-info")).to_have_count(1)

    # Record the resolution and close with a closing note
    page.locator("#move-close").click()
    page.wait_for_url(re.compile(rf"/claims/{claim.pk}/move/close/$"))
    page.select_option("select[name=resolution]", Resolution.REPLACEMENT)
    page.fill("textarea[name=resolution_notes]", "Bomba nueva enviada con el albarán ALB-2026-131.")
    page.fill("input[name=resolution_cost]", "385.50")
    page.fill("textarea[name=closing_note]", "Cliente conforme con la sustitución.")
    page.locator("#move-submit").click()
    page.wait_for_url(re.compile(rf"/claims/{claim.pk}/$"))
    expect(page.locator("#claim-state .badge").first).to_have_text(spanish(State.CLOSED.label))
    expect(page.locator("#claim-resolution")).to_contain_text(spanish(Resolution.REPLACEMENT.label))
    expect(page.locator("#claim-resolution")).to_contain_text("ALB-2026-131")
    expect(page.locator("#claim-closing-note")).to_contain_text("Cliente conforme con la sustitución.")
    closed = page.locator(".timeline .kind-state").first
    expect(closed.locator(".badge")).to_have_text([spanish(State.OPEN.label), spanish(State.CLOSED.label)])
    expect(page.locator("#move-reopen")).to_be_visible()
    expect(page.locator("#claim-edit")).to_have_count(0)

    claim.refresh_from_db()
    assert (claim.state, claim.resolution, claim.responsible, claim.category) == (
        State.CLOSED, Resolution.REPLACEMENT, technician, category)  # fmt: skip
    assert claim.time_to_close is not None
