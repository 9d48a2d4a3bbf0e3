"""Shared personas: one user per role, plus an outsider with no role at all."""

import os
from pathlib import Path

import pytest

from tests.factories import UserFactory
from trato.accounts.roles import Role

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

ROLE_PERSONAS = {
    "sales_user": [Role.SALES_USER],
    "sales_manager": [Role.SALES_MANAGER],
    "after_sales_user": [Role.AFTER_SALES_USER],
    "after_sales_manager": [Role.AFTER_SALES_MANAGER],
    "purchasing_user": [Role.PURCHASING_USER],
    "purchasing_manager": [Role.PURCHASING_MANAGER],
    "quality_manager": [Role.QUALITY_MANAGER],
    "administrator": [Role.ADMINISTRATOR],
    "outsider": [],
}


def _persona(name):
    @pytest.fixture
    def fixture(db):
        return UserFactory(username=name, roles=ROLE_PERSONAS[name])

    fixture.__name__ = name
    return fixture


for _name in ROLE_PERSONAS:
    globals()[_name] = _persona(_name)


@pytest.fixture
def persona(request, db):
    """Parametrise with a role name: ``@pytest.mark.parametrize("persona", [...], indirect=True)``."""
    return UserFactory(username=request.param, roles=ROLE_PERSONAS[request.param])


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def locate_shared_fixtures(environ) -> Path | None:
    """The real-world sample files: TRATO_SHARED_FIXTURES, else ../shared/fixtures; None when absent outside CI.

    Under CI (CI set, as .ci/run runs) or with the path configured, a missing folder is an error, never a skip:
    a CI run that silently skipped the interoperability tests would pass without testing them."""
    configured = environ.get("TRATO_SHARED_FIXTURES")
    path = Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared" / "fixtures"
    if path.is_dir():
        return path
    if configured or environ.get("CI"):
        raise FileNotFoundError(f"the shared fixtures folder {path} does not exist")
    return None


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    """The real-world sample files in ../shared/fixtures (path set by .ci/run)."""
    try:
        path = locate_shared_fixtures(os.environ)
    except FileNotFoundError as exc:
        pytest.fail(str(exc))
    if path is None:
        pytest.skip("../shared/fixtures is not here (outside CI only)")
    return path
