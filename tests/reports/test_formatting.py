"""Figures as people read them, in their language: amounts with currency, counts, days and percentages."""

from decimal import Decimal

import pytest
from django.utils import translation

from trato.reports.formatting import format_amount, format_count, format_days, format_percent
from trato.reports.tables import Cell, Column, ColumnType, Table

NBSP = "\u00a0"


@pytest.mark.parametrize(
    "language, amount, currency, expected",
    [
        ("es", Decimal("1234.5"), "EUR", f"1.234,50{NBSP}€"),
        ("en", Decimal("1234.5"), "EUR", "€1,234.50"),
        ("es", Decimal("-1234567.891"), "EUR", f"-1.234.567,89{NBSP}€"),
        ("en", Decimal("-1234567.891"), "EUR", "-€1,234,567.89"),
        ("es", Decimal("0"), "USD", f"0,00{NBSP}$"),
        ("en", Decimal("12"), "GBP", "£12.00"),
        ("en", Decimal("2.675"), "EUR", "€2.68"),
        ("en", 2.675, "EUR", "€2.68"),
        ("es", Decimal("1234.5"), "CHF", f"1.234,50{NBSP}CHF"),
        ("en", Decimal("1234.5"), "CHF", f"CHF{NBSP}1,234.50"),
    ],
)
def test_an_amount_has_two_decimals_grouping_and_its_currency_where_the_language_puts_it(
    language, amount, currency, expected
):
    with translation.override(language):
        assert format_amount(amount, currency) == expected


def test_an_amount_without_currency_is_in_the_configured_one(settings):
    settings.TRATO_CURRENCY = "USD"

    with translation.override("en"):
        assert format_amount(Decimal("5")) == "$5.00"


@pytest.mark.parametrize(
    "language, count, days, percent",
    [("es", "12.345", "5,5", f"75,0{NBSP}%"), ("en", "12,345", "5.5", "75.0%")],
)
def test_counts_days_and_percentages_follow_the_language(language, count, days, percent):
    with translation.override(language):
        assert format_count(12345) == count
        assert format_days(Decimal("5.5")) == days
        assert format_percent(Decimal("75")) == percent


def test_a_table_writes_each_column_by_its_type_and_a_missing_figure_as_a_dash():
    table = Table(
        "t",
        "T",
        [Column("Who"), Column("Claims", ColumnType.COUNT), Column("Share", ColumnType.PERCENT),
         Column("Days", ColumnType.DAYS), Column("Cost", ColumnType.AMOUNT, "EUR")],
        [["Aceros", 1200, Decimal("12.5"), None, Decimal("99.9")], ["Total", 1200, Decimal("100"), Decimal("3"), None]],
    )  # fmt: skip

    with translation.override("es"):
        rows = table.display_rows()

    assert [[cell.text for cell in row] for row in rows] == [
        ["Aceros", "1.200", f"12,5{NBSP}%", "—", f"99,90{NBSP}€"],
        ["Total", "1.200", f"100,0{NBSP}%", "3,0", "—"],
    ]
    assert [cell.is_number for cell in rows[0]] == [False, True, True, True, True]


def test_a_table_of_single_figures_writes_each_value_by_its_row_type():
    table = Table(
        "summary",
        "Summary",
        [Column("Figure"), Column("Value", ColumnType.COUNT)],
        [["Closed", 1500], ["Average (days)", Decimal("5.25")]],
        value_types=(ColumnType.COUNT, ColumnType.DAYS),
    )

    with translation.override("en"):
        assert table.display_rows() == [
            [Cell("Closed", False), Cell("1,500", True)],
            [Cell("Average (days)", False), Cell("5.3", True)],
        ]


def test_an_amount_column_names_its_currency_in_the_csv_header(settings):
    settings.TRATO_CURRENCY = "EUR"
    table = Table(
        "t", "T", [Column("Month"), Column("Cost", ColumnType.AMOUNT), Column("Fee", ColumnType.AMOUNT, "USD")]
    )

    assert table.csv_headers() == ["Month", "Cost (EUR)", "Fee (USD)"]
