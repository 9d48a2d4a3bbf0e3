"""Spreadsheet downloads (CSV and XLSX) that are safe to open in Excel or LibreOffice.

Pure: the caller fetches the rows (through visible_to) and passes plain values; this module only writes them.
"""

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

EXPORT_FORMATS = ("csv", "xlsx")

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_CELL_CHARS = 32767  # Excel refuses to open a file with a longer cell
PASS_THROUGH = (int, float, Decimal, datetime.date, datetime.time)  # bool is an int
# What a cell holds once neutralised: text, or a value spreadsheets show as itself.
Cell = str | int | float | Decimal | datetime.date | datetime.time


def neutralise(value: object) -> Cell:
    """Stop a text cell from running as a formula (CSV/formula injection): prefix it with an apostrophe.

    Numbers, dates and times pass unchanged; None becomes "". Other objects (lazy translations, models) become text.
    """
    if value is None:
        return ""
    if isinstance(value, PASS_THROUGH):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) or text.lstrip().startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _local_naive(value: datetime.datetime) -> datetime.datetime:
    """Spreadsheets have no time zones: show the time as the reader's clock showed it."""
    if timezone.is_aware(value):
        return timezone.make_naive(value, timezone.get_current_timezone())
    return value


def _csv_cell(value: object) -> Cell:
    value = neutralise(value)
    if isinstance(value, datetime.datetime):
        return _local_naive(value).isoformat(sep=" ", timespec="minutes")
    return value


def _xlsx_value(value: object) -> Cell | None:
    value = neutralise(value)
    if isinstance(value, datetime.datetime):
        return _local_naive(value)
    if isinstance(value, datetime.time) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        # Control characters make openpyxl raise; overlong cells make Excel call the file corrupt.
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_MAX_CELL_CHARS] or None
    return value


def _csv_bytes(headers: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([_csv_cell(header) for header in headers])
    writer.writerows([_csv_cell(value) for value in row] for row in rows)
    return "\ufeff".encode() + buffer.getvalue().encode()  # BOM: Excel otherwise reads UTF-8 as ANSI


def _xlsx_bytes(headers: Sequence[object], rows: Iterable[Sequence[object]], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title)
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet)
        cell.value = _xlsx_value(header)  # set apart: the stubs' WriteOnlyCell() takes fewer types than Cell.value
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _ascii_name(name: str) -> str:
    """The filename for old clients: accents dropped, anything that could break the header replaced."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("._") or "export"


def _safe_name(filename: str, fmt: str) -> str:
    name = " ".join(re.sub(r'[\x00-\x1f\x7f/\\"]+', " ", filename).split()).strip(" .") or "export"
    return name if name.lower().endswith(f".{fmt}") else f"{name}.{fmt}"


def content_disposition(filename: str) -> str:
    """An attachment header with an ASCII fallback and the real name as RFC 6266 filename*."""
    return f"attachment; filename=\"{_ascii_name(filename)}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _sheet_title(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0]
    return re.sub(r"[\[\]:*?/\\']+", " ", stem).strip()[:31] or "Export"  # Excel's limits on sheet names


def export_response(
    *, filename: str, headers: Sequence[object], rows: Iterable[Sequence[object]], fmt: str
) -> HttpResponse:
    """A download of headers + rows as CSV or XLSX; `filename` may omit the extension. Unknown fmt: ValueError."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}; expected one of {EXPORT_FORMATS}")
    name = _safe_name(filename, fmt)
    body = _csv_bytes(headers, rows) if fmt == "csv" else _xlsx_bytes(headers, rows, _sheet_title(name))
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
