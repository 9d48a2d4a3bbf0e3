"""The partners export reads plain values a chunk at a time and streams them, and writes what the export written from
model instances wrote: every column, labels in the reader's language."""

import csv
import io
from urllib.parse import urlencode

import openpyxl
import pytest
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tests.factories import UserFactory
from tests.partners.factories import PartnerFactory
from trato.core.export import export_response
from trato.partners import export, selectors
from trato.partners.export import EXPORT_HEADERS
from trato.partners.models import KIND_LABELS, Partner
from trato.partners.selectors import PARTNER_LIST

pytestmark = pytest.mark.django_db

EXPORT = reverse("partners:export")


def _cells(response, fmt: str) -> list:
    body = response.getvalue()
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    return list(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))


def _old_row(partner: Partner) -> list:
    """A row as the export wrote it from model instances, before it streamed (the reference)."""
    values = {
        "kinds": ", ".join(str(KIND_LABELS[k]) for k in partner.kinds),
        "phone": partner.phone_e164 or partner.phone,
        "mobile": partner.mobile_e164 or partner.mobile,
        "tags": ", ".join(tag.name for tag in partner.tags.all()),
        "salesperson": str(partner.salesperson or ""),
        "purchasing_responsible": str(partner.purchasing_responsible or ""),
        "is_archived": _("yes") if partner.is_archived else _("no"),
    }
    return [values[key] if key in values else getattr(partner, key) for key, _label in EXPORT_HEADERS]


def _old_export(user, query: dict, fmt: str) -> list:
    with translation.override(user.language):
        partners = selectors.partner_list(user, PARTNER_LIST.parse(QueryDict(urlencode(query))))
        headers = [str(label) for _key, label in EXPORT_HEADERS]
        rows = [_old_row(partner) for partner in partners]
        return _cells(export_response(filename="x", headers=headers, rows=rows, fmt=fmt), fmt)


@pytest.fixture
def reader(sales_manager):
    sales_manager.language = "es"
    sales_manager.save()
    return sales_manager


@pytest.fixture
def partners(reader) -> list[Partner]:
    """Every column filled somewhere: kinds alone and together, phones that parse and do not, tags, people."""
    buyer = UserFactory(username="compras", first_name="", last_name="")
    return [
        PartnerFactory(
            name="Aceros del Norte, S.A.", ref="P-001", is_customer=True, is_supplier=True, tax_id="B12345678",
            email="info@aceros.es", phone="976 12 34 56", mobile="+34 600 11 22 33", street="Calle Mayor, 1",
            postal_code="50001", city="Zaragoza", state="Zaragoza", country="ES", salesperson=reader,
            purchasing_responsible=buyer, tags=["vip", "acero"],
        ),
        PartnerFactory(name="=Fórmula", ref="@1", is_customer=False, is_prospect=True, phone="llamar a recepción"),
        PartnerFactory(name="Archivada", is_archived=True, tags=["antigua"]),
    ]  # fmt: skip


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("query", [{"archived": "all"}, {"archived": "all", "sort": "-ref"}, {"tag": "vip"}])
def test_the_export_writes_what_the_export_from_model_instances_wrote(reader, partners, client_for, query, fmt):
    response = client_for(reader).get(EXPORT, {"format": fmt, **query})

    assert response.status_code == 200
    assert _cells(response, fmt) == _old_export(reader, query, fmt)


def test_every_column_is_in_the_readers_language(reader, partners, client_for):
    rows = _cells(client_for(reader).get(EXPORT, {"format": "csv", "archived": "all"}), "csv")

    steel = next(row for row in rows if row[0] == "P-001")
    assert steel[2] == "Cliente, Proveedor" and steel[5] == "'+34976123456" and steel[6] == "'+34600112233"
    assert steel[12] == "acero, vip" and steel[13] == str(reader) and steel[14] == "compras" and steel[15] == "no"
    formula = next(row for row in rows if row[1] == "'=Fórmula")
    assert formula[0] == "'@1" and formula[2] == "Cliente potencial" and formula[5] == "llamar a recepción"
    assert next(row for row in rows if row[1] == "Archivada")[15] == "sí"


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


def test_the_export_streams_the_partners_a_chunk_per_round_trip(reader, client_for, monkeypatch, fetches):
    PartnerFactory.create_batch(7, tags=["vip"])
    monkeypatch.setattr(export, "CHUNK_SIZE", 3)
    monkeypatch.setattr("trato.core.export.CSV_ROWS_PER_WRITE", 1)

    def partner_fetches() -> list[int]:
        return [got for asked, got in fetches if asked == 3]

    response = client_for(reader).get(EXPORT, {"format": "csv"})
    assert response.streaming and partner_fetches() == []

    with CaptureQueriesContext(connection) as queries:
        parts = iter(response.streaming_content)
        body = next(parts) + next(parts)  # the header, then the first partner
        assert partner_fetches() == [3]  # one chunk fetched, not the whole export
        if connection.vendor == "postgresql":
            assert _open_server_side_cursors() == 1  # the rest waits on the server
        body += b"".join(parts)

    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert len(rows) == 1 + 7 and all(row[12] == "vip" for row in rows[1:])
    assert partner_fetches() == [3, 3, 1, 0]
    if connection.vendor == "postgresql":
        assert _open_server_side_cursors() == 0  # closed with the download
    else:  # the tags come with each partner on PostgreSQL; elsewhere one query per chunk
        assert sum("partners_partner_tags" in query["sql"] for query in queries.captured_queries) == 3


def _open_server_side_cursors() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors")
        return cursor.fetchone()[0]
