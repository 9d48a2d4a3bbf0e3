"""An after-sales user, in Spanish, takes a customer claim from draft to closed on its own page: pickers that search,
documents, lines, causes and actions added in place, in no more than six page loads."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.picking import pick
from tests.claims.support import make_category
from tests.factories import UserFactory
from tests.partners.factories import ContactFactory, PartnerFactory
from trato.claims import services
from trato.claims.models import Claim, ClaimProduct, Kind, State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def count_page_loads(page) -> list[str]:
    """The addresses of every page the browser loads from here on (htmx answers are not page loads)."""
    loads: list[str] = []
    page.on("load", lambda loaded: loads.append(loaded.url))
    return loads


def screenshots(page, name: str) -> None:
    """The page at a desktop's and a phone's width, for people to look at (TRATO_VAR_DIR/screenshots)."""
    folder = Path(os.environ.get("TRATO_VAR_DIR", "var")) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def add_in_place(page, section: str) -> None:
    page.locator(f"#add-{section}").click()
    expect(page.locator(f"#{section}-slot #record-form")).to_be_visible()


def save_in_place(page, section: str, shows: str) -> None:
    page.locator(f"#{section}-slot").get_by_role("button", name="Guardar").click()
    expect(page.locator(f"#{section}-slot #record-form")).to_have_count(0)  # saved: the form is gone
    expect(page.locator(f"#{section}")).to_contain_text(shows)


def test_a_customer_claim_goes_from_draft_to_closed_on_its_page_in_six_page_loads(page, login):
    technician = UserFactory(username="lucia", first_name="Lucía", last_name="Gómez", roles=["after_sales_user"],
                             language="es")  # fmt: skip
    UserFactory(first_name="Pedro", last_name="Compras", roles=["purchasing_user"])  # never offered for this claim
    PartnerFactory.create_batch(25, name="Talleres Genéricos")
    customer = PartnerFactory(name="Talleres Ebro S.L.", is_customer=True, city="Zaragoza")
    ContactFactory(partner=customer, first_name="María", last_name="Lasheras")
    category = make_category(Kind.CUSTOMER, "Producto defectuoso")
    draft = services.claim_create(by=technician, data={"kind": Kind.CUSTOMER, "subject": "Bomba que gotea"})
    login(technician)
    loads = count_page_loads(page)

    page.goto(f"/claims/{draft.pk}/")  # 1
    page.locator("#claim-edit").click()  # 2: the edit page, with pickers that search
    pick(page, "partner", "Talleres Ebro S.L.", typed="ebro")
    pick(page, "contact", "María Lasheras", typed="")
    page.locator("#id_responsible-ts-control").click()
    expect(page.locator("#id_responsible-ts-dropdown")).to_contain_text("Lucía Gómez")
    expect(page.locator("#id_responsible-ts-dropdown")).not_to_contain_text("Pedro Compras")
    pick(page, "responsible", "Lucía Gómez", typed="lucía")
    page.select_option("select[name=category]", str(category.pk))
    page.fill("textarea[name=description]", "La bomba BOMBA-50 gotea por el sello.")
    page.get_by_role("button", name="Guardar").click()  # 3: back on the claim
    page.wait_for_url(re.compile(rf"/claims/{draft.pk}/$"))
    expect(page.locator("#claim-partner")).to_contain_text("Talleres Ebro S.L. · María Lasheras")

    add_in_place(page, "origins")
    page.select_option("#origins-slot select[name=doc_type]", "delivery")
    page.fill("#origins-slot input[name=number]", "ALB-26-0042")
    page.fill("input[name=line0_product_code]", "BOMBA-50")
    page.fill("input[name=line0_quantity]", "2,5")  # a Spanish decimal comma
    for _ in range(3):
        page.get_by_role("button", name="Añadir una línea").click()
    page.fill("input[name=line3_product_code]", "JUNTA-8")
    save_in_place(page, "origins", "ALB-26-0042")
    expect(page.locator("#origins")).to_contain_text("JUNTA-8")

    add_in_place(page, "causes")
    page.get_by_role("button", name="Guardar").click()  # nothing typed: refused where it was typed
    expect(page.locator("#causes-slot .invalid-feedback").first).to_be_visible()
    page.select_option("#causes-slot select[name=category]", "manufacturing")
    page.fill("#causes-slot textarea[name=description]", "Sello mal montado en fábrica.")
    save_in_place(page, "causes", "Sello mal montado")
    expect(page.locator(".timeline").first).to_contain_text("Sello mal montado")

    page.locator("#move-open button[type=submit]").click()  # 4
    expect(page.locator("#move-close")).to_be_visible()
    today = timezone.localdate()  # days go by: received ten days ago, due two days ago
    Claim.objects.filter(pk=draft.pk).update(received_on=today - timedelta(days=10), deadline=today - timedelta(days=2))

    # Open and overdue: on the home page's worklist, and on the customer's page (visits apart from the claim's own)
    page.goto("/")
    expect(page.locator("main")).to_contain_text("Bomba que gotea")
    overdue = page.locator("section, .card", has_text="Reclamaciones vencidas").filter(has_text="Bomba que gotea")
    expect(overdue.first).to_be_visible()
    screenshots(page, "home")
    page.goto("/claims/")
    screenshots(page, "claims-list")
    page.goto(f"/partners/{customer.pk}/")
    expect(page.locator("main")).to_contain_text(draft.number)
    page.goto(f"/claims/{draft.pk}/")
    screenshots(page, "claim")

    add_in_place(page, "actions")
    page.select_option("#actions-slot select[name=kind]", "corrective")
    page.fill("#actions-slot textarea[name=description]", "Revisar el montaje del sello en la línea 2.")
    page.fill("#actions-slot input[name=done_on]", "2026-12-01")
    save_in_place(page, "actions", "montaje del sello")

    page.locator("#move-close").click()  # 5: what closing asks for
    page.select_option("select[name=resolution]", "replacement")
    page.fill("input[name=resolution_cost]", "412,50")
    page.fill("textarea[name=closing_note]", "Bomba sustituida.")
    page.locator("#move-submit").click()  # 6
    page.wait_for_url(re.compile(rf"/claims/{draft.pk}/$"))
    expect(page.locator("#move-reopen")).to_be_visible()

    claim = Claim.objects.get(pk=draft.pk)
    assert (claim.state, claim.partner, claim.responsible) == (State.CLOSED, customer, technician)
    assert str(claim.resolution_cost) == "412.50"
    line = claim.origins.get().lines.get(product_code="BOMBA-50")
    assert str(line.quantity) == "2.500"
    assert sorted(ClaimProduct.objects.filter(claim=claim).values_list("product_code", flat=True)) == [
        "BOMBA-50", "JUNTA-8"
    ]  # fmt: skip
    on_the_claim = [url for url in loads if "/claims/" in url and not url.endswith("/claims/")]
    assert len(on_the_claim) <= 6 + 1, on_the_claim  # six, and the one that came back after the other pages
