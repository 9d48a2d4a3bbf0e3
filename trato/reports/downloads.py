"""A report table as a streamed CSV download, safe to open in a spreadsheet.

A long table's rows come from the database a chunk at a time while the file is written (``Table.stream``), so a
download of any length holds one chunk in memory. Its query runs, and its first row is read, before the response
starts: a failing query is an ordinary error page, not a truncated file. Numbers stay plain ("1234.50"): amounts
name their currency in the column header instead. Text cells that could run as formulas are neutralised as in
core.export.
"""

import csv
import datetime
from collections.abc import Iterator
from itertools import islice
from typing import Any

from django.http import StreamingHttpResponse

from trato.core.export import CONTENT_TYPES, content_disposition, neutralise
from trato.reports.tables import Table

BOM = "\ufeff"  # Excel otherwise reads UTF-8 as the local ANSI code page
ROWS_PER_WRITE = 500  # rows sent to the client at a time: few, large writes


class _Line:
    """A file-like object whose write() returns the line, so csv.writer can feed a generator."""

    def write(self, text: str) -> str:
        return text


def _cell(value: Any) -> Any:
    value = neutralise(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return value


def csv_lines(table: Table) -> Iterator[str]:
    """The file, line by line (rows a batch at a time). Its query runs when the first line is asked for."""
    return _lines(table.csv_headers(), iter(table.csv_rows()))


def _lines(headers: list[str], rows: Iterator[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Line(), lineterminator="\r\n")
    try:
        yield BOM + writer.writerow([_cell(header) for header in headers])
        while batch := list(islice(rows, ROWS_PER_WRITE)):
            yield "".join(writer.writerow([_cell(value) for value in row]) for row in batch)
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()  # a download cut short closes the database cursor at once


def _after(first: list[Any], rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    try:
        yield first
        yield from rows
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()


def csv_response(table: Table, filename: str) -> StreamingHttpResponse:
    name = filename if filename.endswith(".csv") else f"{filename}.csv"
    rows = iter(table.csv_rows())
    first = next(rows, None)  # runs the query now: a failure is an error page, not half a file
    lines = _lines(table.csv_headers(), rows if first is None else _after(first, rows))
    response = StreamingHttpResponse((line.encode() for line in lines), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
