import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory

LOGIN = reverse("accounts:login")
PASSWORD = "secret-pass-123"  # tests.factories.UserFactory


@pytest.fixture
def lucia(db):
    return UserFactory(username="lucia")


@pytest.fixture(autouse=True)
def browser_asks_for_english(client):
    """Visitors have no account language: the page follows the browser (Spanish by default)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def log_in(client, password: str, address: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": "lucia", "password": password}, REMOTE_ADDR=address)


def fail(client, times: int, address: str = "10.0.0.1") -> None:
    for _ in range(times):
        assert log_in(client, "wrong-password", address).status_code == 200  # the form again, with its error


def test_a_correct_login_works(client, lucia):
    response = log_in(client, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(lucia.pk)


def test_five_failures_lock_the_account_from_that_address(client, lucia):
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    locked = log_in(client, "wrong-password")
    assert locked.status_code == 429
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed logins" in response.text
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_only_for_that_address(client, lucia):
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, "wrong-password").status_code == 429
    assert log_in(client, PASSWORD).status_code == 429
    assert log_in(client, PASSWORD, address="10.0.0.2").status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client, lucia):
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert log_in(client, PASSWORD).status_code == 302


PROXY = "192.0.2.10"


def log_in_through(client, password: str, *, remote: str, forwarded: str):
    return client.post(
        LOGIN,
        {"username": "lucia", "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def lock_out_through(client, *, remote: str, forwarded: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in_through(client, "wrong-password", remote=remote, forwarded=forwarded).status_code == 200
    assert log_in_through(client, "wrong-password", remote=remote, forwarded=forwarded).status_code == 429


def test_behind_a_trusted_proxy_each_forwarded_client_is_counted_separately(client, lucia, settings):
    settings.TRATO_TRUSTED_PROXIES = frozenset({PROXY})
    lock_out_through(client, remote=PROXY, forwarded="203.0.113.5")
    assert log_in_through(client, PASSWORD, remote=PROXY, forwarded="203.0.113.5").status_code == 429
    assert log_in_through(client, PASSWORD, remote=PROXY, forwarded="203.0.113.6").status_code == 302


def test_behind_a_trusted_proxy_the_hops_a_client_writes_itself_are_ignored(client, lucia, settings):
    settings.TRATO_TRUSTED_PROXIES = frozenset({PROXY})
    lock_out_through(client, remote=PROXY, forwarded="198.51.100.1, 203.0.113.5")
    # Same real client (the hop the proxy appended), another made-up address in front: still locked.
    assert log_in_through(client, PASSWORD, remote=PROXY, forwarded="198.51.100.2, 203.0.113.5").status_code == 429


def test_a_forwarded_address_from_an_untrusted_sender_is_ignored(client, lucia, settings):
    settings.TRATO_TRUSTED_PROXIES = frozenset({PROXY})
    lock_out_through(client, remote="10.0.0.9", forwarded="203.0.113.5")
    # Changing the header does not get the sender out of its lock...
    assert log_in_through(client, PASSWORD, remote="10.0.0.9", forwarded="203.0.113.77").status_code == 429
    # ...and did not lock the address it named.
    assert log_in_through(client, PASSWORD, remote=PROXY, forwarded="203.0.113.5").status_code == 302


def test_without_trusted_proxies_the_header_is_never_believed(client, lucia, settings):
    settings.TRATO_TRUSTED_PROXIES = frozenset()
    lock_out_through(client, remote=PROXY, forwarded="203.0.113.5")
    assert log_in_through(client, PASSWORD, remote=PROXY, forwarded="203.0.113.6").status_code == 429
