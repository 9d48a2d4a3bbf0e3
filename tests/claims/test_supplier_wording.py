"""A supplier non-conformity speaks of the supplier, never of "the customer", wherever the claim shows: the list's
column, the export, the board, the claim page and its forms, the timeline and the mail about it."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.claims.support import make_claim, make_partner
from trato.claims import notifications, services
from trato.claims.models import Kind
from trato.mail.models import OutboundMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier_claim(purchasing_user):
    partner = make_partner("supplier", name="Aceros del Norte")
    return make_claim(Kind.SUPPLIER, by=purchasing_user, partner=partner, responsible=purchasing_user)


def _partner_heading(page: str) -> str:
    """The text of the header cell whose link sorts by partner."""
    header = page.split("<thead>")[1].split("</thead>")[0]
    cell = next(cell for cell in header.split("</th>") if "sort=partner" in cell)
    return cell.split('">')[-1].split("</a>")[0].strip()


def test_the_list_of_supplier_claims_heads_the_column_supplier(purchasing_user, client_for, supplier_claim):
    page = client_for(purchasing_user).get(reverse("claims:list")).text

    assert _partner_heading(page) == "Supplier"


def test_the_list_says_proveedor_to_a_spanish_reader(purchasing_user, client_for, supplier_claim):
    purchasing_user.language = "es"
    purchasing_user.save(update_fields=["language"])

    page = client_for(purchasing_user).get(reverse("claims:list")).text

    assert _partner_heading(page) == "Proveedor"


def test_a_list_of_both_kinds_heads_the_column_customer_or_supplier(administrator, client_for, supplier_claim):
    make_claim(Kind.CUSTOMER, by=administrator)
    client = client_for(administrator)

    assert _partner_heading(client.get(reverse("claims:list")).text) == "Customer / supplier"
    assert _partner_heading(client.get(reverse("claims:list"), {"kind": "customer"}).text) == "Customer"


def test_the_export_of_supplier_claims_heads_the_column_supplier(administrator, client_for, supplier_claim):
    make_claim(Kind.CUSTOMER, by=administrator)
    client = client_for(administrator)

    def partner_header(**query) -> str:
        response = client.get(reverse("claims:export"), {"format": "csv", **query})
        header = next(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
        return header[4]

    assert partner_header(kind="supplier") == "Supplier"
    assert partner_header() == "Customer / supplier"


def test_the_board_card_names_the_supplier(purchasing_user, client_for, supplier_claim):
    page = client_for(purchasing_user).get(reverse("claims:board")).text

    card = page.split(f'id="card-{supplier_claim.pk}"')[1].split("</li>")[0]
    assert '<span class="visually-hidden">Supplier:</span> Aceros del Norte' in card
    assert "Customer" not in card


def test_the_claim_page_and_its_forms_name_the_supplier(purchasing_user, client_for, supplier_claim):
    client = client_for(purchasing_user)
    page = client.get(supplier_claim.get_absolute_url()).text
    edit = client.get(reverse("claims:edit", args=[supplier_claim.pk])).text
    services.claim_move(claim=supplier_claim, by=purchasing_user, move="open")
    close = client.get(reverse("claims:move", args=[supplier_claim.pk, "close"])).text

    assert '<dt class="col-sm-4">Supplier</dt>' in page
    assert '<label class="form-label" for="id_partner">Supplier' in edit
    assert '<label class="form-label" for="id_resolution_notes">Resolution agreed with the supplier' in close
    assert "customer" not in close.split('id="move-form"')[1].lower()


def test_the_timeline_of_a_supplier_claim_speaks_of_the_supplier(purchasing_user, client_for, supplier_claim):
    other = make_partner("supplier", name="Forjas Levante")
    services.claim_update(claim=supplier_claim, by=purchasing_user, data={"partner": other}, version=None)
    services.claim_move(claim=supplier_claim, by=purchasing_user, move="open")
    services.cause_add(claim=supplier_claim, by=purchasing_user, data={"category": "supplier", "description": "Óxido"})
    services.claim_close(claim=supplier_claim, by=purchasing_user, resolution="credit_note",
                         resolution_notes="Abono del proveedor", closing_note="Cerrada")  # fmt: skip

    page = client_for(purchasing_user).get(supplier_claim.get_absolute_url()).text

    assert '<span class="fw-semibold">Supplier:</span> Aceros del Norte' in page
    assert '<span class="fw-semibold">Resolution agreed with the supplier:</span> —' in page
    assert "customer" not in page.split('id="timeline')[1].lower()


def test_the_deadline_reminder_names_the_supplier(purchasing_user, supplier_claim):
    today = timezone.localdate()
    services.claim_update(claim=supplier_claim, by=purchasing_user, data={"deadline": today + timedelta(days=1)},
                          version=None)  # fmt: skip
    services.claim_move(claim=supplier_claim, by=purchasing_user, move="open")

    assert notifications.reminders_send(today) == 1

    message = OutboundMessage.objects.get()  # the only mail: who opened the claim is its responsible
    assert "Supplier: Aceros del Norte" in message.body_text
    assert "Supplier: Aceros del Norte" in message.body_html
    assert "Customer" not in message.body_text + message.body_html
