"""The claims section of the reports: figures per month and dimension, time to close, ranking and cost, only over
visible claims."""

import datetime
import itertools
import re
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.partners.factories import PartnerFactory
from trato.claims import reports
from trato.claims.models import Category, Claim, Kind, OriginType, Repair, State
from trato.claims.subresources import origins_create
from trato.reports.periods import Period, default_period, month_label
from trato.reports.tables import Table

_numbers = itertools.count(1)
TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH = (THIS_MONTH - datetime.timedelta(days=1)).replace(day=1)
PERIOD = Period(start=LAST_MONTH, end=TODAY)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def make_claim(kind=Kind.CUSTOMER, *, partner=None, state=State.OPEN, received_on=THIS_MONTH, **fields) -> Claim:
    if partner is None and kind != Kind.INTERNAL:
        partner = PartnerFactory(is_customer=kind == Kind.CUSTOMER, is_supplier=kind == Kind.SUPPLIER)
    number = f"T-{next(_numbers):05d}"
    return Claim.objects.create(
        number=number, kind=kind, partner=partner, state=state, received_on=received_on, subject=number, **fields
    )


def closed_claim(kind=Kind.CUSTOMER, *, days_to_close: float, **fields) -> Claim:
    duration = datetime.timedelta(days=days_to_close)
    return make_claim(kind, state=State.CLOSED, closed_at=timezone.now(), time_to_close=duration, **fields)


def table(user, key: str, period=PERIOD, kind="", top=10) -> Table:
    return reports.TABLES[key](user, period, {"kind": kind}, top)


def column(figures: Table, header: str) -> dict:
    index = figures.headers.index(header)
    return {row[0]: row[index] for row in figures.rows}


# Who counts what ---------------------------------------------------------------------------------------------------


@pytest.fixture
def one_of_each(db, sales_user):
    mine = PartnerFactory(name="Cliente Propio", is_customer=True, salesperson=sales_user)
    other = PartnerFactory(name="Cliente Ajeno", is_customer=True)
    supplier = PartnerFactory(name="Proveedor Uno", is_customer=False, is_supplier=True)
    return {
        "mine": make_claim(Kind.CUSTOMER, partner=mine),
        "other": make_claim(Kind.CUSTOMER, partner=other),
        "supplier": make_claim(Kind.SUPPLIER, partner=supplier),
        "internal": make_claim(Kind.INTERNAL),
    }


def received_this_month(user) -> int:
    return column(table(user, "overview"), "Received")[month_label(THIS_MONTH)]


def test_a_purchasing_user_never_counts_customer_claims(one_of_each, purchasing_user):
    assert received_this_month(purchasing_user) == 1
    assert table(purchasing_user, "customer").rows == []
    assert column(table(purchasing_user, "supplier"), "Total") == {"Proveedor Uno": 1}


def test_a_sales_user_counts_only_the_claims_of_their_own_customers(one_of_each, sales_user):
    assert received_this_month(sales_user) == 1
    assert column(table(sales_user, "customer"), "Total") == {"Cliente Propio": 1}
    assert table(sales_user, "supplier").rows == []
    assert table(sales_user, "supplier_ranking").rows == []


def test_an_after_sales_user_counts_every_customer_claim_and_no_supplier_claim(one_of_each, after_sales_user):
    assert column(table(after_sales_user, "customer"), "Total") == {"Cliente Ajeno": 1, "Cliente Propio": 1}
    assert table(after_sales_user, "supplier_ranking").rows == []


def test_someone_without_a_role_gets_no_claims_section_and_no_figures(one_of_each, outsider, client_for):
    response = client_for(outsider).get(reverse("reports:index"))

    assert response.status_code == 200
    assert received_this_month(outsider) == 0
    assert response.context["reports"] == []
    assert "There are no reports for you yet." in response.content.decode()
    assert "Cliente Propio" not in response.content.decode()
    assert "Proveedor Uno" not in response.content.decode()


