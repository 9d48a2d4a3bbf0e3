"""A Spanish-speaking purchasing user runs the seed's procedure for a supplier claim, from creation to closing."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.picking import clear_pick, pick, picked
from tests.factories import UserFactory
from tests.partners.factories import PartnerFactory
from trato.claims.models import Category, Claim, Kind, State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def open_section(page, title):
    details = page.locator("details", has=page.locator("summary", has_text=title))
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def edit_claim(page, claim, **picks):
    page.locator("#claim-edit").click()
    page.wait_for_url(re.compile(rf"/claims/{claim.pk}/edit/$"))
    for name, choice in picks.items():
        pick(page, name, choice)
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_url(re.compile(rf"/claims/{claim.pk}/$"))


def test_a_purchasing_user_takes_a_supplier_claim_from_creation_to_closing(page, login, tmp_path):
    buyer = UserFactory(username="marta", first_name="Marta", last_name="Ruiz", roles=["purchasing_user"],
                        language="es")  # fmt: skip
    PartnerFactory(name="Aceros del Norte S.A.", is_customer=False, is_supplier=True)
    category = Category.objects.create(kind=Kind.SUPPLIER, name="Material defectuoso", default_deadline_days=10)
    login(buyer)
    assert page.locator("html").get_attribute("lang") == "es"

    # Opening: create a new claim
    page.get_by_role("link", name="Reclamaciones").first.click()
    page.wait_for_url(re.compile(r"/claims/$"))
    page.locator("a[href='/claims/new/']").first.click()
    page.fill("input[name=subject]", "Chapa con óxido en la recepción")
    assert picked(page, "responsible") == ["Marta Ruiz"]  # who creates it, to begin with
    clear_pick(page, "responsible")
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_url(re.compile(r"/claims/\d+/$"))
    claim = Claim.objects.get()
    expect(page.locator("#claim-number")).to_have_text(claim.number)
    assert claim.number.startswith("RP-") and claim.state == State.DRAFT

    # assign the supplier, the person responsible, and categorise it
    edit_claim(page, claim, partner="Aceros del Norte S.A.")
    expect(page.locator("#claim-partner")).to_contain_text("Aceros del Norte S.A.")
    edit_claim(page, claim, responsible="Marta Ruiz")
    expect(page.locator("#claim-responsible")).to_contain_text("Marta Ruiz")
    page.locator("#claim-edit").click()
    page.select_option("select[name=category]", str(category.pk))
    page.fill("textarea[name=description]", "20 chapas de 3 mm llegan con óxido superficial.")
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_url(re.compile(rf"/claims/{claim.pk}/$"))
    expect(page.locator("#claim-category")).to_contain_text("Material defectuoso")
    expect(page.locator("#claim-description")).to_contain_text("óxido superficial")

    # attach the documents needed
    photo_report = tmp_path / "informe-recepcion.pdf"
    photo_report.write_bytes(PDF)
    open_section(page, "Adjuntar archivos")
    page.set_input_files("input[name=files]", str(photo_report))
    page.get_by_role("button", name="Subir").click()
    expect(page.locator(".timeline a", has_text="informe-recepcion.pdf")).to_be_visible()

    # open the claim
    page.locator("#move-open button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/claims/{claim.pk}/$"))
    expect(page.locator("#move-close")).to_be_visible()
    claim.refresh_from_db()
    assert claim.state == State.OPEN

    # Open: record a communication, then the causes once evaluated
    open_section(page, "Registrar una comunicación")
    page.fill("textarea[name=summary]", "Llamada al proveedor: reconoce un fallo de almacenaje.")
    page.get_by_role("button", name="Registrar comunicación").click()
    expect(page.locator(".timeline").get_by_text("reconoce un fallo de almacenaje")).to_be_visible()

    page.locator("#add-causes").click()
    page.select_option("select[name=category]", "supplier")
    page.fill("textarea[name=description]", "Chapa almacenada a la intemperie por el proveedor.")
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_url(re.compile(rf"/claims/{claim.pk}/"))
    expect(page.locator("#causes")).to_contain_text("almacenada a la intemperie")

    # Closing: record the solution actions, then close
    page.locator("#add-actions").click()
    page.select_option("select[name=kind]", "corrective")
    page.fill("textarea[name=description]", "Exigir embalaje estanco en los próximos envíos.")
    page.fill("input[name=done_on]", "2026-03-05")
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_url(re.compile(rf"/claims/{claim.pk}/"))
    expect(page.locator("#actions")).to_contain_text("embalaje estanco")

    page.locator("#move-close").click()
    page.wait_for_url(re.compile(rf"/claims/{claim.pk}/move/close/$"))
    page.locator("#move-submit").click()  # without resolution and note: refused, saying what is missing
    expect(page.locator("#move-form #move-missing")).to_contain_text("falta: la resolución dada, una nota de cierre")
    expect(page.locator("#move-missing a[href='#id_closing_note']")).to_be_visible()
    page.select_option("select[name=resolution]", "credit_note")
    page.fill("input[name=resolution_cost]", "240")
    page.fill("textarea[name=closing_note]", "El proveedor abona las 20 chapas.")
    page.locator("#move-submit").click()
    page.wait_for_url(re.compile(rf"/claims/{claim.pk}/$"))
    expect(page.locator("#claim-closing-note")).to_contain_text("abona las 20 chapas")
    expect(page.locator("#move-reopen")).to_be_visible()
    claim.refresh_from_db()
    assert (claim.state, claim.resolution) == (State.CLOSED, "credit_note")
    assert claim.time_to_close is not None
