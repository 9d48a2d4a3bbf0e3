from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory
from trato.accounts.models import PasswordResetRequest

URL = reverse("accounts:password_reset")
DONE = reverse("accounts:password_reset_done")
WORKER_AS_YOU_WAIT = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def mail_goes_out_at_once(settings):
    settings.TASKS = WORKER_AS_YOU_WAIT
    settings.TRATO_PASSWORD_RESET_PER_ACCOUNT_PER_HOUR = 3
    settings.TRATO_PASSWORD_RESET_PER_ADDRESS_PER_HOUR = 10


@pytest.fixture
def lucia(db):
    return UserFactory(username="lucia", email="lucia@example.com")


def ask(client, email: str = "lucia@example.com", address: str = "10.0.0.1"):
    response = client.post(URL, {"email": email}, REMOTE_ADDR=address)
    assert response.status_code == 302
    assert response.url == DONE  # the same answer, limited or not, account or not
    return response


def test_three_requests_an_hour_for_one_account_send_three_mails_and_the_fourth_sends_nothing(client, lucia):
    for _ in range(3):
        ask(client)
    assert len(mail.outbox) == 3
    ask(client)
    assert len(mail.outbox) == 3


def test_the_account_limit_counts_requests_from_every_address(client, lucia):
    for n in range(3):
        ask(client, address=f"10.0.0.{n + 1}")
    ask(client, address="10.0.0.99")
    assert len(mail.outbox) == 3


def test_the_account_limit_counts_the_address_however_it_is_typed(client, lucia):
    for email in ("lucia@example.com", "LUCIA@Example.com", "ｌｕｃｉａ@example.com"):
        ask(client, email=email)
    ask(client, email="Lucia@example.com")
    assert len(mail.outbox) == 3


def test_ten_requests_an_hour_from_one_address_then_nothing_is_sent_even_for_another_account(client, lucia):
    for n in range(10):
        ask(client, email=f"nobody{n}@example.com")
    ask(client)
    assert mail.outbox == []
    ask(client, address="10.0.0.2")  # another client is not held back
    assert len(mail.outbox) == 1


def test_an_unknown_address_is_limited_like_a_known_one(client, lucia):
    for _ in range(4):
        ask(client, email="nobody@example.com")
    assert PasswordResetRequest.objects.filter(email="nobody@example.com").count() == 4
    assert mail.outbox == []


def test_after_an_hour_the_account_may_ask_again(client, lucia):
    for _ in range(4):
        ask(client)
    assert len(mail.outbox) == 3
    earlier = PasswordResetRequest.objects.first().requested_at - timedelta(hours=1, seconds=1)
    PasswordResetRequest.objects.update(requested_at=earlier)
    ask(client)
    assert len(mail.outbox) == 4
    assert PasswordResetRequest.objects.count() == 1  # the old requests were forgotten


def test_behind_a_trusted_proxy_the_address_limit_counts_the_real_client(client, lucia, settings):
    settings.TRATO_TRUSTED_PROXIES = frozenset({"192.0.2.10"})
    for n in range(10):
        client.post(
            URL, {"email": f"nobody{n}@example.com"}, REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.5"
        )
    client.post(URL, {"email": "lucia@example.com"}, REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert len(mail.outbox) == 1
    assert set(PasswordResetRequest.objects.values_list("address", flat=True)) == {"203.0.113.5", "203.0.113.6"}


def test_a_machine_account_never_gets_a_reset_link(client, db):
    UserFactory(username="mail-gateway", email="gateway@example.com")
    ask(client, email="gateway@example.com")
    assert mail.outbox == []
