"""A report's figures as plain rows with typed columns: what the page shows, the chart draws and the CSV holds.

Rows keep raw values (int, Decimal, text, None); the column's type decides how a value is written for people
(``display_rows``) and for spreadsheets (``csv_headers``: amounts say their currency in the header).

A long table is built twice over: for the page, its first rows (``TOP_ROWS`` unless the section says otherwise), one
"Others (k)" row standing for the rest and the total; for the download, every row, streamed from the database while
the CSV is written (``stream``), then the total.
"""

import enum
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from trato.reports import formatting

TOP_ROWS = 10  # rows of a long table shown on the page; a section may choose another number


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


def others_label(count: int) -> str:
    """The label of the row standing for the ``count`` rows not shown: "Others (4,990)"."""
    return gettext("Others (%(count)s)") % {"count": formatting.format_count(count)}


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
    others: list[Any] | None = None  # one row standing for the rows not shown (counts and amounts summed)
    total: list[Any] | None = None  # the total of every row, shown and not, written last
    note: str | Promise = ""  # how to read the figures, under the table
    # Every row for the download, read from the database in chunks while the CSV is written; None: ``rows`` are all.
    stream: Callable[[], Iterator[list[Any]]] | None = None

    @property
    def headers(self) -> list[str]:
        return [str(column.title) for column in self.columns]

    @property
    def is_empty(self) -> bool:
        return not self.rows and not self.others

    def csv_headers(self) -> list[str]:
        return [column.csv_header() for column in self.columns]

    def csv_rows(self) -> Iterable[list[Any]]:
        """Every row then the total: what the download holds (no "Others": every row is there)."""
        rows: Iterable[list[Any]] = self.stream() if self.stream is not None else self.rows
        yield from rows
        if self.total is not None:
            yield self.total

    def display_rows(self) -> list[list[Cell]]:
        return [self._display_row(index, row) for index, row in enumerate(self.rows)]

    def display_others(self) -> list[Cell] | None:
        return self._display_row(len(self.rows), self.others) if self.others is not None else None

    def display_total(self) -> list[Cell] | None:
        return self._display_row(len(self.rows), self.total) if self.total is not None else None

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
