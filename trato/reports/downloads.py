"""A report table as a streamed CSV download, safe to open in a spreadsheet.

The table is built (its queries run) before the response starts, so a database error is an ordinary error page and
not a truncated file; only the writing of rows is streamed. Numbers stay plain ("1234.50"): amounts name their
currency in the column header instead. Text cells that could run as formulas are neutralised as in core.export.
"""

import csv
import datetime
from collections.abc import Iterator
from typing import Any

from django.http import StreamingHttpResponse

from trato.core.export import CONTENT_TYPES, content_disposition, neutralise
from trato.reports.tables import Table

BOM = "\ufeff"  # Excel otherwise reads UTF-8 as the local ANSI code page


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
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield BOM + writer.writerow([_cell(header) for header in table.csv_headers()])
    for row in table.rows:
        yield writer.writerow([_cell(value) for value in row])


def csv_response(table: Table, filename: str) -> StreamingHttpResponse:
    name = filename if filename.endswith(".csv") else f"{filename}.csv"
    response = StreamingHttpResponse((line.encode() for line in csv_lines(table)), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
