"""In Chromium, in Spanish: the ERP's link, followed before logging in, ends on a prefilled draft that saves with its
document and lines. Screenshots at 1366 px and 390 px are written next to the test's other output."""

import os
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.browser.picking import picked
from tests.factories import UserFactory
from tests.partners.factories import PartnerFactory
from trato.claims.models import Claim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = "/claims/new/?" + urlencode(
    [("doc_type", "delivery"), ("number", "ALB-2026-0042"), ("date", "2026-11-30"), ("partner_ref", "C00042"),
     ("line", "TOR-M8|Tornillo M8|L-2291|120|ud")]
)  # fmt: skip


def _screenshots() -> Path:
    folder = Path(os.environ.get("TRATO_VAR_DIR", "var")) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_erp_link_opens_a_prefilled_draft_after_login_and_saves_it(page):
    user = UserFactory(username="postventa", roles=["after_sales_user"], language="es")
    PartnerFactory(name="Talleres Ebro", is_customer=True, ref="C00042")
    page.goto(LINK)
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "secret-pass-123")
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/claims/new/" in url)

    document = page.locator("#erp-document")
    assert "ALB-2026-0042" in document.inner_text() and "Tornillo M8" in document.inner_text()
    assert picked(page, "partner") == ["Talleres Ebro"]
    assert page.input_value("input[name=subject]") == "Albarán de salida ALB-2026-0042"
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(_screenshots() / f"claim-from-erp-link-{width}.png"), full_page=True)

    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_url(lambda url: "/claims/new/" not in url)
    claim = Claim.objects.get()
    assert (claim.partner.ref, claim.origins.get().number) == ("C00042", "ALB-2026-0042")
    assert claim.origins.get().lines.get().product_code == "TOR-M8"
