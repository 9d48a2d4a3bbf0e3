"""A lost database answers 503 with the usual error body (API) or a translated page, never a 500."""

import contextlib
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

MESSAGE = "The database is not reachable right now. Nothing was changed: try again in a moment."


@pytest.fixture
def client_without_raising(sales_user):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(sales_user)
    return client


@contextlib.contextmanager
def lost_database():
    """Every query inside fails as a dropped connection does."""
    error = OperationalError("server closed the connection unexpectedly")
    with (
        mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=error),
        mock.patch("django.db.backends.utils.CursorWrapper.executemany", side_effect=error),
    ):
        yield


def test_the_api_answers_503_with_the_error_body(client_without_raising):
    with lost_database():
        response = client_without_raising.get("/api/v1/partners")
    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert response.json() == {"status": 503, "code": "database_unavailable", "message": MESSAGE, "fields": {}}


def test_a_page_answers_503_with_a_message(client_without_raising):
    with lost_database():
        response = client_without_raising.get("/partners/")
    assert (response.status_code, response.content.decode()) == (503, MESSAGE)


def test_a_page_in_spanish_says_it_in_spanish(client_without_raising):
    with lost_database():
        response = client_without_raising.get("/partners/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 503
    assert response.content.decode().startswith("La base de datos no está disponible")
