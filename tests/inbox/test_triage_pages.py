"""The triage pages: administrators only, constant queries, file on a visible record, ignore."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.inbox.conftest import build_mail
from tests.partners.factories import PartnerFactory
from trato.inbox.models import InboundMessage, State
from trato.timeline.models import Entry, EntryKind


@pytest.fixture
def waiting(ingest):
    return ingest(build_mail(html="<p>Hello <b>team</b></p><script>alert(1)</script>"))


@pytest.mark.parametrize(
    "persona", ["sales_manager", "after_sales_manager", "quality_manager", "outsider"], indirect=True
)
def test_only_administrators_see_the_triage_pages(client_for, persona, waiting):
    client = client_for(persona)

    assert client.get(reverse("inbox:list")).status_code == 404
    assert client.get(reverse("inbox:detail", args=[waiting.pk])).status_code == 404
    assert client.get(reverse("inbox:raw", args=[waiting.pk])).status_code == 404
    response = client.post(reverse("inbox:ignore", args=[waiting.pk]), {"version": waiting.version})
    assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.state == State.TRIAGE


def test_the_list_shows_waiting_mail_in_constant_queries(client_for, administrator, ingest, django_assert_num_queries):
    client = client_for(administrator)
    ingest(build_mail(message_id="<first@x>", subject="First waiting"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("inbox:list"))
    for number in range(5):
        ingest(build_mail(message_id=f"<more-{number}@x>", subject=f"More {number}"))

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("inbox:list"))

    assert response.status_code == 200
    assert "First waiting" in response.content.decode()
    assert "No record, alias or known contact" in response.content.decode()


def test_the_detail_shows_headers_reason_and_the_sanitised_body(client_for, administrator, waiting):
    response = client_for(administrator).get(reverse("inbox:detail", args=[waiting.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<b>team</b>" in page
    assert "alert(1)" not in page
    assert "bob@customer.example" in page
    assert "&lt;m1@customer.example&gt;" in page


def test_an_administrator_files_a_message_on_a_partner_found_by_search(client_for, administrator, waiting):
    partner = PartnerFactory(name="Bombas Norte")
    client = client_for(administrator)

    found = client.get(reverse("inbox:detail", args=[waiting.pk]), {"q": "bombas"})
    assert "Bombas Norte" in found.content.decode()
    response = client.post(
        reverse("inbox:file", args=[waiting.pk]),
        {"record_type": "partners.partner", "record_id": partner.pk, "version": waiting.version},
    )

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.state, waiting.handler, waiting.record_id) == (State.FILED, "manual", partner.pk)
    entry = Entry.objects.of_record(partner).get(kind=EntryKind.EMAIL)
    assert entry.author == administrator


def test_filing_on_a_record_that_does_not_exist_shows_an_error(client_for, administrator, waiting):
    response = client_for(administrator).post(
        reverse("inbox:file", args=[waiting.pk]),
        {"record_type": "partners.partner", "record_id": 999999, "version": waiting.version},
    )

    assert response.status_code == 400
    assert "There is no such record" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.state == State.TRIAGE


def test_filing_with_a_stale_version_is_refused(client_for, administrator, waiting):
    partner = PartnerFactory()
    client = client_for(administrator)
    client.post(reverse("inbox:ignore", args=[waiting.pk]), {"version": waiting.version})

    response = client.post(
        reverse("inbox:file", args=[waiting.pk]),
        {"record_type": "partners.partner", "record_id": partner.pk, "version": waiting.version},
    )

    assert response.status_code == 409
    assert not Entry.objects.exists()


def test_a_filed_message_cannot_be_filed_twice(client_for, administrator, waiting):
    partner = PartnerFactory()
    client = client_for(administrator)
    data = {"record_type": "partners.partner", "record_id": partner.pk, "version": waiting.version}
    client.post(reverse("inbox:file", args=[waiting.pk]), data)
    waiting.refresh_from_db()

    response = client.post(reverse("inbox:file", args=[waiting.pk]), {**data, "version": waiting.version})

    assert response.status_code == 400
    assert Entry.objects.count() == 1


def test_an_administrator_ignores_a_message(client_for, administrator, waiting):
    response = client_for(administrator).post(reverse("inbox:ignore", args=[waiting.pk]), {"version": waiting.version})

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.state, waiting.reason_code) == (State.IGNORED, "ignored_by_user")
    assert not InboundMessage.objects.in_triage().exists()


def test_the_original_downloads_as_an_attachment(client_for, administrator, waiting):
    response = client_for(administrator).get(reverse("inbox:raw", args=[waiting.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == waiting.raw.open("rb").read()
