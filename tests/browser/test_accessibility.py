"""Every main page, in Spanish, on a phone (390 px) and a laptop (1366 px), with data like the demo's: axe-core finds
no serious or critical WCAG 2.1 A/AA violation. Screenshots of the home page, the claims list and a claim page at
both widths are saved in var/screenshots/accessibility-*.png to look at."""

import datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.claims.support import make_category, make_claim, make_partner
from tests.factories import UserFactory
from tests.partners.factories import ContactFactory
from trato.accounts.roles import Role
from trato.claims import services
from trato.claims.models import ActionKind, CauseCategory, Kind, OriginType, Resolution
from trato.timeline import services as timeline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)
SCREENSHOTS = {"home", "claims-list", "claim", "partners-list"}
SORTED = {"claims-list": ("Fecha de recepción", "descending"), "partners-list": ("Nombre", "ascending")}
DAY = datetime.timedelta(days=1)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo():
    """An administrator and a small slice of the demo: a customer with a contact, a supplier, and claims of each
    kind in each state, the open one with its documents, causes, actions, repairs and a busy timeline."""
    admin = UserFactory(username="admin", first_name="Ana", last_name="Gil", roles=[Role.ADMINISTRATOR],
                        language="es", is_staff=True)  # fmt: skip
    seller = UserFactory(username="lucia", first_name="Lucía", last_name="Sanz", roles=[Role.SALES_USER])
    customer = make_partner("customer", name="Talleres Ebro S.L.", ref="C-0001", city="Zaragoza",
                            phone="976 12 34 56", email="info@talleresebro.example", salesperson=seller,
                            tags=["Taller", "Aragón"])  # fmt: skip
    contact = ContactFactory(partner=customer, first_name="María", last_name="Lasheras", phone="600 11 22 33",
                             email="m.lasheras@talleresebro.example", job_title="Jefa de calidad")  # fmt: skip
    timeline.note_add(record=customer, by=admin, body="Visitados ayer: piden oferta de 200 rodamientos.")
    claim = _open_claim_with_everything(admin, customer, contact)
    closed = _closed_supplier_claim(admin, make_partner("supplier", name="Aceros del Norte S.A.", ref="S-0001"))
    today = timezone.localdate()
    overdue = make_claim(Kind.CUSTOMER, by=admin, partner=customer, responsible=admin, subject="Pedido con retraso",
                         received_on=today - DAY * 30, deadline=today - DAY * 3,
                         category=make_category(Kind.CUSTOMER, "Retraso en la entrega"))  # fmt: skip
    services.claim_move(claim=overdue, by=admin, move="open")
    warehouse = make_category(Kind.INTERNAL, "Almacén")
    make_claim(Kind.INTERNAL, by=admin, subject="Etiquetas de lote ilegibles", category=warehouse)  # left a draft
    return SimpleNamespace(admin=admin, customer=customer, contact=contact, claim=claim, closed=closed)


def _open_claim_with_everything(admin, customer, contact):
    today = timezone.localdate()
    line = {"product_code": "BC-50", "description": "Bomba centrífuga 50 m³/h", "lot": "L2405-17",
            "quantity": Decimal("3"), "unit": "ud"}  # fmt: skip
    origin = {"doc_type": OriginType.DELIVERY, "number": "ALB-2026-0412", "date": today - DAY * 9, "lines": [line]}
    claim = make_claim(Kind.CUSTOMER, by=admin, partner=customer, contact=contact, responsible=admin,
                       subject="Bombas con fuga en el cierre mecánico", origins=[origin],
                       category=make_category(Kind.CUSTOMER, "Producto defectuoso"))  # fmt: skip
    cause = {"category": CauseCategory.SUPPLIER, "our_fault": False, "description": "Juntas fuera de tolerancia."}
    services.cause_add(claim=claim, by=admin, data=cause)
    for kind, description, done_on, carried_over in [
        (ActionKind.CONTAINMENT, "Bloquear el stock del lote L2405-17.", today, False),
        (ActionKind.CORRECTIVE, "Sustituir los cierres de las tres bombas.", None, False),
        (ActionKind.PREVENTIVE, "Revisar las juntas en la recepción.", None, True),
    ]:
        action = {"kind": kind, "description": description, "owner": admin, "done_on": done_on,
                  "carried_over": carried_over}  # fmt: skip
        services.action_add(claim=claim, by=admin, data=action)
    repair = {"reference": "REP-0101", "product_code": "BC-50", "serial": "SN-881203", "state": "done"}
    services.repair_add(claim=claim, by=admin, data=repair)
    claim = services.claim_move(claim=claim, by=admin, move="open")
    timeline.note_add(record=claim, by=admin, body="Llamar el lunes: https://talleresebro.example/incidencias")
    timeline.communication_log(record=claim, by=admin, channel="phone", direction="inbound", contact=contact,
                               occurred_at=timezone.now(), summary="María confirma la fuga en dos bombas.")  # fmt: skip
    timeline.attachments_add(record=claim, by=admin, files=[SimpleUploadedFile("informe.pdf", PDF)], note="Fotos")
    return claim


