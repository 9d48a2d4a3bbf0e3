import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext

from trato.core import export
from trato.core.export import EXPORT_FORMATS, chunks, export_response, neutralise

HOSTILE = ["=HYPERLINK(\"http://evil.example\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1",
           "  =1+1", "\n=1+1", "\u00a0=1+1"]  # fmt: skip


def _csv_rows(response) -> list[list[str]]:
    body = response.getvalue()
    assert body.startswith("\ufeff".encode())  # Excel needs the BOM to read the accents as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def _xlsx_rows(response) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    return list(sheet.iter_rows(values_only=True))


@pytest.mark.parametrize("value", HOSTILE)
def test_a_text_that_a_spreadsheet_would_run_as_a_formula_gets_an_apostrophe(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize(
    "value", [12, -5, 1.5, Decimal("-3.20"), datetime.date(2025, 1, 2), datetime.datetime(2025, 1, 2, 3, 4), True]
)
def test_numbers_and_dates_are_not_touched(value):
    assert neutralise(value) == value


def test_ordinary_text_is_not_touched_and_none_is_empty():
    assert neutralise("Muñoz - Hijos, S.L.") == "Muñoz - Hijos, S.L."
    assert neutralise(None) == ""


@pytest.mark.parametrize("value", HOSTILE)
def test_a_csv_export_neutralises_formulas(value):
    response = export_response(filename="partners", headers=["Name"], rows=[[value]], fmt="csv")

    assert _csv_rows(response)[1] == ["'" + value]


@pytest.mark.parametrize("value", HOSTILE)
def test_an_xlsx_export_neutralises_formulas(value):
    response = export_response(filename="partners", headers=["Name"], rows=[[value]], fmt="xlsx")

    assert _xlsx_rows(response)[1] == ("'" + value.replace("\r", "\n"),)  # XML reads a lone CR as a newline


def test_a_hostile_header_is_neutralised_too():
    response = export_response(filename="p", headers=["=cmd"], rows=[], fmt="xlsx")

    assert _xlsx_rows(response) == [("'=cmd",)]


def test_a_csv_export_keeps_spanish_accents_and_quotes_separators():
    rows = [["Construcciones Ñandú, S.L.", 'Dice "hola"', "Begoña Muñoz\nAlmacén"]]

    response = export_response(filename="partners", headers=["Razón social", "Nota", "Contacto"], rows=rows, fmt="csv")

    assert _csv_rows(response) == [["Razón social", "Nota", "Contacto"], rows[0]]
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_a_csv_export_writes_aware_times_in_the_readers_time_zone():
    moment = datetime.datetime(2025, 7, 1, 10, 30, tzinfo=datetime.UTC)

    with timezone.override("Europe/Madrid"):
        response = export_response(filename="x", headers=["When"], rows=[[moment]], fmt="csv")

    assert _csv_rows(response)[1] == ["2025-07-01 12:30"]


def test_an_xlsx_export_has_bold_headers_and_real_dates():
    moment = datetime.datetime(2025, 1, 15, 9, 0, tzinfo=datetime.UTC)
    rows = [["Ñandú", datetime.date(2025, 3, 31), moment, 1234, Decimal("9.50"), None]]

    with timezone.override("Europe/Madrid"):
        response = export_response(
            filename="partners", headers=["Nombre", "Alta", "Último contacto", "Pedidos", "Importe", "Vacío"],
            rows=rows, fmt="xlsx",
        )  # fmt: skip

    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    assert [cell.value for cell in sheet[1]] == ["Nombre", "Alta", "Último contacto", "Pedidos", "Importe", "Vacío"]
    assert all(cell.font.bold for cell in sheet[1])
    name, created, last_contact, orders, amount, empty = sheet[2]
    assert name.value == "Ñandú"
    assert created.is_date and created.value == datetime.datetime(2025, 3, 31)
    assert last_contact.is_date and last_contact.value == datetime.datetime(2025, 1, 15, 10, 0)
    assert orders.value == 1234
    assert amount.value == 9.5
    assert empty.value is None


def test_an_xlsx_export_survives_control_characters_in_text():
    response = export_response(filename="x", headers=["Nota"], rows=[["bell\x07 and\x00 nul"]], fmt="xlsx")

    assert _xlsx_rows(response)[1] == ("bell and nul",)


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_the_download_has_a_safe_filename_with_the_real_name_for_modern_browsers(fmt):
    response = export_response(filename='Compañías "activas"\r\n', headers=["a"], rows=[], fmt=fmt)

    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert f'filename="Companias_activas.{fmt}"' in disposition
    assert f"filename*=UTF-8''Compa%C3%B1%C3%ADas%20activas.{fmt}" in disposition


def test_the_xlsx_download_has_the_spreadsheet_content_type_and_an_extension_added_once():
    response = export_response(filename="partners.xlsx", headers=["a"], rows=[], fmt="xlsx")

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="partners.xlsx"' in response["Content-Disposition"]


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError):
        export_response(filename="x", headers=["a"], rows=[], fmt="pdf")


