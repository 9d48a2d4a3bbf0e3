"""The ERP's link on its own documents opens a prefilled draft claim; nothing is saved until the user saves it."""

from decimal import Decimal
from urllib.parse import quote, urlencode

import pytest

from tests.partners.factories import PartnerFactory
from trato.claims.models import Claim, Kind, OriginType

LINK = "/claims/new/?" + urlencode(
    [
        ("doc_type", "delivery"),
        ("number", "ALB-2026-0042"),
        ("date", "2026-11-30"),
        ("partner_ref", "C00042"),
        ("line", "TOR-M8|Tornillo M8|L-2291|120|ud"),
        ("line", "ARA-8|Arandela 8|||"),
    ]
)


@pytest.fixture(autouse=True)
def english(after_sales_user):
    after_sales_user.language = "en"
    after_sales_user.save(update_fields=["language"])


@pytest.fixture
def customer(db):
    return PartnerFactory(name="Talleres Ebro", is_customer=True, ref="C00042")


def test_the_link_survives_the_login_and_opens_a_prefilled_form(client, customer, after_sales_user):
    redirected = client.get(LINK)
    assert redirected.status_code == 302
    assert redirected["Location"] == "/accounts/login/?next=" + quote(LINK, safe="/")
    client.force_login(after_sales_user)
    page = client.get(LINK)
    form = page.context["form"]
    assert page.status_code == 200
    assert (form.initial["kind"], form.initial["partner"], form.initial["subject"]) == (
        Kind.CUSTOMER, customer, "Delivery ALB-2026-0042"
    )  # fmt: skip
    assert "TOR-M8" in page.text and "Tornillo M8" in page.text
    assert not Claim.objects.exists()  # a GET never writes


def test_saving_the_prefilled_form_records_the_document_and_its_lines(client_for, customer, after_sales_user):
    client = client_for(after_sales_user)
    page = client.get(LINK)
    hidden = page.context["erp"].hidden_values()
    data = {"kind": "customer", "subject": "Tornillos oxidados", "partner": customer.pk, "priority": "normal"}
    data |= {"channel": "api", "received_on": "2026-12-01"}
    body = urlencode([*data.items(), *hidden])
    response = client.post("/claims/new/", body, content_type="application/x-www-form-urlencoded")
    claim = Claim.objects.get()
    assert response["Location"] == claim.get_absolute_url()
    origin = claim.origins.get()
    assert (origin.doc_type, origin.number, str(origin.date)) == (OriginType.DELIVERY, "ALB-2026-0042", "2026-11-30")
    lines = list(origin.lines.order_by("pk").values_list("product_code", "lot", "quantity", "unit"))
    assert lines == [("TOR-M8", "L-2291", Decimal("120"), "ud"), ("ARA-8", "", None, "")]


def test_an_unknown_erp_code_says_so_and_leaves_the_partner_to_choose(client_for, after_sales_user, db):
    page = client_for(after_sales_user).get(LINK)
    assert page.status_code == 200 and page.context["form"].initial["partner"] is None
    messages = [str(message) for message in page.context["messages"]]
    assert messages == ["No customer or supplier you can see has the ERP code C00042: choose it in the form."]


def test_a_supplier_s_code_is_not_found_by_a_user_who_may_not_see_suppliers(client_for, after_sales_user, db):
    PartnerFactory(name="Aceros", is_customer=False, is_supplier=True, ref="C00042")
    assert client_for(after_sales_user).get(LINK).context["form"].initial["partner"] is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"doc_type": "spaceship"}, "Select a valid choice. spaceship is not one of the available choices."),
        ({"doc_type": "delivery", "date": "30/11/2026"}, "Enter a valid date."),
        ({"doc_type": "delivery", "line": "A|b|c|muchos|ud"}, "Line 1 has a quantity that is not a number."),
        ({"doc_type": "delivery", "line": "A|b|c|1|ud|extra"}, "Line 1 is not code|description|lot|quantity|unit."),
        ({"doc_type": "delivery", "line": "A|b|c|NaN|ud"}, "Line 1 has a quantity that is not a number."),
    ],
)  # fmt: skip
def test_a_bad_link_shows_what_is_wrong_and_attaches_nothing(client_for, after_sales_user, query, message):
    page = client_for(after_sales_user).get("/claims/new/?" + urlencode({"number": "X-1", **query}))
    assert page.status_code == 400
    errors = [error for errors in page.context["erp"].errors.values() for error in errors]
    assert errors == [message]
    assert 'class="alert alert-danger" role="alert" id="erp-document"' in page.text


def test_a_link_with_too_many_lines_is_refused(client_for, after_sales_user):
    query = [("doc_type", "delivery"), ("number", "X-1"), *[("line", f"P{n}|||1|ud") for n in range(51)]]
    page = client_for(after_sales_user).get("/claims/new/?" + urlencode(query))
    assert page.context["erp"].errors["__all__"] == ["A link may carry at most 50 lines."]