def _closed_supplier_claim(admin, supplier):
    claim = make_claim(Kind.SUPPLIER, by=admin, partner=supplier, responsible=admin,
                       subject="Chapa con espesor fuera de tolerancia",
                       category=make_category(Kind.SUPPLIER, "Material no conforme"))  # fmt: skip
    cause = {"category": CauseCategory.SUPPLIER, "description": "Laminación fuera de especificación."}
    services.cause_add(claim=claim, by=admin, data=cause)
    claim = services.claim_move(claim=claim, by=admin, move="open")
    return services.claim_close(claim=claim, by=admin, resolution=Resolution.RETURN, resolution_cost=Decimal("380"),
                         closing_note="Material devuelto y repuesto.")  # fmt: skip


def _pages(demo) -> list[tuple[str, str]]:
    claim, customer = demo.claim, demo.customer
    return [
        ("home", "/"),
        ("claims-list", "/claims/"),
        ("claims-board", "/claims/board/"),
        ("claim", f"/claims/{claim.pk}/"),
        ("closed-claim", f"/claims/{demo.closed.pk}/"),
        ("claim-create", "/claims/new/"),
        ("claim-edit", f"/claims/{claim.pk}/edit/"),
        ("claim-close", f"/claims/{claim.pk}/move/close/"),
        ("partners-list", "/partners/"),
        ("partner", f"/partners/{customer.pk}/"),
        ("contact", f"/partners/contacts/{demo.contact.pk}/"),
        ("partner-form", "/partners/new/"),
        ("partner-edit", f"/partners/{customer.pk}/edit/"),
        ("reports", "/reports/"),
        ("search", "/search/?q=Ebro"),
        ("profile", "/accounts/profile/"),
        ("not-found", "/claims/999999/"),
        ("api-docs", "/api/v1/docs"),
    ]


# The innermost elements that reach past the right edge of the screen, as tag#id.class (the first five); those in
# a box that scrolls sideways of its own (.table-responsive) do not count.
STICKING_OUT = """() => {
  const scrolls = (e) => [...ancestors(e)].some((a) => getComputedStyle(a).overflowX !== "visible");
  function* ancestors(e) { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) yield a; }
  const out = [...document.body.querySelectorAll("*")]
    .filter((e) => e.getBoundingClientRect().right > innerWidth + 1 && !scrolls(e));
  const inner = out.filter((e) => !out.some((other) => other !== e && e.contains(other)));
  return inner.slice(0, 5).map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + [...e.classList].map((c) => "." + c).join(""));
}"""


def _settle(page, name: str) -> None:
    """Wait for what the page loads after it is shown, so axe sees it whole."""
    if name == "reports":  # the rankings come in by htmx after the page
        page.wait_for_function("() => !document.querySelector('[aria-busy=true]')")
    elif name == "api-docs":  # Swagger UI draws itself from the schema
        page.wait_for_selector(".swagger-ui .opblock")


def _screenshot(page, name: str, width: int) -> None:
    folder = Path(settings.VAR_DIR) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"accessibility-{name}-{width}.png"), full_page=True)


def _check(page, assert_accessible, failures: list[str], label: str) -> None:
    try:
        assert_accessible(page)
    except AssertionError as error:  # go on: one run lists every page's violations
        failures.append(f"[{label}] {error}")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:  # the whole page scrolls sideways: something does not fit the screen
        culprits = ", ".join(page.evaluate(STICKING_OUT))
        failures.append(f"[{label}] the page is {overflow} px wider than the screen: {culprits}")


def test_every_main_page_passes_axe_in_spanish_on_a_phone_and_a_laptop(page, login, assert_accessible, demo):
    failures: list[str] = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/accounts/login/")
        _check(page, assert_accessible, failures, f"login {width}px")
    login(demo.admin)

    for name, path in _pages(demo):
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(path)
            assert response.status == (404 if name == "not-found" else 200), path
            language = "en" if name == "api-docs" else "es"  # Swagger UI's own words are English
            assert page.locator("html").get_attribute("lang") == language, path
            _settle(page, name)
            _check(page, assert_accessible, failures, f"{name} {width}px")
            if name in SORTED:  # the column the list is sorted by says so, on its header cell
                sorted_by = page.locator("thead th[aria-sort]")
                assert [text.strip() for text in sorted_by.all_inner_texts()] == [SORTED[name][0]], name
                assert sorted_by.get_attribute("aria-sort") == SORTED[name][1], name
            if name in SCREENSHOTS:
                _screenshot(page, name, width)

    # On a phone the navigation folds into a menu: open it, and the user's menu in it
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/")
    page.get_by_role("button", name="Menú").click()
    page.locator("#main-nav.collapse.show").wait_for()  # unfolded, its animation over
    page.locator("#main-nav .dropdown-toggle").click()
    page.locator("#main-nav .dropdown-menu.show").wait_for()
    _check(page, assert_accessible, failures, "navigation menu 390px")
    _screenshot(page, "navigation-menu", 390)

    assert not failures, "\n".join(failures)