def test_rows_may_be_a_generator():
    rows = ([i, f"Fila {i}"] for i in range(3))

    response = export_response(filename="x", headers=["N", "Texto"], rows=rows, fmt="csv")

    assert _csv_rows(response)[1:] == [["0", "Fila 0"], ["1", "Fila 1"], ["2", "Fila 2"]]


# Streaming: bounded memory whatever the number of rows


def test_a_csv_download_is_streamed_while_its_rows_are_read(monkeypatch):
    monkeypatch.setattr(export, "CSV_ROWS_PER_WRITE", 10)
    read = []

    def rows():
        for i in range(25):
            read.append(i)
            yield [i, f"Fila {i}"]

    response = export_response(filename="x", headers=["N", "Texto"], rows=rows(), fmt="csv")

    assert isinstance(response, StreamingHttpResponse) and response.streaming
    parts = iter(response.streaming_content)
    assert next(parts) == "\ufeffN,Texto\r\n".encode() and read == []
    assert next(parts).startswith(b"0,Fila 0\r\n") and len(read) == 10  # one write's rows held, not the download's
    assert b"".join(parts).endswith(b"24,Fila 24\r\n") and len(read) == 25


def test_a_streamed_csv_is_written_in_the_language_and_time_zone_of_the_request_that_asked_for_it():
    moment = datetime.datetime(2025, 7, 1, 10, 30, tzinfo=datetime.UTC)

    def rows():  # read lazily, as a queryset is: after the view has returned
        yield [gettext("yes"), moment, timezone.localdate(moment)]

    with translation.override("es"), timezone.override("Europe/Madrid"):
        response = export_response(filename="x", headers=["Vencida", "Cerrada", "Día"], rows=rows(), fmt="csv")
    with translation.override("en"), timezone.override("America/New_York"):
        assert _csv_rows(response)[1] == ["sí", "2025-07-01 12:30", "2025-07-01"]


def test_a_download_cut_short_closes_the_rows_it_was_reading(monkeypatch, db):  # db: closing ends the request
    monkeypatch.setattr(export, "CSV_ROWS_PER_WRITE", 2)
    closed = []

    def rows():  # as a database cursor: closing it is what frees the connection
        try:
            yield from ([i] for i in range(100))
        finally:
            closed.append(True)

    response = export_response(filename="x", headers=["N"], rows=rows(), fmt="csv")
    parts = iter(response.streaming_content)
    next(parts), next(parts)
    assert closed == []

    response.close()  # what the server does when the client goes away

    assert closed == [True]


def test_an_xlsx_download_is_sent_from_a_temporary_file_that_is_gone_once_sent(db):  # db: closing ends the request
    rows = ([i, f"Fila {i}"] for i in range(1000))

    response = export_response(filename="x", headers=["N", "Texto"], rows=rows, fmt="xlsx")

    assert isinstance(response, FileResponse)
    file = response.file_to_stream
    body = response.getvalue()
    assert int(response["Content-Length"]) == len(body)
    assert openpyxl.load_workbook(io.BytesIO(body)).active.cell(row=1001, column=2).value == "Fila 999"
    response.close()
    assert file.closed  # an anonymous temporary file: closing it removes it


def test_chunks_cuts_rows_into_lists_of_a_size_and_closes_what_it_reads():
    closed = []

    def rows():
        try:
            yield from range(7)
        finally:
            closed.append(True)

    assert list(chunks(rows(), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    reads = chunks(rows(), 3)
    assert next(reads) == [0, 1, 2]
    reads.close()
    assert closed == [True, True]
