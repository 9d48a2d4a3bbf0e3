"""A Spanish-speaking salesperson records a new customer the way the issue describes it."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory
from trato.partners.models import Partner

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def open_section(page, title):
    details = page.locator("details", has=page.locator("summary", has_text=title))
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def test_a_spanish_salesperson_creates_a_company_with_a_contact_a_note_and_a_file(page, login, tmp_path):
    login(UserFactory(username="lucia", roles=["sales_user"], language="es"))
    assert page.locator("html").get_attribute("lang") == "es"

    page.get_by_role("link", name="Empresas").first.click()
    page.locator("a[href='/partners/new/']").first.click()
    page.fill("input[name=name]", "Talleres Ebro S.L.")
    page.check("input[name=is_customer]")
    page.fill("input[name=tax_id]", "B-12.345.678")
    page.fill("input[name=phone]", "976 12 34 56")
    page.get_by_role("button", name="Guardar").click()

    page.wait_for_url(re.compile(r"/partners/\d+/$"))
    assert page.get_by_role("heading", name="Talleres Ebro S.L.").is_visible()
    assert page.locator("a[href='tel:+34976123456']").first.is_visible()
    partner = Partner.objects.get(name="Talleres Ebro S.L.")
    assert partner.phone_e164 == "+34976123456"

    page.locator(f"a[href='/partners/{partner.pk}/contacts/new/']").first.click()
    page.fill("input[name=first_name]", "Ana")
    page.fill("input[name=last_name]", "Muñoz")
    page.fill("input[name=email]", "ana.munoz@talleres-ebro.example")
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_url(re.compile(r"/partners/contacts/\d+/$"))
    assert page.get_by_role("heading", name="Ana Muñoz").is_visible()
    page.get_by_role("link", name="Talleres Ebro S.L.").first.click()
    page.wait_for_url(re.compile(rf"/partners/{partner.pk}/$"))
    assert page.get_by_role("cell", name="Ana Muñoz").first.is_visible()

    open_section(page, "Añadir una nota")
    page.fill("textarea[name=body]", "Visitados ayer: piden oferta de 200 rodamientos.")
    page.get_by_role("button", name="Añadir nota").click()
    expect(page.locator(".timeline").get_by_text("piden oferta de 200 rodamientos")).to_be_visible()

    offer = tmp_path / "oferta.pdf"
    offer.write_bytes(PDF)
    open_section(page, "Adjuntar archivos")
    page.set_input_files("input[name=files]", str(offer))
    page.get_by_role("button", name="Subir").click()
    link = page.locator(".timeline a", has_text="oferta.pdf")
    link.wait_for()

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "oferta.pdf"
    assert Path(download.path()).read_bytes() == PDF
