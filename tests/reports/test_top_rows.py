"""Long report tables on the page: their first rows, one "Others (k)" row summing the rest, the total; the download
has every row. Expectations are worked out here, in Python, from the claims the factories made."""

import datetime
import itertools
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tests.partners.factories import PartnerFactory
from trato.claims import reports
from trato.claims.models import Claim, Kind, OriginType, Repair, State
from trato.claims.subresources import origins_create
from trato.reports import ranking
from trato.reports.periods import Period, month_label
from trato.reports.tables import others_label

_numbers = itertools.count(1)
TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)
LAST_MONTH = (THIS_MONTH - datetime.timedelta(days=1)).replace(day=1)
PERIOD = Period(start=LAST_MONTH, end=TODAY)
MONTHS = [LAST_MONTH, THIS_MONTH]
STATES = [State.OPEN, State.CLOSED, State.DRAFT, State.CLOSED]
# Claims per customer: ties (5, 5 and the ones) are ranked in the order the customers were created.
CLAIMS_PER_CUSTOMER = [2, 5, 6, 1, 5, 3, 1, 2, 4, 1, 2, 1, 3]


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def claim(kind, partner, *, state=State.OPEN, received_on=THIS_MONTH, **fields) -> Claim:
    number = f"N-{next(_numbers):05d}"
    return Claim.objects.create(
        number=number, kind=kind, partner=partner, state=state, received_on=received_on, subject=number, **fields
    )


def customers_with_claims(count_per_customer, salesperson=None) -> list:
    customers = []
    for index, count in enumerate(count_per_customer, start=1):
        customer = PartnerFactory(name=f"Cliente {index:02d}", is_customer=True, salesperson=salesperson)
        for number in range(count):
            claim(Kind.CUSTOMER, customer, state=STATES[number % 4], received_on=MONTHS[number % 2])
        customers.append(customer)
    return customers


def expected_customer_rows(claims) -> list[list]:
    """[name, last month, this month, open, closed, total] per customer, ranked by total, ties in the order the
    customers were created (by key)."""
    figures: dict[tuple[int, str], list] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for each in claims:
        row = figures[each.partner.pk, each.partner.name]
        row[MONTHS.index(each.received_on.replace(day=1))] += 1
        row[2] += each.state in (State.OPEN, State.DRAFT)
        row[3] += each.state == State.CLOSED
        row[4] += 1
    ranked = sorted(figures.items(), key=lambda item: (-item[1][4], item[0][0]))
    return [[name, *row] for (_, name), row in ranked]


def summed(label, rows) -> list:
    return [label, *(sum(row[i] for row in rows) for i in range(1, 6))]


def customer_table(user, top):
    return reports.TABLES["customer"](user, PERIOD, {"kind": ""}, top)


def test_the_page_shows_the_first_rows_and_sums_the_others_and_the_total(administrator):
    customers_with_claims(CLAIMS_PER_CUSTOMER)
    expected = expected_customer_rows(Claim.objects.select_related("partner"))

    figures = customer_table(administrator, top=4)

    assert figures.headers == ["Customer", month_label(LAST_MONTH), month_label(THIS_MONTH), "Open", "Closed", "Total"]
    assert figures.rows == expected[:4]
    assert [row[0] for row in figures.rows] == ["Cliente 03", "Cliente 02", "Cliente 05", "Cliente 09"]
    assert figures.others == summed("Others (9)", expected[4:])
    assert figures.total == summed("Total", expected)
    assert figures.total[5] == sum(CLAIMS_PER_CUSTOMER)


def test_a_short_table_has_no_others_row(administrator):
    customers_with_claims([2, 1])

    figures = customer_table(administrator, top=10)

    assert [row[0] for row in figures.rows] == ["Cliente 01", "Cliente 02"]
    assert figures.others is None
    assert figures.total == ["Total", 2, 1, 2, 1, 3]


def test_the_others_and_the_total_count_only_the_claims_the_reader_may_see(sales_user):
    customers_with_claims([4, 2, 1], salesperson=sales_user)
    customers_with_claims([9, 8, 7])  # another salesperson's customers (also named Cliente 01…03)
    mine = expected_customer_rows(Claim.objects.filter(partner__salesperson=sales_user).select_related("partner"))

    figures = customer_table(sales_user, top=1)

    assert figures.rows == mine[:1]
    assert figures.others == summed("Others (2)", mine[1:])
    assert figures.total[5] == 7


