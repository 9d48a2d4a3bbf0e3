"""Hostile or malformed input through the pages and the API: a clear error, nothing written, never a 500."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.timeline.conftest import PDF, PNG, stored_files, upload
from trato.accounts.services import api_token_create
from trato.partners.models import Contact, Partner
from trato.timeline.models import Attachment, Entry

BASE = "/api/v1/timeline/partners.partner"
A_CALL = {"channel": "phone", "direction": "inbound", "summary": "Asked for a quote"}


def bearer(user) -> dict:
    _token, secret = api_token_create(user=user, name="tests")
    return {"Authorization": f"Bearer {secret}"}


def post_json(client, path, payload, user):
    return client.post(path, json.dumps(payload), content_type="application/json", headers=bearer(user))


def page_url(name, record) -> str:
    return reverse(f"timeline:{name}", args=["partners.partner", record.pk])


def test_a_note_with_a_null_character_is_refused_by_the_api(client, customer, sales_user):
    response = post_json(client, f"{BASE}/{customer.pk}/notes", {"body": "before\x00after"}, sales_user)
    assert (response.status_code, response.json()["code"]) == (400, "nul_character")
    assert not Entry.objects.exists()


def test_an_upload_note_with_a_null_character_is_refused_and_stores_nothing(client, customer, sales_user, media_root):
    data = {"files": [upload("a.png", PNG)], "note": "x\x00y"}
    response = client.post(f"{BASE}/{customer.pk}/attachments", data, headers=bearer(sales_user))
    assert (response.status_code, response.json()["code"]) == (400, "nul_character")
    assert not Attachment.objects.exists() and stored_files(media_root) == []


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00", "1899-12-31T23:00:00Z"])
def test_a_communication_dated_centuries_ago_is_refused_by_the_api(client, customer, sales_user, moment):
    payload = A_CALL | {"occurred_at": moment}
    response = post_json(client, f"{BASE}/{customer.pk}/communications", payload, sales_user)
    assert response.status_code == 400
    assert "occurred_at" in response.json()["fields"]
    assert not Entry.objects.exists()


def test_a_communication_dated_centuries_ago_is_refused_inline(client_for, customer, sales_user):
    sales_user.time_zone = "Asia/Tokyo"  # ahead of UTC: year 1 there is before year 1 in UTC
    sales_user.save()
    data = A_CALL | {"occurred_at": "0001-01-01T00:00"}
    response = client_for(sales_user).post(page_url("communication_log", customer), data)
    assert response.status_code == 400
    assert "The date is too far in the past." in response.text
    assert not Entry.objects.exists()


def test_a_contact_of_another_company_is_refused_on_the_api_field_that_named_it(client, customer, sales_user):
    other = Partner.objects.create(name="Other", is_customer=True)
    stranger = Contact.objects.create(partner=other, last_name="Stranger")
    payload = A_CALL | {"occurred_at": "2025-03-01T10:00:00Z", "contact_id": stranger.pk}
    response = post_json(client, f"{BASE}/{customer.pk}/communications", payload, sales_user)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["contact_id"]
    assert not Entry.objects.exists()


def _multipart_with_raw_name(name: bytes) -> bytes:
    return (
        b'--BOUNDARY\r\nContent-Disposition: form-data; name="files"; filename="' + name + b'"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + PDF + b"\r\n--BOUNDARY--\r\n"
    )


def test_a_filename_that_is_not_utf8_is_refused_without_an_error_page(client_for, customer, sales_user, media_root):
    client = client_for(sales_user)
    body = _multipart_with_raw_name(b"caf\xe9\xff.pdf")
    kind = "multipart/form-data; boundary=BOUNDARY"
    page = client.generic("POST", page_url("attachments_add", customer), body, content_type=kind)
    api = client.generic("POST", f"{BASE}/{customer.pk}/attachments", body, content_type=kind)
    assert page.status_code == 400 and "This field is required." in page.text
    assert api.status_code == 422 and "files" in api.json()["fields"]
    assert not Attachment.objects.exists() and stored_files(media_root) == []


def test_a_body_that_is_not_multipart_is_refused_without_an_error_page(client_for, customer, sales_user):
    client = client_for(sales_user)
    response = client.generic(
        "POST", page_url("attachments_add", customer), b"junk", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_a_session_post_to_the_api_without_the_csrf_token_is_refused(customer, sales_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(sales_user)
    response = browser.post(f"{BASE}/{customer.pk}/notes", {"body": "forged"}, content_type="application/json")
    assert response.status_code == 403
    assert browser.post(page_url("note_add", customer), {"body": "forged"}).status_code == 403
    assert not Entry.objects.exists()


def test_a_session_post_to_the_api_with_the_csrf_token_is_accepted(customer, sales_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(sales_user)
    browser.get(page_url("page", customer))  # sets the CSRF cookie, as the page does for htmx
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        f"{BASE}/{customer.pk}/notes",
        {"body": "genuine"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201
    assert Entry.objects.get().body == "genuine"
