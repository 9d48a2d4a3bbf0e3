"""A report's figures as plain rows with typed columns: what the page shows, the chart draws and the CSV holds.

Rows keep raw values (int, Decimal, text, None); the column's type decides how a value is written for people
(``display_rows``) and for spreadsheets (``csv_headers``: amounts say their currency in the header).
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from trato.reports import formatting


class ColumnType(enum.StrEnum):
    TEXT = "text"
    COUNT = "count"
    AMOUNT = "amount"  # with a currency
    DAYS = "days"
    PERCENT = "percent"


@dataclass(frozen=True)
class Column:
    title: str | Promise
    type: ColumnType = ColumnType.TEXT
    currency: str = ""  # amounts only: an ISO 4217 code; empty means settings.TRATO_CURRENCY

    @property
    def is_number(self) -> bool:
        return self.type != ColumnType.TEXT

    def csv_header(self) -> str:
        if self.type == ColumnType.AMOUNT:
            return f"{self.title} ({self.currency or formatting.default_currency()})"
        return str(self.title)


@dataclass(frozen=True)
class Cell:
    text: str
    is_number: bool


@dataclass(frozen=True)
class Chart:
    """What trato/reports.js hands to Chart.js: one dataset per series, a value per label."""

    type: str  # "bar" or "line"
    labels: list[str]
    datasets: list[dict[str, Any]]  # {"label": str, "data": [numbers]}
    stacked: bool = False
    horizontal: bool = False

    def as_json(self) -> dict[str, Any]:
        datasets = [{**d, "data": [_plain_number(v) for v in d["data"]]} for d in self.datasets]
        return {
            "type": self.type,
            "labels": [str(label) for label in self.labels],
            "datasets": [{**d, "label": str(d["label"])} for d in datasets],
            "stacked": self.stacked,
            "horizontal": self.horizontal,
        }


def _plain_number(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value  # JSON has no decimals; Chart.js wants numbers


EMPTY_MESSAGE = gettext_lazy("Nothing to show in this period.")


@dataclass
class Table:
    key: str
    title: str | Promise
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    chart: Chart | None = None
    # A table of single figures (label, value) whose values differ in type: the type of each row's value.
    value_types: Sequence[ColumnType] = ()
    empty_message: str | Promise = EMPTY_MESSAGE

    @property
    def headers(self) -> list[str]:
        return [str(column.title) for column in self.columns]

    def csv_headers(self) -> list[str]:
        return [column.csv_header() for column in self.columns]

    def display_rows(self) -> list[list[Cell]]:
        return [self._display_row(index, row) for index, row in enumerate(self.rows)]

    def _display_row(self, index: int, row: list[Any]) -> list[Cell]:
        cells = []
        for position, (column, value) in enumerate(zip(self.columns, row, strict=True)):
            if self.value_types and position > 0:
                column = Column(column.title, self.value_types[index], column.currency)
            cells.append(Cell(display(value, column), column.is_number))
        return cells


def display(value: Any, column: Column) -> str:
    """One value as the reader should see it; a missing figure is a dash, not a zero."""
    if value is None:
        return "—"
    if column.type == ColumnType.TEXT or isinstance(value, str):
        return str(value)
    if column.type == ColumnType.AMOUNT:
        return formatting.format_amount(value, column.currency)
    if column.type == ColumnType.DAYS:
        return formatting.format_days(value)
    if column.type == ColumnType.PERCENT:
        return formatting.format_percent(value)
    return formatting.format_count(value)
