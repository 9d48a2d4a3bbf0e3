"""The claims export reads plain values a chunk at a time and streams them, and writes what the export written from
model instances wrote: every column, labels in the reader's language, times in the reader's time zone."""

import csv
import datetime
import io
import zoneinfo
from decimal import Decimal
from urllib.parse import urlencode

import openpyxl
import pytest
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tests.factories import UserFactory
from tests.partners.factories import PartnerFactory
from trato.claims import export, selectors
from trato.claims.export import EXPORT_HEADERS
from trato.claims.forms import partner_heading
from trato.claims.models import Category, Claim, Kind, OriginDocument, OriginType, Priority, Resolution, State
from trato.claims.selectors import CLAIM_LIST
from trato.core.export import export_response

pytestmark = pytest.mark.django_db

EXPORT = reverse("claims:export")
READER_ZONE = "America/Mexico_City"  # UTC-6: a claim closed at 03:30 UTC was closed the evening before there


def _cells(response, fmt: str) -> list:
    body = response.getvalue()
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    return list(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))


def _old_row(claim: Claim) -> list:
    """A row as the export wrote it from model instances, before it streamed (the reference)."""
    values = {
        "kind": claim.get_kind_display(),
        "state": claim.get_state_display(),
        "partner": str(claim.partner or ""),
        "responsible": str(claim.responsible or ""),
        "category": str(claim.category or ""),
        "priority": claim.get_priority_display(),
        "channel": claim.get_channel_display(),
        "overdue": _("yes") if claim.is_overdue else _("no"),
        "documents": ", ".join(str(origin) for origin in claim.origins.all()),
        "resolution": claim.get_resolution_display(),
    }
    return [values[key] if key in values else getattr(claim, key) for key, _label in EXPORT_HEADERS]


def _old_export(user, query: dict, fmt: str) -> list:
    with translation.override(user.language), timezone.override(zoneinfo.ZoneInfo(user.time_zone)):
        params = CLAIM_LIST.parse(QueryDict(urlencode(query)))
        claims = selectors.claim_list(user, params).prefetch_related("origins")
        kinds = claims.filter(partner__isnull=False).order_by().values_list("kind", flat=True).distinct()
        labels = {**dict(EXPORT_HEADERS), "partner": partner_heading(kinds)}
        labels["resolution_cost"] = f"{labels['resolution_cost']} (EUR)"  # an amount names its currency
        headers = [str(labels[key]) for key, _label in EXPORT_HEADERS]
        rows = [_old_row(claim) for claim in claims]
        return _cells(export_response(filename="x", headers=headers, rows=rows, fmt=fmt), fmt)


@pytest.fixture
def reader(administrator):
    administrator.language, administrator.time_zone = "es", READER_ZONE
    administrator.save()
    return administrator


@pytest.fixture
def claims(db) -> list[Claim]:
    """Every column filled somewhere: names with and without a full name, overdue and not, several documents."""
    today = timezone.localdate()
    begona = UserFactory(username="bmunoz", first_name="Begoña", last_name="Muñoz")
    nameless = UserFactory(username="almacen", first_name="", last_name="")
    steel = PartnerFactory(name="Aceros del Norte, S.A.", is_customer=False, is_supplier=True)
    taller = PartnerFactory(name='Talleres "Pérez"', is_customer=True)
    overdue = Claim.objects.create(
        number="RP-2026-00001", kind=Kind.SUPPLIER, state=State.OPEN, subject="Chapa con óxido\nen el borde",
        partner=steel, responsible=begona, category=Category.objects.create(kind=Kind.SUPPLIER, name="Dimensiones"),
        priority=Priority.URGENT, channel="email", received_on=today - datetime.timedelta(days=40),
        deadline=today - datetime.timedelta(days=10), resolution=Resolution.REPLACEMENT,
        resolution_cost=Decimal("1234.50"),
    )  # fmt: skip
    OriginDocument.objects.create(claim=overdue, doc_type=OriginType.GOODS_RECEIPT, number="ALB 881")
    OriginDocument.objects.create(claim=overdue, doc_type=OriginType.INVOICE, number="F-2026-7")
    closed = Claim.objects.create(
        number="RC-2026-00002", kind=Kind.CUSTOMER, state=State.CLOSED, subject="=HYPERLINK(\"x\")", partner=taller,
        responsible=nameless, priority=Priority.LOW, channel="phone", received_on=today - datetime.timedelta(days=30),
        deadline=today - datetime.timedelta(days=20), resolution=Resolution.CREDIT_NOTE, resolution_cost=Decimal("0"),
        closed_at=datetime.datetime(2026, 3, 1, 3, 30, tzinfo=datetime.UTC),
    )  # fmt: skip
    OriginDocument.objects.create(claim=closed, doc_type=OriginType.DELIVERY, number="AL-2026-0001")
    due_later = Claim.objects.create(
        number="RP-2026-00003", kind=Kind.SUPPLIER, state=State.DRAFT, subject="Tornillería", partner=steel,
        received_on=today, deadline=today + datetime.timedelta(days=5),
    )  # fmt: skip
    internal = Claim.objects.create(number="NC-2026-00004", kind=Kind.INTERNAL, subject="Sin plazo", received_on=today)
    return [overdue, closed, due_later, internal]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("query", [{}, {"kind": "supplier"}, {"sort": "partner"}])
