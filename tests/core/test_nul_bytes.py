"""A NUL byte anywhere in a request is refused with a clear 400 and changes nothing, on both databases."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from trato.core.middleware import carries_nul
from trato.partners.models import Partner

MESSAGE = "The request contains a NUL character, which Trato does not accept. Remove it and try again."


@pytest.fixture
def signed_in(client_for, sales_user):
    client = client_for(sales_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _assert_refused_page(response):
    assert (response.status_code, response.content.decode()) == (400, MESSAGE)


def _assert_refused_api(response):
    assert response.status_code == 400
    assert response.json() == {"status": 400, "code": "nul_character", "message": MESSAGE, "fields": {}}


def test_a_json_field_with_an_escaped_nul_is_refused_and_nothing_is_stored(signed_in):
    body = json.dumps({"name": "Acme\u0000", "is_customer": True})
    _assert_refused_api(signed_in.post("/api/v1/partners", body, content_type="application/json"))
    assert not Partner.objects.exists()


def test_a_json_body_with_a_raw_nul_is_refused(signed_in):
    body = b'{"name": "Acme\x00"}'
    _assert_refused_api(signed_in.post("/api/v1/partners", body, content_type="application/json"))
    assert not Partner.objects.exists()


def test_a_form_field_with_a_nul_is_refused_and_nothing_is_stored(signed_in):
    _assert_refused_page(signed_in.post("/partners/new/", {"name": "Acme\x00", "is_customer": "on"}))
    assert not Partner.objects.exists()


def test_a_query_parameter_with_a_nul_is_refused(signed_in):
    _assert_refused_page(signed_in.get("/partners/", {"city": "Madrid\x00"}))
    _assert_refused_api(signed_in.get("/api/v1/partners", {"sort": "name\x00"}))


def test_a_search_with_a_nul_is_refused(signed_in):
    _assert_refused_page(signed_in.get("/search/", {"q": "RC-2026\x00"}))
    _assert_refused_page(signed_in.get("/claims/", {"q": "\x00"}))


def test_a_header_with_a_nul_is_refused(signed_in):
    _assert_refused_api(signed_in.get("/api/v1/partners", HTTP_X_REQUEST_ID="a\x00b"))


def test_a_path_with_an_encoded_nul_is_refused(signed_in):
    _assert_refused_page(signed_in.get("/partners/%00/"))


def test_an_uploaded_file_may_hold_nul_bytes_but_its_form_fields_may_not(rf):
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\x00\x01binary", content_type="application/pdf")
    assert carries_nul(rf.post("/timeline/x/", {"note": "Albarán", "files": upload})) is False
    upload.seek(0)
    assert carries_nul(rf.post("/timeline/x/", {"note": "Alba\x00rán", "files": upload})) is True


def test_a_clean_request_passes(signed_in):
    assert signed_in.get("/partners/", {"q": "Acme"}).status_code == 200
