"""What every API endpoint shares: authentication, the error body, languages, limits."""

import json

import pytest
from django.test import Client

from trato.accounts.services import api_token_create

URL = "/api/v1/partners"
ERROR_KEYS = {"status", "code", "message", "fields"}


def post_json(client, url, data, **extra):
    return client.post(url, data=json.dumps(data), content_type="application/json", **extra)


def test_an_anonymous_caller_gets_401_in_the_error_shape(client, db):
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == "unauthorized"


def test_a_revoked_token_writing_gets_401_not_a_csrf_error(client, sales_user):
    token, secret = api_token_create(user=sales_user, name="erp")
    token.revoked_at = token.created_at
    token.save()
    response = post_json(client, URL, {"name": "X"}, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_a_token_writes_without_csrf(client, sales_user):
    _, secret = api_token_create(user=sales_user, name="erp")
    response = post_json(
        client, URL, {"name": "Hierros Ruiz", "kinds": ["customer"]}, HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 201, response.json()


def test_a_session_write_without_the_csrf_token_is_refused(sales_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(sales_user)
    response = post_json(browser, URL, {"name": "Hierros Ruiz", "kinds": ["customer"]})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


@pytest.mark.parametrize("language,message", [("es", "Este campo es obligatorio."), ("en", "This field is required.")])
def test_field_errors_are_named_and_written_in_the_callers_language(client_for, sales_user, language, message):
    sales_user.language = language
    sales_user.save()
    response = post_json(client_for(sales_user), URL, {"kinds": ["customer"]})
    assert response.status_code == 422
    assert response.json()["fields"]["name"] == [message]


def test_a_token_caller_gets_messages_in_their_language(client, sales_user):
    sales_user.language = "es"
    sales_user.save()
    _, secret = api_token_create(user=sales_user, name="erp")
    response = client.get(f"{URL}/999999", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 404
    assert response.json()["message"] == "No encontrado."


def test_malformed_json_is_a_400(client_for, sales_user):
    response = client_for(sales_user).post(URL, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_a_body_over_the_limit_is_a_413(client_for, sales_user, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_json(client_for(sales_user), URL, {"name": "x" * 5000, "kinds": ["customer"]})
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_a_page_size_over_the_maximum_is_a_422(client_for, sales_user):
    response = client_for(sales_user).get(URL, {"page_size": 1000})
    assert response.status_code == 422
    assert "page_size" in response.json()["fields"]


def test_the_openapi_schema_describes_the_endpoints(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Trato API"
    assert {"/api/v1/partners", "/api/v1/accounts/me"} <= set(schema["paths"])


@pytest.mark.parametrize(
    "language,message",
    [("en", "Choose one of: prospect, customer, supplier."), ("es", "Elige uno de: prospect, customer, supplier.")],
)
def test_a_refused_choice_names_the_allowed_values(client_for, sales_user, language, message):
    sales_user.language = language
    sales_user.save()
    response = post_json(client_for(sales_user), URL, {"name": "Hierros Ruiz", "kinds": ["client"]})

    assert response.status_code == 422
    assert response.json()["fields"] == {"kinds.0": [message]}


def test_a_number_is_not_taken_for_a_date(client_for, administrator):
    response = client_for(administrator).get("/api/v1/claims?received_to=0", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 422
    assert response.json()["fields"] == {"received_to": ["Enter a date as YYYY-MM-DD."]}


def test_every_operation_declares_its_error_answers_in_the_openapi_schema(client_for, administrator):
    schema = client_for(administrator).get("/api/v1/openapi.json").json()
    read = schema["paths"]["/api/v1/partners/{partner_id}"]["get"]["responses"]
    change = schema["paths"]["/api/v1/partners/{partner_id}"]["patch"]["responses"]

    assert set(read) == {"200", "400", "401", "404", "422", "503"}
    assert set(change) == {"200", "400", "401", "403", "404", "409", "413", "422", "503"}
    assert change["409"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
    assert set(schema["components"]["schemas"]["ErrorOut"]["properties"]) == {"status", "code", "message", "fields"}