def test_someone_without_a_role_assigned_to_an_internal_claim_sees_only_that_claim(one_of_each, outsider, client_for):
    one_of_each["internal"].assignees.add(outsider)

    response = client_for(outsider).get(reverse("reports:index"))

    assert [report.section.key for report in response.context["reports"]] == ["claims"]
    assert received_this_month(outsider) == 1


def test_the_csv_of_the_claims_section_is_not_found_for_someone_without_a_role(one_of_each, outsider, client_for):
    response = client_for(outsider).get(reverse("reports:table_csv", args=["claims", "overview"]))

    assert response.status_code == 404


def test_the_later_tables_are_not_found_for_someone_without_a_role(one_of_each, outsider, client_for):
    response = client_for(outsider).get(reverse("reports:table", args=["claims", "customer"]))

    assert response.status_code == 404


def test_a_purchasing_user_asking_for_the_customer_table_finds_it_empty(one_of_each, purchasing_user, client_for):
    address = reverse("reports:table", args=["claims", "customer"])
    html = client_for(purchasing_user).get(address, headers={"HX-Request": "true"}).content.decode()

    assert "No claims in this period." in html
    assert "Cliente" not in html


def test_the_csv_of_a_purchasing_user_holds_no_customer(one_of_each, purchasing_user, client_for):
    response = client_for(purchasing_user).get(reverse("reports:table_csv", args=["claims", "customer"]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "Cliente" not in b"".join(response.streaming_content).decode("utf-8-sig")


# The figures -------------------------------------------------------------------------------------------------------


def test_claims_are_counted_per_category_and_month_with_open_and_closed(administrator):
    broken = Category.objects.create(kind=Kind.CUSTOMER, name="Producto defectuoso")
    late = Category.objects.create(kind=Kind.CUSTOMER, name="Retraso en la entrega")
    make_claim(category=broken, received_on=LAST_MONTH)
    make_claim(category=broken, state=State.CLOSED)
    make_claim(category=late)
    make_claim(category=None, state=State.DRAFT)

    figures = table(administrator, "category")

    this, last = month_label(THIS_MONTH), month_label(LAST_MONTH)
    assert figures.headers == ["Category", last, this, "Open", "Closed", "Total"]
    assert figures.rows[0] == ["Producto defectuoso", 1, 1, 1, 1, 2]
    assert ["Retraso en la entrega", 0, 1, 1, 0, 1] in figures.rows
    assert ["(none)", 0, 1, 1, 0, 1] in figures.rows


def test_a_claim_with_two_lines_of_the_same_product_counts_once_for_that_product(administrator):
    claim = make_claim()
    lines = [{"product_code": "BOMBA-50", "lot": "L1"}, {"product_code": "BOMBA-50", "lot": "L2"}]
    origins_create(
        claim=claim,
        origins=[
            {"doc_type": OriginType.DELIVERY, "number": "ALB-1", "lines": lines},
            {"doc_type": OriginType.INVOICE, "number": "FAC-1"},
        ],
    )

    assert column(table(administrator, "product"), "Total") == {"BOMBA-50": 1}
    assert column(table(administrator, "origin_type"), "Total") == {"Delivery": 1, "Invoice": 1}


def test_average_and_90th_percentile_of_time_to_close_in_days(administrator):
    for days in range(1, 11):
        closed_claim(days_to_close=days)
    make_claim(state=State.OPEN)

    rows = dict(table(administrator, "time_to_close").rows)

    assert rows["Claims closed"] == 10
    assert rows["Average time to close (days)"] == Decimal("5.5")
    assert rows["90th percentile of time to close (days)"] == Decimal("9.0")


def test_time_to_close_is_empty_rather_than_zero_when_nothing_closed(administrator):
    rows = dict(table(administrator, "time_to_close").rows)

    assert rows["Claims closed"] == 0
    assert rows["Average time to close (days)"] is None


def test_overdue_counts_open_and_draft_claims_past_their_deadline(administrator):
    yesterday = TODAY - datetime.timedelta(days=1)
    make_claim(state=State.OPEN, deadline=yesterday)
    make_claim(state=State.DRAFT, deadline=yesterday)
    make_claim(state=State.CLOSED, deadline=yesterday)
    make_claim(state=State.OPEN, deadline=TODAY + datetime.timedelta(days=3))

    assert dict(table(administrator, "time_to_close").rows)["Overdue now"] == 2


def test_suppliers_are_ranked_by_claims_with_their_share_and_cost(purchasing_manager):
    steel = PartnerFactory(name="Aceros Norte", is_customer=False, is_supplier=True)
    boxes = PartnerFactory(name="Embalajes Burgos", is_customer=False, is_supplier=True)
    first = make_claim(Kind.SUPPLIER, partner=steel, resolution_cost=Decimal("100.00"))
    Repair.objects.create(claim=first, reference="R-1", cost=Decimal("40.50"))
    Repair.objects.create(claim=first, reference="R-2", cost=Decimal("9.50"))
    make_claim(Kind.SUPPLIER, partner=steel, resolution_cost=Decimal("50.00"))
    make_claim(Kind.SUPPLIER, partner=steel)
    make_claim(Kind.SUPPLIER, partner=boxes)

    rows = table(purchasing_manager, "supplier_ranking").rows

    assert rows == [
        [1, "Aceros Norte", 3, Decimal("75.0"), Decimal("200.00")],
        [2, "Embalajes Burgos", 1, Decimal("25.0"), Decimal("0.00")],
    ]


def test_cost_adds_resolution_and_repairs_per_month(administrator):
    claim = make_claim(resolution_cost=Decimal("120.00"))
    Repair.objects.create(claim=claim, reference="R-1", cost=Decimal("30.00"))
    make_claim(received_on=LAST_MONTH, resolution_cost=Decimal("10.00"))

    figures = table(administrator, "cost")

    assert figures.rows == [
        [month_label(LAST_MONTH), Decimal("10.00"), Decimal("0.00"), Decimal("10.00")],
        [month_label(THIS_MONTH), Decimal("120.00"), Decimal("30.00"), Decimal("150.00")],
    ]
    assert figures.total == ["Total", Decimal("130.00"), Decimal("30.00"), Decimal("160.00")]


def test_the_kind_filter_keeps_only_that_kind(one_of_each, administrator):
    supplier_only = table(administrator, "overview", kind=Kind.SUPPLIER)

    assert column(supplier_only, "Received")[month_label(THIS_MONTH)] == 1


def test_claims_received_outside_the_range_are_not_counted(administrator):
    make_claim(received_on=LAST_MONTH - datetime.timedelta(days=40))

    assert sum(row[1] for row in table(administrator, "overview").rows) == 0


# The page ----------------------------------------------------------------------------------------------------------


def test_the_page_shows_the_tables_the_chart_data_and_no_inline_script(one_of_each, after_sales_user, client_for):
    response = client_for(after_sales_user).get(reverse("reports:index"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<script id="report-charts" type="application/json">' in html
    assert 'data-chart="claims.overview"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "trato/reports.js" in html
    assert_no_inline_script(html)


def test_the_rankings_load_after_the_page_from_their_own_address(one_of_each, after_sales_user, client_for):
    client = client_for(after_sales_user)
    html = client.get(reverse("reports:index")).content.decode()

    address = reverse("reports:table", args=["claims", "customer"])
    assert f'hx-get="{address}" hx-trigger="load"' in html
    assert f'<a href="{address}">Open it on a page of its own</a>' in html
    assert "Cliente Propio" not in html
    part = client.get(address, headers={"HX-Request": "true"}).content.decode()
    assert "Cliente Propio" in part
    assert '<script id="report-charts-claims-customer" type="application/json">' in part
    assert "<html" not in part
    assert_no_inline_script(part)
    page = client.get(address).content.decode()
    assert "<html" in page and "Cliente Propio" in page and "trato/reports.js" in page


def assert_no_inline_script(html: str) -> None:
    scripts = [tag for tag in html.split("<script")[1:] if "src=" not in tag.split(">")[0]]
    assert all('type="application/json"' in tag.split(">")[0] for tag in scripts)


def test_the_chart_library_and_script_are_served_as_static_files():
    assert finders.find("vendor/chartjs/chart.umd.min.js")
    assert finders.find("trato/reports.js")


def test_a_date_range_filter_narrows_the_report(administrator, client_for):
    make_claim(received_on=LAST_MONTH)
    make_claim(received_on=THIS_MONTH)
    month = THIS_MONTH.strftime("%Y-%m")
    query = {"start": month, "end": month, "claims-kind": ""}

    response = client_for(administrator).get(reverse("reports:table_csv", args=["claims", "overview"]), query)

    lines = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert lines == ["Month,Received,Closed", f"{month_label(THIS_MONTH)},1,0", "Total,1,0"]


@pytest.mark.parametrize(
    "query",
    [
        {"start": "2026-05", "end": "2026-01"},
        {"start": "not a month", "end": "2026-01"},
        {"start": "2000-01", "end": "2026-01"},
        {"start": "2026-01", "end": "2026-02", "claims-kind": "nonsense"},
    ],
)
def test_a_bad_filter_shows_an_error_and_the_default_period(administrator, client_for, query):
    response = client_for(administrator).get(reverse("reports:index"), query)

    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert response.context["period"] == default_period()


def test_a_filter_with_a_nul_character_is_refused_before_the_report_runs(administrator, client_for):
    query = {"start": "2026-01", "end": "2026-02", "claims-kind": "customer\x00"}
    assert client_for(administrator).get(reverse("reports:index"), query).status_code == 400


def test_an_unknown_table_cannot_be_downloaded(administrator, client_for):
    assert client_for(administrator).get(reverse("reports:table_csv", args=["claims", "secrets"])).status_code == 404


def later_addresses(html: str) -> list[str]:
    return [address.replace("&amp;", "&") for address in re.findall(r'hx-get="([^"]+)"', html)]


def queries_of(client, address: str, **headers) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address, **headers)
    return len(captured.captured_queries), response.content.decode()


def test_the_page_and_each_later_table_run_the_same_number_of_queries_whatever_the_number_of_claims(
    administrator, client_for
):
    client = client_for(administrator)
    closed_claim(days_to_close=2, resolution_cost=Decimal("1.00"))
    few = {address: queries_of(client, address)[0] for address in [reverse("reports:index")]}
    few.update(
        {
            address: queries_of(client, address)[0]
            for address in later_addresses(client.get("/reports/").content.decode())
        }
    )
    for index in range(15):
        kind = [Kind.CUSTOMER, Kind.SUPPLIER, Kind.INTERNAL][index % 3]
        category = Category.objects.create(kind=kind, name=f"Categoría {index}")
        claim = closed_claim(kind, days_to_close=index + 1, category=category, resolution_cost=Decimal("5.00"))
        receipt = {
            "doc_type": OriginType.GOODS_RECEIPT,
            "number": f"AR-{index}",
            "lines": [{"product_code": f"P-{index}"}],
        }
        origins_create(claim=claim, origins=[receipt])
        Repair.objects.create(claim=claim, reference=f"R-{index}", cost=Decimal("2.00"))

    many = {address: queries_of(client, address) for address in few}

    assert len(few) == 7  # the page and its six rankings
    assert {address: count for address, (count, _) in many.items()} == few
    assert "Categoría 14" in many[reverse("reports:table", args=["claims", "category"])][1]
