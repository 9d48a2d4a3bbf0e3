"""Schemathesis over the whole API: generated requests, for an administrator and for a restricted user.

Every answer must be documented in the OpenAPI schema (status, body shape) and none may be a server error. The run
is bounded and deterministic (derandomised, a fixed number of examples per operation) so that it can gate a
landing; `SCHEMATHESIS_EXAMPLES` raises the number for a deeper run by hand.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.claims.support import make_claim
from trato.accounts.services import api_token_create
from trato.api import api
from trato.wsgi import application

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "15"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Calling the WSGI app directly fires request_finished, which closes the database connection (and with it the
    test's transaction on PostgreSQL); Django's test client disconnects the same handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["administrator", "sales_user"])
def caller(request, db):
    """A token for an administrator (sees and may change everything) and for a sales user (no supplier claims)."""
    user = request.getfixturevalue(request.param)
    _, secret = api_token_create(user=user, name="schemathesis")
    make_claim("customer")
    make_claim("supplier")
    return {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_schema_says(case, caller):
    case.call_and_validate(app=application, headers=caller, checks=CHECKS)