def test_a_claim_with_several_products_counts_once_under_each_and_its_lines_once(administrator):
    customer = PartnerFactory(is_customer=True)
    two_products = claim(Kind.CUSTOMER, customer)
    lines = [{"product_code": code} for code in ("BOMBA-50", "BOMBA-50", "VALVULA-8")]
    origins_create(claim=two_products, origins=[{"doc_type": OriginType.DELIVERY, "number": "ALB-1", "lines": lines}])
    on_two_documents = claim(Kind.CUSTOMER, customer, state=State.CLOSED)
    for doc_type, number in ((OriginType.DELIVERY, "ALB-2"), (OriginType.INVOICE, "FAC-2")):
        document = {"doc_type": doc_type, "number": number, "lines": [{"product_code": "BOMBA-50"}]}
        origins_create(claim=on_two_documents, origins=[document])
    third = claim(Kind.CUSTOMER, customer)
    order = {"doc_type": OriginType.SALES_ORDER, "number": "P-3", "lines": [{"product_code": "JUNTA-2"}]}
    origins_create(claim=third, origins=[order])

    products = reports.TABLES["product"](administrator, PERIOD, {}, 1)

    assert products.rows == [["BOMBA-50", 0, 2, 1, 1, 2]]
    assert products.others == ["Others (2)", 0, 2, 2, 0, 2]  # VALVULA-8 and JUNTA-2, one claim each
    assert products.total == ["Total", 0, 4, 3, 1, 4]  # a claim under two products counts in both
    assert "counts once under each" in str(products.note)


def test_the_supplier_ranking_sums_counts_and_costs_and_works_the_share_of_the_others_out_again(purchasing_manager):
    suppliers = [PartnerFactory(name=f"Proveedor {n}", is_customer=False, is_supplier=True) for n in "ABCD"]
    first = claim(Kind.SUPPLIER, suppliers[0], resolution_cost=Decimal("100.00"))
    Repair.objects.create(claim=first, reference="R-1", cost=Decimal("40.50"))
    Repair.objects.create(claim=first, reference="R-2", cost=Decimal("9.50"))
    claim(Kind.SUPPLIER, suppliers[0])
    claim(Kind.SUPPLIER, suppliers[0], resolution_cost=Decimal("0.25"))
    claim(Kind.SUPPLIER, suppliers[1], resolution_cost=Decimal("10.00"))
    claim(Kind.SUPPLIER, suppliers[2])
    third = claim(Kind.SUPPLIER, suppliers[3], resolution_cost=Decimal("1.10"))
    Repair.objects.create(claim=third, reference="R-3", cost=Decimal("2.20"))

    figures = reports.TABLES["supplier_ranking"](purchasing_manager, PERIOD, {}, 1)

    assert figures.rows == [[1, "Proveedor A", 3, Decimal("50.0"), Decimal("150.25")]]
    # Three suppliers of one claim each: 3 of 6 is 50.0 %, not three times 16.7 %; no rank for a sum of suppliers.
    assert figures.others == ["", "Others (3)", 3, Decimal("50.0"), Decimal("13.30")]
    assert figures.total == ["", "Total", 6, Decimal("100.0"), Decimal("163.55")]
    assert figures.chart.labels == ["Proveedor A"]


def csv_lines(response) -> list[str]:
    return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()


def test_the_download_has_every_row_in_the_order_of_the_page_then_the_total(administrator, client_for, monkeypatch):
    customers_with_claims(CLAIMS_PER_CUSTOMER)
    expected = expected_customer_rows(Claim.objects.select_related("partner"))
    monkeypatch.setattr(ranking, "CHUNK_SIZE", 2)  # cells read two at a time: a customer's cells span chunks

    address = reverse("reports:table_csv", args=["claims", "customer"])
    response = client_for(administrator).get(address, {"start": f"{LAST_MONTH:%Y-%m}", "end": f"{THIS_MONTH:%Y-%m}"})

    assert response.streaming
    lines = csv_lines(response)
    assert lines[0] == f"Customer,{month_label(LAST_MONTH)},{month_label(THIS_MONTH)},Open,Closed,Total"
    assert lines[1:] == [",".join(map(str, row)) for row in [*expected, summed("Total", expected)]]
    assert not any(line.startswith("Others") for line in lines)


