"""A refused close, in Chromium, in Spanish: the form comes back with everything typed and each missing thing is a
link to where it is added, through htmx and without JavaScript alike.

With TRATO_SCREENSHOTS=<folder>, the refused close is also saved as screenshots 1366 and 390 pixels wide."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.claims.support import make_category, make_partner
from tests.factories import UserFactory
from trato.claims import services
from trato.claims.models import Kind, State

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def buyer(db):
    return UserFactory(username="marta", first_name="Marta", last_name="Ruiz", roles=["purchasing_user"],
                       language="es")  # fmt: skip


@pytest.fixture
def open_claim(buyer):
    supplier = make_partner("supplier", name="Aceros del Norte")
    claim = services.claim_create(by=buyer, data={
        "kind": Kind.SUPPLIER, "subject": "Chapa con óxido", "partner": supplier,
        "category": make_category(Kind.SUPPLIER), "responsible": buyer, "description": "20 chapas con óxido.",
    })  # fmt: skip
    return services.claim_move(claim=claim, by=buyer, move="open")


def _type_a_close_without_cause_or_note(page, claim):
    page.goto(f"/claims/{claim.pk}/move/close/")
    page.select_option("select[name=resolution]", "credit_note")
    page.fill("textarea[name=resolution_notes]", "Abono del 50 % acordado por teléfono")
    page.fill("input[name=resolution_cost]", "120.50")
    page.get_by_role("button", name="Cerrar", exact=True).click()


def _expect_the_values_kept_and_the_links(page, claim):
    missing = page.locator("#move-missing")
    expect(missing).to_contain_text("Para cerrar esta reclamación, falta: al menos una causa, una nota de cierre.")
    causes = missing.get_by_role("link", name="Al menos una causa")
    expect(causes).to_have_attribute("href", f"/claims/{claim.pk}/#causes")
    expect(missing.get_by_role("link", name="Una nota de cierre")).to_have_attribute("href", "#id_closing_note")
    expect(page.locator("select[name=resolution]")).to_have_value("credit_note")
    expect(page.locator("textarea[name=resolution_notes]")).to_have_value("Abono del 50 % acordado por teléfono")
    expect(page.locator("input[name=resolution_cost]")).to_have_value("120.50")
    expect(page.get_by_label("Resolución acordada con el proveedor")).to_be_visible()


def _screenshots(page, name: str) -> None:
    folder = os.environ.get("TRATO_SCREENSHOTS")
    if not folder:
        return
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)


def test_a_refused_close_keeps_what_was_typed_and_links_to_what_is_missing(page, login, buyer, open_claim):
    login(buyer)
    requests = []
    page.on("request", lambda request: requests.append(request) if request.method == "POST" else None)

    _type_a_close_without_cause_or_note(page, open_claim)

    _expect_the_values_kept_and_the_links(page, open_claim)
    assert [request.headers.get("hx-request") for request in requests] == ["true"]  # swapped in place by htmx
    _screenshots(page, "claim-close-refused")
    open_claim.refresh_from_db()
    assert (open_claim.state, open_claim.resolution) == (State.OPEN, "")

    page.locator("#move-missing").get_by_role("link", name="Una nota de cierre").click()
    expect(page.locator("textarea[name=closing_note]")).to_be_in_viewport()
    page.locator("#move-missing").get_by_role("link", name="Al menos una causa").click()
    page.wait_for_url(re.compile(rf"/claims/{open_claim.pk}/#causes$"))
    expect(page.locator("#causes")).to_be_in_viewport()
    expect(page.locator("#add-causes")).to_be_visible()


def test_without_javascript_a_refused_close_keeps_what_was_typed_too(browser, live_server, buyer, open_claim):
    context = browser.new_context(base_url=live_server.url, locale="es-ES", java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", buyer.username)
    page.fill("input[name=password]", "secret-pass-123")
    page.click("button[type=submit]")

    _type_a_close_without_cause_or_note(page, open_claim)

    _expect_the_values_kept_and_the_links(page, open_claim)
    expect(page).to_have_title(re.compile(r"^Cerrar "))  # the whole page, answered by the server
    context.close()