def test_the_export_writes_what_the_export_from_model_instances_wrote(reader, claims, client_for, query, fmt):
    response = client_for(reader).get(EXPORT, {"format": fmt, **query})

    assert response.status_code == 200
    assert _cells(response, fmt) == _old_export(reader, query, fmt)


def test_every_column_is_in_the_readers_language_and_time_zone(reader, claims, client_for):
    rows = _cells(client_for(reader).get(EXPORT, {"format": "csv", "sort": "received"}), "csv")

    header, overdue, closed = rows[0], rows[1], rows[2]
    assert header[4] == "Cliente / proveedor" and header[12] == "Documentos de origen"
    assert overdue == [
        "RP-2026-00001", "No conformidad de proveedor", "Abierta", "Chapa con óxido\nen el borde",
        "Aceros del Norte, S.A.", "Begoña Muñoz", "Dimensiones", "Urgente", "Correo electrónico",
        overdue[9], overdue[10], "sí", "Albarán de entrada ALB 881, Factura F-2026-7", "Sustitución", "1234.50", "",
    ]  # fmt: skip
    assert closed[3] == '\'=HYPERLINK("x")' and closed[5] == "almacen" and closed[11] == "no"
    assert closed[15] == "2026-02-28 21:30"  # 03:30 UTC in Mexico City


def test_an_export_of_supplier_claims_heads_the_partner_column_supplier(reader, claims, client_for):
    rows = _cells(client_for(reader).get(EXPORT, {"format": "csv", "kind": "supplier"}), "csv")

    assert rows[0][4] == "Proveedor"
    assert [row[0] for row in rows[1:]] == ["RP-2026-00003", "RP-2026-00001"]


# Streaming


@pytest.fixture
def fetches(monkeypatch) -> list[tuple[int, int]]:
    """Each database round trip of a cursor read by fetchmany (as Django reads every query): (rows asked, rows got)."""
    sizes: list[tuple[int, int]] = []

    def fetchmany(self, size):
        rows = self.cursor.fetchmany(size)
        sizes.append((size, len(rows)))
        return rows

    monkeypatch.setattr(CursorWrapper, "fetchmany", fetchmany, raising=False)
    return sizes


def _open_server_side_cursors() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors")
        return cursor.fetchone()[0]


def test_the_export_streams_the_claims_a_chunk_per_round_trip(reader, claims, client_for, monkeypatch, fetches):
    for n in range(7):
        Claim.objects.create(number=f"NC-2026-{n + 10:05d}", kind=Kind.INTERNAL, subject=f"Más {n}")
    monkeypatch.setattr(export, "CHUNK_SIZE", 3)
    monkeypatch.setattr("trato.core.export.CSV_ROWS_PER_WRITE", 1)

    def claim_fetches() -> list[int]:
        return [got for asked, got in fetches if asked == 3]

    response = client_for(reader).get(EXPORT, {"format": "csv"})
    assert response.streaming and claim_fetches() == []  # the view has returned; no claim read yet

    with CaptureQueriesContext(connection) as queries:
        parts = iter(response.streaming_content)
        body = next(parts) + next(parts)  # the header, then the first claim
        assert claim_fetches() == [3]  # one chunk fetched, not the whole export
        if connection.vendor == "postgresql":
            assert _open_server_side_cursors() == 1  # the rest waits on the server
        body += b"".join(parts)

    assert len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))) == 1 + 11
    assert claim_fetches() == [3, 3, 3, 2, 0]  # 11 claims, then the fetch that finds no more
    if connection.vendor == "postgresql":
        assert _open_server_side_cursors() == 0  # closed with the download
    else:  # the documents come with each claim on PostgreSQL; elsewhere one query per chunk
        assert sum("claims_origindocument" in query["sql"] for query in queries.captured_queries) == 4
