"""The partners API: CRUD through the services, the shared error body, and bad input that never gives a 500."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.partners.factories import ContactFactory, PartnerFactory
from trato.accounts.services import api_token_create
from trato.partners.models import Partner

pytestmark = pytest.mark.django_db

API = "/api/v1/partners"


@pytest.fixture
def api(client_for, sales_user):
    client = client_for(sales_user)

    class Api:
        def get(self, path="", **params):
            return client.get(API + path, params)

        def send(self, method, path="", body=None, raw=None):
            data = raw if raw is not None else json.dumps(body or {})
            return getattr(client, method)(API + path, data, content_type="application/json")

    return Api()


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"status", "code", "message", "fields"}
    assert (body["status"], body["code"]) == (status, code)
    assert body["message"]
    return body


def test_create_read_update_archive_and_restore_a_partner(api, sales_user):
    created = api.send(
        "post",
        "",
        {
            "name": "Forjas Ibéricas",
            "kinds": ["customer"],
            "tax_id": "b-1234567-8",
            "phone": "976 12 34 56",
            "tags": ["metal"],
            "salesperson": sales_user.username,
        },
    )
    assert created.status_code == 201, created.content
    partner = created.json()
    assert partner["phone_e164"] == "+34976123456"
    assert (partner["kinds"], partner["tags"], partner["salesperson"]) == (["customer"], ["metal"], sales_user.username)
    pk = partner["id"]

    assert api.get(f"/{pk}").json()["name"] == "Forjas Ibéricas"
    updated = api.send("patch", f"/{pk}", {"version": 1, "city": "Zaragoza", "salesperson": None})
    assert updated.status_code == 200, updated.content
    assert (updated.json()["city"], updated.json()["version"], updated.json()["salesperson"]) == ("Zaragoza", 2, None)
    assert updated.json()["tax_id"] == "b-1234567-8"

    archived = api.send("post", f"/{pk}/archive", {"version": 2})
    assert archived.json()["is_archived"] is True
    assert api.get().json()["count"] == 0
    assert api.get(archived="archived").json()["count"] == 1
    restored = api.send("post", f"/{pk}/restore", {})
    assert restored.json()["is_archived"] is False


def test_a_stale_update_answers_409_and_overwrites_nothing(api, customer):
    assert api.send("patch", f"/{customer.pk}", {"version": 1, "city": "Huesca"}).status_code == 200
    _error(api.send("patch", f"/{customer.pk}", {"version": 1, "city": "Soria"}), 409, "conflict")
    customer.refresh_from_db()
    assert customer.city == "Huesca"


def test_the_list_filters_sorts_and_pages(api, sales_user):
    PartnerFactory(name="Alfa", tags=["vip"], salesperson=sales_user)
    PartnerFactory(name="Beta", is_customer=False, is_prospect=True)
    PartnerFactory(name="Gamma", tags=["vip"])
    names = lambda response: [item["name"] for item in response.json()["items"]]  # noqa: E731
    assert names(api.get(sort="-name")) == ["Gamma", "Beta", "Alfa"]
    assert names(api.get(kind="prospect")) == ["Beta"]
    assert names(api.get(tag="vip")) == ["Alfa", "Gamma"]
    assert names(api.get(salesperson=sales_user.username)) == ["Alfa"]
    assert names(api.get(q="gam")) == ["Gamma"]
    page = api.get(page=2, page_size=2).json()
    assert (page["count"], page["page"], [i["name"] for i in page["items"]]) == (3, 2, ["Gamma"])


def test_the_api_list_runs_the_same_number_of_queries_for_5_or_30_partners(api, django_assert_num_queries):
    for n in range(5):
        PartnerFactory(name=f"Empresa {n}", tags=["a", "b"])
    api.get()
    with CaptureQueriesContext(connection) as few:
        api.get(page_size=100)
    for n in range(25):
        PartnerFactory(name=f"Otra {n}", tags=["c"])
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(api.get(page_size=100).json()["items"]) == 30


def test_an_unknown_sort_key_is_400(api):
    body = _error(api.get(sort="password"), 400, "invalid_sort")
    assert "sort" in body["fields"]


def test_a_huge_page_size_is_422(api):
    body = _error(api.get(page_size=1000), 422, "validation_error")
    assert "page_size" in body["fields"]


def test_an_unknown_filter_value_is_422(api):
    _error(api.get(kind="friend"), 422, "validation_error")
    _error(api.get(archived="maybe"), 422, "validation_error")


def test_malformed_json_is_400(api, customer):
    _error(api.send("post", "", raw='{"name": "Forjas", '), 400, "bad_request")
    _error(api.send("patch", f"/{customer.pk}", raw="not json"), 400, "bad_request")
    assert Partner.objects.count() == 1


def test_wrong_types_are_422_with_field_errors(api, customer):
    body = _error(api.send("post", "", {"name": ["list"], "kinds": "customer"}), 422, "validation_error")
    assert {"name", "kinds"} <= set(body["fields"])
    body = _error(api.send("patch", f"/{customer.pk}", {"version": "one", "city": 5}), 422, "validation_error")
    assert {"version", "city"} <= set(body["fields"])
    body = _error(api.send("patch", f"/{customer.pk}", {"city": "Soria"}), 422, "validation_error")
    assert "version" in body["fields"]


def test_unknown_fields_are_refused_not_ignored(api, customer):
    body = _error(api.send("patch", f"/{customer.pk}", {"version": 1, "is_archived": True}), 422, "validation_error")
    assert "is_archived" in body["fields"]
    customer.refresh_from_db()
    assert not customer.is_archived


def test_invalid_values_come_back_as_field_errors(api):
    body = _error(
        api.send(
            "post", "", {"name": "X", "kinds": ["customer"], "email": "nope", "country": "ZZ", "salesperson": "nobody"}
        ),
        422,
        "validation_error",
    )
    assert "salesperson" in body["fields"]
    body = _error(
        api.send("post", "", {"name": "X", "kinds": ["customer"], "email": "nope", "country": "ZZ"}),
        422,
        "validation_error",
    )
    assert {"email", "country"} <= set(body["fields"])
    _error(api.send("post", "", {"name": "X", "kinds": ["prospect", "customer"]}), 422, "validation_error")
    assert not Partner.objects.exists()


def test_creating_a_kind_the_role_may_not_create_is_403(api):
    _error(api.send("post", "", {"name": "Aceros", "kinds": ["supplier"]}), 403, "forbidden")
    assert not Partner.objects.exists()


def test_an_unknown_partner_is_404(api):
    _error(api.get("/999999"), 404, "not_found")
    _error(api.send("patch", "/999999", {"version": 1}), 404, "not_found")


def test_errors_come_in_the_callers_language(api, sales_user):
    sales_user.language = "es"
    sales_user.save()
    body = _error(api.send("patch", "/1", {"city": "Soria"}), 422, "validation_error")
    assert body["fields"]["version"] == ["Este campo es obligatorio."]


def test_contacts_through_the_api(api, customer):
    created = api.send(
        "post",
        f"/{customer.pk}/contacts",
        {"first_name": "Ana", "last_name": "Gil", "email": "ANA@perez.es", "mobile": "600112233"},
    )
    assert created.status_code == 201, created.content
    contact = created.json()
    assert (contact["email"], contact["mobile_e164"], contact["partner_id"]) == (
        "ana@perez.es",
        "+34600112233",
        customer.pk,
    )
    pk = contact["id"]
    assert api.get(f"/{customer.pk}/contacts").json()["count"] == 1
    assert api.get(f"/contacts/{pk}").json()["last_name"] == "Gil"
    updated = api.send("patch", f"/contacts/{pk}", {"version": 1, "job_title": "Compras"})
    assert updated.json()["job_title"] == "Compras"
    _error(api.send("patch", f"/contacts/{pk}", {"version": 1, "job_title": "Otro"}), 409, "conflict")
    assert api.send("post", f"/contacts/{pk}/archive", {"version": 2}).json()["is_archived"] is True
    assert api.get(f"/{customer.pk}/contacts").json()["count"] == 0
    assert api.get(f"/{customer.pk}/contacts", archived="all").json()["count"] == 1


def test_contacts_of_a_company_the_user_may_only_see_are_read_only(client_for, after_sales_user, customer):
    contact = ContactFactory(partner=customer)
    client = client_for(after_sales_user)
    assert client.get(f"{API}/contacts/{contact.pk}").status_code == 200
    response = client.patch(
        f"{API}/contacts/{contact.pk}", json.dumps({"version": 1, "last_name": "X"}), content_type="application/json"
    )
    _error(response, 403, "forbidden")
    _error(
        client.post(f"{API}/{customer.pk}/contacts", json.dumps({"last_name": "X"}), content_type="application/json"),
        403,
        "forbidden",
    )


def test_a_personal_token_works_without_a_session(client, sales_user, customer):
    _token, secret = api_token_create(user=sales_user, name="ERP sync")
    response = client.get(f"{API}/{customer.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["name"] == customer.name
