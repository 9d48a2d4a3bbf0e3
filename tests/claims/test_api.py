"""The claims API: the same services behind JSON, one error body, idempotent ERP creation, constant queries."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.claims import support
from tests.claims.support import make_category, make_claim, make_partner
from trato.claims.models import Claim, Kind, State

pytestmark = pytest.mark.django_db
API = "/api/v1/claims"
customer, supplier = support.customer, support.supplier  # fixtures


@pytest.fixture
def api(client_for, after_sales_user):
    return api_for(client_for, after_sales_user)


def api_for(client_for, user):
    client = client_for(user)

    class Api:
        def get(self, path="", **params):
            return client.get(API + path, params)

        def send(self, method, path="", body=None):
            return getattr(client, method)(API + path, json.dumps(body or {}), content_type="application/json")

    return Api()


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"status", "code", "message", "fields"}
    assert (body["status"], body["code"]) == (status, code)
    assert body["message"]
    return body


def test_the_procedure_through_the_api(api, customer, after_sales_user):
    category = make_category(Kind.CUSTOMER, default_deadline_days=7)
    created = api.send("post", "", {
        "kind": "customer", "subject": "Tornillos oxidados", "partner": customer.pk, "category": category.pk,
        "responsible": after_sales_user.username, "description": "Llegaron oxidados", "received_on": "2026-03-02",
        "origins": [{"doc_type": "delivery", "number": "ALB-77",
                     "lines": [{"product_code": "TOR-M8", "quantity": 50}]}],
    })  # fmt: skip
    assert created.status_code == 201, created.content
    claim = created.json()
    assert claim["number"].startswith("RC-") and claim["deadline"] == "2026-03-09"
    assert claim["origins"][0]["lines"][0]["product_code"] == "TOR-M8"
    pk = claim["id"]

    opened = api.send("post", f"/{pk}/open", {"version": claim["version"]})
    assert opened.json()["state"] == "open", opened.content
    cause = api.send("post", f"/{pk}/causes", {"category": "transport", "description": "Humedad en el camión"})
    assert cause.status_code == 201
    action = api.send("post", f"/{pk}/actions", {"kind": "corrective", "description": "Embalaje estanco"}).json()
    assert api.send("patch", f"/{pk}/actions/{action['id']}", {"done_on": "2026-03-05"}).json()["done_on"]
    version = api.get(f"/{pk}").json()["version"]
    assert api.send("patch", f"/{pk}", {"version": version, "resolution": "replacement"}).status_code == 200
    closed = api.send("post", f"/{pk}/close", {"closing_note": "Repuestos enviados"})
    assert (closed.json()["state"], closed.json()["time_to_close_seconds"] is not None) == ("closed", True)


def test_the_erp_retry_returns_the_first_claim_with_200(api, customer):
    body = {"kind": "customer", "subject": "Pedido 881", "partner": customer.pk, "external_ref": "SAP-881"}
    first = api.send("post", "", body)
    again = api.send("post", "", {**body, "subject": "Otra vez"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["subject"] == "Pedido 881"
    assert again.json()["channel"] == "api"
    assert Claim.objects.count() == 1


def test_a_refused_move_answers_with_what_is_missing(api, after_sales_user):
    claim = make_claim(by=after_sales_user, category=None, description="", responsible=after_sales_user)
    body = _error(api.send("post", f"/{claim.pk}/open", {}), 400, "move_refused")
    assert body["message"] == "To open this claim, add: the category, a description."
    assert body["fields"] == {"__all__": [body["message"]]}
    body = _error(api.send("post", f"/{claim.pk}/close", {"closing_note": "x"}), 400, "move_refused")
    assert body["message"] == "Only an open claim can be closed."
    claim.refresh_from_db()
    assert (claim.state, claim.version) == (State.DRAFT, 1)


def test_a_stale_patch_answers_409_and_changes_nothing(api, after_sales_user):
    claim = make_claim(by=after_sales_user)
    assert api.send("patch", f"/{claim.pk}", {"version": 1, "subject": "Nuevo"}).status_code == 200
    _error(api.send("patch", f"/{claim.pk}", {"version": 1, "subject": "Viejo"}), 409, "conflict")
    claim.refresh_from_db()
    assert claim.subject == "Nuevo"


def test_bad_input_gets_field_errors_and_creates_nothing(api, supplier):
    cases = [
        ({"partner": supplier.pk}, "partner"),
        ({"partner": 999999}, "partner"),
        ({"responsible": "nobody-here"}, "responsible"),
        ({"category": 999999}, "category"),
        ({"priority": "asap"}, "priority"),
        ({"colour": "red"}, "colour"),
    ]
    for extra, field in cases:
        body = _error(api.send("post", "", {"kind": "customer", "subject": "X", **extra}), 422, "validation_error")
        assert field in body["fields"], (extra, body)
    assert not Claim.objects.exists()


def test_a_claim_of_a_kind_the_role_may_not_create_is_forbidden(api):
    _error(api.send("post", "", {"kind": "supplier", "subject": "NC"}), 403, "forbidden")
    assert not Claim.objects.exists()


def test_a_hidden_claim_is_404_and_a_read_only_one_403(client_for, purchasing_user, sales_user, after_sales_user):
    hidden = make_claim(Kind.SUPPLIER, by=purchasing_user)
    mine = make_claim(by=after_sales_user, partner=make_partner("customer", salesperson=sales_user))
    sales = api_for(client_for, sales_user)
    for path in (f"/{hidden.pk}", f"/{hidden.pk}/open"):
        _error(sales.get(path) if path.endswith(str(hidden.pk)) else sales.send("post", path), 404, "not_found")
    assert sales.get(f"/{mine.pk}").status_code == 200
    _error(sales.send("patch", f"/{mine.pk}", {"version": 1, "subject": "No"}), 403, "forbidden")
    _error(sales.send("post", f"/{mine.pk}/causes", {"category": "design", "description": "x"}), 403, "forbidden")


def test_filters_find_claims_by_document_product_and_overdue(api, after_sales_user):
    today = timezone.localdate()
    origin = {"doc_type": "invoice", "number": "FAC-1001", "lines": [{"product_code": "VAL-3"}]}
    late = make_claim(
        by=after_sales_user,
        deadline=today - datetime.timedelta(days=1),
        received_on=today - datetime.timedelta(days=5),
        origins=[origin],
    )
    make_claim(by=after_sales_user)
    for params in ({"document": "FAC-1001"}, {"product": "VAL-3"}, {"overdue": "true"}, {"origin_type": "invoice"},
                   {"q": "FAC-1001"}):  # fmt: skip
        items = api.get(**params).json()["items"]
        assert [item["id"] for item in items] == [late.pk], params
    assert api.get(kind="customer", state="draft").json()["count"] == 2


def test_unknown_filters_and_sorts_are_refused(api):
    _error(api.get(sort="password"), 400, "invalid_sort")
    _error(api.get(state="lost"), 422, "validation_error")
    _error(api.get(page_size=101), 422, "validation_error")


def _list_queries(api) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(page_size=50)
    assert response.status_code == 200
    return len(queries)


def test_the_list_runs_the_same_queries_for_3_and_20_claims(api, after_sales_user):
    partner = make_partner("customer")
    for _i in range(3):
        make_claim(by=after_sales_user, partner=partner, responsible=after_sales_user, assignees=[after_sales_user])
    few = _list_queries(api)
    for _i in range(17):
        make_claim(by=after_sales_user, partner=make_partner("customer"), responsible=after_sales_user,
                   assignees=[after_sales_user])  # fmt: skip
    assert api.get(page_size=50).json()["count"] == 20
    assert _list_queries(api) == few


def _open_claim_with_cause(api, after_sales_user) -> int:
    claim = make_claim(by=after_sales_user, responsible=after_sales_user)
    assert api.send("post", f"/{claim.pk}/open", {}).json()["state"] == "open"
    assert api.send("post", f"/{claim.pk}/causes", {"category": "transport", "description": "Golpe"}).status_code == 201
    return claim.pk


def test_the_api_closes_a_claim_with_its_resolution_in_one_call(api, after_sales_user):
    pk = _open_claim_with_cause(api, after_sales_user)
    body = {"resolution": "credit_note", "resolution_cost": "412.50", "closing_note": "Abono emitido"}
    closed = api.send("post", f"/{pk}/close", body).json()
    assert (closed["state"], closed["resolution"], closed["resolution_cost"]) == ("closed", "credit_note", "412.50")


def test_a_refused_close_in_one_call_keeps_nothing_and_says_what_is_missing(api, after_sales_user):
    pk = _open_claim_with_cause(api, after_sales_user)
    body = _error(api.send("post", f"/{pk}/close", {"resolution": "replacement"}), 400, "move_refused")
    assert body["message"] == "To close this claim, add: a closing note."
    claim = Claim.objects.get(pk=pk)
    assert (claim.state, claim.resolution) == (State.OPEN, "")


def test_closing_with_an_unknown_resolution_is_a_422_naming_the_field(api, after_sales_user):
    pk = _open_claim_with_cause(api, after_sales_user)
    body = _error(
        api.send("post", f"/{pk}/close", {"resolution": "magic", "closing_note": "x"}), 422, "validation_error"
    )
    assert list(body["fields"]) == ["resolution"]
    assert Claim.objects.get(pk=pk).state == State.OPEN