def test_the_supplier_ranking_download_ranks_every_supplier_with_plain_numbers(purchasing_manager, client_for):
    for name, costs in (("Proveedor B", ["1234.50", "1.00"]), ("Proveedor A", ["2.00"]), ("Proveedor C", ["0.10"])):
        supplier = PartnerFactory(name=name, is_customer=False, is_supplier=True)
        for cost in costs:
            claim(Kind.SUPPLIER, supplier, resolution_cost=Decimal(cost))

    with translation.override("es"):
        response = client_for(purchasing_manager).get(reverse("reports:table_csv", args=["claims", "supplier_ranking"]))

    assert csv_lines(response)[1:] == [
        "1,Proveedor B,2,50.0,1235.50",
        "2,Proveedor A,1,25.0,2.00",
        "3,Proveedor C,1,25.0,0.10",
        ",Total,4,100.0,1237.60",
    ]


READERS = {
    "es": [
        "Descargar la tabla completa (CSV)",
        '<td class="text-end">3.703,50\u00a0€</td>',  # 3 × 1.234,50 for the first supplier
        '<th scope="row" class="text-end"></th><td>Otros (2)</td><td class="text-end">2</td>',
        '<td class="text-end">14,3\u00a0%</td><td class="text-end">2,00\u00a0€</td>',  # 2 of 14
        '<td>Total</td><td class="text-end">14</td><td class="text-end">100,0\u00a0%</td>',
        '<td class="text-end">3.714,50\u00a0€</td>',
    ],
    "en": [
        "Download the whole table (CSV)",
        '<td class="text-end">€3,703.50</td>',
        '<th scope="row" class="text-end"></th><td>Others (2)</td><td class="text-end">2</td>',
        '<td class="text-end">14.3%</td><td class="text-end">€2.00</td>',
        '<td>Total</td><td class="text-end">14</td><td class="text-end">100.0%</td>',
        '<td class="text-end">€3,714.50</td>',
    ],
}


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_others_and_the_total_are_written_in_the_readers_language(purchasing_manager, client_for, language):
    first = PartnerFactory(name="Proveedor 00", is_customer=False, is_supplier=True)
    for _ in range(3):
        claim(Kind.SUPPLIER, first, resolution_cost=Decimal("1234.50"))
    for index in range(1, 12):  # eleven more of one claim each: nine shown, two in Others
        supplier = PartnerFactory(name=f"Proveedor {index:02d}", is_customer=False, is_supplier=True)
        claim(Kind.SUPPLIER, supplier, resolution_cost=Decimal("1.00"))
    purchasing_manager.language = language
    purchasing_manager.save(update_fields=["language"])
    address = reverse("reports:table", args=["claims", "supplier_ranking"])

    html = client_for(purchasing_manager).get(address).content.decode()

    for expected in READERS[language]:
        assert expected in html


def test_the_others_label_writes_its_count_in_the_readers_language():
    assert others_label(1234) == "Others (1,234)"
    with translation.override("es"):
        assert others_label(1234) == "Otros (1.234)"


def page_queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured.captured_queries)


def test_the_page_and_the_customer_table_run_as_many_queries_for_3_customers_as_for_30(administrator, client_for):
    client = client_for(administrator)
    customer_part = reverse("reports:table", args=["claims", "customer"])
    customers_with_claims([1, 2, 3])
    few = page_queries(client, reverse("reports:index")), page_queries(client, customer_part)

    customers_with_claims([1, 2, 3] * 9)

    assert (page_queries(client, reverse("reports:index")), page_queries(client, customer_part)) == few
    html = client.get(customer_part).content.decode()
    assert len(re.findall(r"<th scope=\"row\">Cliente \d\d</th>", html)) == 10
    assert "Others (20)" in html


def test_the_download_runs_its_query_before_the_response_starts_and_reads_the_rest_while_streaming(
    administrator, client_for, monkeypatch
):
    """So that a failing query is an error page, not half a file; the rows themselves come a chunk at a time."""
    customers_with_claims(CLAIMS_PER_CUSTOMER)
    monkeypatch.setattr(ranking, "CHUNK_SIZE", 2)
    address = reverse("reports:table_csv", args=["claims", "customer"])

    with CaptureQueriesContext(connection) as before:
        response = client_for(administrator).get(address)
    lines = csv_lines(response)

    assert any('WITH "cells"' in query["sql"] for query in before.captured_queries)
    assert len(lines) == 1 + len(CLAIMS_PER_CUSTOMER) + 1
