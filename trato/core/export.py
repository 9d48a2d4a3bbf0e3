"""Spreadsheet downloads (CSV and XLSX) that are safe to open in Excel or LibreOffice, in bounded memory.

Pure: the caller fetches the rows (through visible_to) and passes plain values, as an iterable it may read lazily
(e.g. a queryset read in chunks); this module only writes them. A CSV is streamed while the rows are read, so a
download of any size holds a batch of rows at a time; an XLSX is written row by row into a temporary file (a zip has
to be finished before it is sent), then streamed from it and the file removed.
"""

import csv
import datetime
import io
import re
import tempfile
import unicodedata
from collections.abc import Generator, Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import islice
from typing import IO, TypeVar
from urllib.parse import quote

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
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
_FORMULA_FIRST = frozenset(FORMULA_PREFIXES)
# The first characters that make a text cell worth a closer look: a formula prefix, or a space before one.
_LOOK_CLOSER = _FORMULA_FIRST | frozenset(chr(code) for code in range(0x3001) if chr(code).isspace())
XLSX_MAX_CELL_CHARS = 32767  # Excel refuses to open a file with a longer cell
PASS_THROUGH = (int, float, Decimal, datetime.date, datetime.time)  # bool is an int
CSV_ROWS_PER_WRITE = 500  # rows written per part of a streamed CSV: few, large writes to the client
FILE_BLOCK_SIZE = 64 * 1024
T = TypeVar("T")
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
    return _neutral_text(str(value))


def _neutral_text(text: str) -> str:
    first = text[:1]  # every formula prefix is one character; after leading spaces, "=1+1" still runs
    if first in _FORMULA_FIRST or (first.isspace() and text.lstrip()[:1] in _FORMULA_FIRST):
        return "'" + text
    return text


def _local_naive(value: datetime.datetime) -> datetime.datetime:
    """Spreadsheets have no time zones: show the time as the reader's clock showed it."""
    if timezone.is_aware(value):
        return timezone.make_naive(value, timezone.get_current_timezone())
    return value


def _csv_cell(value: object) -> Cell:
    if type(value) is str:  # most cells: the quick way
        return _neutral_text(value)
    if isinstance(value, datetime.datetime):
        return _local_naive(value).isoformat(sep=" ", timespec="minutes")
    return neutralise(value)


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


def chunks(rows: Iterable[T], size: int) -> Generator[list[T], None, None]:
    """``rows`` in lists of ``size`` (the last one shorter): what a caller reads per database round trip. Closing
    this closes ``rows`` (a database cursor) at once."""
    iterator = iter(rows)
    try:
        while chunk := list(islice(iterator, size)):
            yield chunk
    finally:
        _close(iterator)


def _csv_lines(headers: Sequence[object], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([_csv_cell(header) for header in headers])
    yield "\ufeff".encode() + buffer.getvalue().encode()  # BOM: Excel otherwise reads UTF-8 as ANSI
    batches = chunks(rows, CSV_ROWS_PER_WRITE)
    try:
        for batch in batches:
            buffer.seek(0)
            buffer.truncate()
            # Most cells are text that starts with a letter or digit: kept as they are without a call each.
            writer.writerows(
                [v if type(v) is str and v[:1] not in _LOOK_CLOSER else _csv_cell(v) for v in row] for row in batch
            )
            yield buffer.getvalue().encode()
    finally:
        batches.close()  # a download cut short closes the database cursor the rows come from


def _close(iterable: object) -> None:
    close = getattr(iterable, "close", None)
    if callable(close):
        close()


def _as_the_reader(parts: Iterator[bytes]) -> Iterator[bytes]:
    """Each part made in the language and time zone of the request that asked for it (those active now).

    A streamed body is read after the view has returned (on another thread under ASGI), when the request's
    language and time zone may no longer be active; the rows' labels, yes/no and times must still be the reader's.
    """
    language, zone = translation.get_language(), timezone.get_current_timezone()

    def made_as_the_reader() -> Iterator[bytes]:
        try:
            while True:
                with translation.override(language), timezone.override(zone):
                    part = next(parts, None)
                if part is None:
                    return
                yield part
        finally:
            _close(parts)

    return made_as_the_reader()


def _xlsx_file(headers: Sequence[object], rows: Iterable[Sequence[object]], title: str) -> IO[bytes]:
    """The workbook written row by row (openpyxl's write-only mode keeps rows in its own temporary file) and saved
    into an anonymous temporary file, which the system removes once closed."""
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
    file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the response once sent, or below)
    try:
        workbook.save(file)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return file


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
) -> StreamingHttpResponse:
    """A download of headers + rows as CSV or XLSX; `filename` may omit the extension. Unknown fmt: ValueError.

    CSV is streamed as ``rows`` is read; XLSX is written to a temporary file first, then streamed from it.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}; expected one of {EXPORT_FORMATS}")
    name = _safe_name(filename, fmt)
    response: StreamingHttpResponse
    if fmt == "csv":
        response = StreamingHttpResponse(_as_the_reader(_csv_lines(headers, rows)), content_type=CONTENT_TYPES[fmt])
    else:
        response = FileResponse(_xlsx_file(headers, rows, _sheet_title(name)), content_type=CONTENT_TYPES[fmt])
        response.block_size = FILE_BLOCK_SIZE
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
