"""A record's creation is one "created" line on its timeline, not one line per field going from nothing to its
first value: a claim made from its page, and a partner (the claim's other party) made through its service."""

import pytest
from django.urls import reverse

from tests.claims.support import make_category, make_partner
from trato.claims.models import Claim, Kind
from trato.partners.services import partner_create
from trato.timeline.models import Entry

pytestmark = pytest.mark.django_db


def _entries(record) -> list[dict]:
    return [entry.data for entry in Entry.objects.for_record(record)]


def test_a_claim_made_from_its_page_starts_its_timeline_with_one_created_line(purchasing_user, client_for):
    supplier, category = make_partner("supplier", name="Aceros del Norte"), make_category(Kind.SUPPLIER)
    client = client_for(purchasing_user)

    response = client.post(reverse("claims:create"), {
        "kind": "supplier", "subject": "Chapa oxidada", "partner": supplier.pk, "category": category.pk,
        "responsible": purchasing_user.pk, "priority": "normal", "channel": "phone", "description": "Lote 7",
    })  # fmt: skip

    claim = Claim.objects.get()
    assert response.status_code == 302
    assert _entries(claim) == [{"created": {"name": f"{claim.number} Chapa oxidada"}, "changes": []}]
    timeline = client.get(claim.get_absolute_url()).text.split('id="timeline-entry-')[1]
    assert f'<div class="timeline-created fw-semibold">{claim.number} Chapa oxidada</div>' in timeline
    assert "→" not in timeline


def test_a_new_partner_starts_its_timeline_with_one_created_line(administrator):
    data = {"name": "Forjas Levante", "kinds": ["supplier"], "email": "compras@forjas.example", "city": "Valencia"}

    partner = partner_create(by=administrator, data=data)

    assert _entries(partner) == [{"created": {"name": "Forjas Levante"}, "changes": []}]
