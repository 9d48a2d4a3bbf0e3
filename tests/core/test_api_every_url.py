"""Every /api/v1 URL answers in the API's one error body, with or without a trailing slash."""

import re
from pathlib import Path

import pytest
from django.test import Client

from trato.accounts.services import api_token_create

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def api(sales_user):
    return Client(
        HTTP_ACCEPT_LANGUAGE="en", HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=sales_user, name='t')[1]}"
    )


def test_an_unknown_path_answers_404_in_the_error_body(api):
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    message = "Unknown API path. The reference is at /api/v1/docs."
    assert response.json() == {"status": 404, "code": "not_found", "message": message, "fields": {}}


def test_a_path_parameter_of_the_wrong_type_answers_404_in_the_error_body(api):
    assert api.get("/api/v1/claims/abc").json()["code"] == "not_found"


def test_a_wrong_method_answers_405_in_the_error_body_with_allow(api):
    response = api.delete("/api/v1/partners")
    assert (response.status_code, response.json()["code"]) == (405, "method_not_allowed")
    assert response["Allow"] == "GET, POST"
    assert response.json()["message"] == "This method is not allowed here. Allowed: GET, POST."


def test_a_trailing_slash_answers_as_without_it(api):
    assert api.get("/api/v1/partners/").json() == api.get("/api/v1/partners").json()


def test_the_readme_examples_work_as_written(api):
    paths = re.findall(r"http://127\.0\.0\.1:8000(/api/v1/\S+)", README.read_text())
    assert paths, "the README has API examples"
    for path in paths:
        response = api.get(path)
        assert (path, response.status_code) == (path, 200)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/partners", {"name": "X", "kinds": None}, "kinds"),
        ("/api/v1/partners", {"name": "X", "kinds": ["customer"], "tags": None}, "tags"),
        ("/api/v1/claims", {"kind": "customer", "subject": "x", "origins": None}, "origins"),
        ("/api/v1/claims", {"kind": "customer", "subject": "x", "assignees": None}, "assignees"),
        (
            "/api/v1/claims",
            {"kind": "customer", "subject": "x", "origins": [{"doc_type": "delivery", "number": "A", "lines": None}]},
            "origins.0.lines",
        ),
    ],
)
def test_null_where_a_list_is_expected_is_a_422_naming_the_field(client_for, administrator, path, body, field):
    response = client_for(administrator).post(path, body, content_type="application/json")
    assert (response.status_code, response.json()["code"], list(response.json()["fields"])) == (
        422, "validation_error", [field]
    )  # fmt: skip
