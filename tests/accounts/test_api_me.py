from django.contrib.auth.models import Group
from django.db import connection

from trato.accounts.models import ApiToken
from trato.accounts.roles import Role
from trato.accounts.services import api_token_create, api_token_revoke
from trato.accounts.tokens import hash_secret

URL = "/api/v1/accounts/me"


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def assert_unauthorized(response) -> None:
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"status", "code", "message", "fields"}
    assert body["status"] == 401
    assert body["code"] == "unauthorized"
    assert body["message"]
    assert body["fields"] == {}


def test_a_bearer_token_opens_the_api_as_its_owner(client, sales_manager):
    sales_manager.groups.add(Group.objects.get(name=Role.QUALITY_MANAGER))
    _token, secret = api_token_create(user=sales_manager, name="script")
    response = client.get(URL, headers=bearer(secret))
    assert response.status_code == 200
    assert response.json() == {
        "username": "sales_manager",
        "first_name": sales_manager.first_name,
        "last_name": sales_manager.last_name,
        "email": sales_manager.email,
        "language": "en",
        "time_zone": "Europe/Madrid",
        "roles": ["quality_manager", "sales_manager"],
    }


def test_the_browser_session_also_opens_the_api(client_for, sales_user):
    response = client_for(sales_user).get(URL)
    assert response.status_code == 200
    assert response.json()["username"] == "sales_user"


def test_a_revoked_token_is_refused_with_401(client, sales_user):
    token, secret = api_token_create(user=sales_user, name="script")
    api_token_revoke(token=token, by=sales_user)
    assert_unauthorized(client.get(URL, headers=bearer(secret)))


def test_a_wrong_token_is_refused_with_401(client, sales_user):
    _token, secret = api_token_create(user=sales_user, name="script")
    assert_unauthorized(client.get(URL, headers=bearer(secret[:-2] + "xx")))


def test_no_credentials_at_all_is_refused_with_401(client, db):
    assert_unauthorized(client.get(URL))


def test_no_table_in_the_database_holds_the_raw_secret(client, sales_user):
    _token, secret = api_token_create(user=sales_user, name="script")
    assert client.get(URL, headers=bearer(secret)).status_code == 200
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            assert not any(secret in str(cell) for row in cursor.fetchall() for cell in row), table
    assert ApiToken.objects.get().secret_hash == hash_secret(secret)
