"""A report table as a CSV download: streamed, plain numbers, safe to open in a spreadsheet."""

from decimal import Decimal

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from trato.accounts.roles import Role, has_role
from trato.reports import registry
from trato.reports.downloads import csv_response
from trato.reports.periods import default_period
from trato.reports.tables import Column, ColumnType, Table

TABLE = Table(
    "partners",
    "Partners",
    [Column("Partner"), Column("Claims", ColumnType.COUNT), Column("Cost", ColumnType.AMOUNT, "EUR"),
     Column("Share", ColumnType.PERCENT)],
    [
        ["=HYPERLINK(\"http://evil.example\")", 1200, Decimal("1234.50"), Decimal("75.0")],
        ["+34 600 000 000", 3, Decimal("-5.00"), None],
        ["-1+1", 0, Decimal("0.00"), Decimal("0.0")],
        ["@SUM(A1)", 1, None, Decimal("25.0")],
        ["  =1+1", 1, Decimal("1"), Decimal("0")],
        ["Aceros, S.A.", 1, Decimal("1"), Decimal("0")],
    ],
)  # fmt: skip


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_the_csv_is_streamed_with_a_bom_and_an_attachment_name():
    response = csv_response(TABLE, "informe-partners")

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"informe-partners.csv\"; filename*=UTF-8''informe-partners.csv"
    )
    assert body(response).startswith("\ufeffPartner,Claims,Cost (EUR),Share\r\n")


def test_text_that_could_run_as_a_formula_is_neutralised_and_numbers_stay_plain():
    with translation.override("es"):  # the reader's language does not change the numbers in the file
        lines = body(csv_response(TABLE, "x")).lstrip("\ufeff").splitlines()

    assert lines[1:] == [
        '"\'=HYPERLINK(""http://evil.example"")",1200,1234.50,75.0',
        "'+34 600 000 000,3,-5.00,",
        "'-1+1,0,0.00,0.0",
        "'@SUM(A1),1,,25.0",
        "'  =1+1,1,1,0",
        '"Aceros, S.A.",1,1,0',
    ]


@pytest.fixture
def partners_section():
    section = registry.Section(
        key="partners",
        title="Socios comerciales",
        may_see=lambda user: has_role(user, Role.ADMINISTRATOR),
        tables={"partners": lambda user, period, filters, top: TABLE},
    )
    registry.register(section)
    yield section
    registry.unregister("partners")


def test_a_registered_table_downloads_under_its_section_and_period(partners_section, administrator, client_for):
    response = client_for(administrator).get(reverse("reports:table_csv", args=["partners", "partners"]))

    period = default_period()
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="socios-comerciales-partners-{period.start}-{period.end}.csv"'
    )
    assert body(response).count("\r\n") == 7


def test_the_download_runs_its_queries_before_streaming_starts(partners_section, administrator, client_for):
    """So that a failing query is an error page, not half a file: nothing touches the database while streaming."""
    response = client_for(administrator).get(reverse("reports:table_csv", args=["partners", "partners"]))

    with CaptureQueriesContext(connection) as streaming:
        body(response)
    assert streaming.captured_queries == []
