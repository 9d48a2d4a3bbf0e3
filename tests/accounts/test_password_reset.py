import re
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from tests.factories import UserFactory
from trato.accounts.models import User

URL = reverse("accounts:password_reset")
NEW = "a-much-longer-pass-2026"
WORKER_AS_YOU_WAIT = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
QUEUED_FOR_THE_WORKER = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class UnreachableMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPException("connection refused")


@pytest.fixture(autouse=True)
def mail_goes_out_at_once(settings):
    """The reset mail is sent by the background worker; here it runs as the request is answered."""
    settings.TASKS = WORKER_AS_YOU_WAIT


@pytest.fixture
def lucia(db):
    return UserFactory(username="lucia", email="lucia@example.com")


@pytest.fixture(autouse=True)
def browser_asks_for_english(client):
    """Visitors have no account language: the page follows the browser (Spanish by default)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def ask_for_link(client, email: str = "lucia@example.com") -> str:
    response = client.post(URL, {"email": email})
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    return re.search(r"https?://testserver(/\S+)", mail.outbox[0].body).group(1)


def set_password(client, link: str, password: str = NEW):
    form_page = client.get(link, follow=True)
    return client.post(form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})


def test_the_pages_are_open_to_visitors_and_have_proper_titles(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert "<title>Reset your password · Trato</title>" in response.text
    assert "<title>Check your email · Trato</title>" in client.get(reverse("accounts:password_reset_done")).text


def test_the_mail_carries_a_link_that_sets_a_new_password(client, lucia):
    link = ask_for_link(client)
    assert mail.outbox[0].to == ["lucia@example.com"]
    assert "\n" not in mail.outbox[0].subject
    assert "lucia" in mail.outbox[0].body
    form_page = client.get(link, follow=True)
    assert "<title>Choose a new password · Trato</title>" in form_page.text
    response = set_password(client, link)
    assert response.url == reverse("accounts:password_reset_complete")
    assert User.objects.get(pk=lucia.pk).check_password(NEW)
    login = client.post(reverse("accounts:login"), {"username": "lucia", "password": NEW})
    assert login.status_code == 302


def test_a_used_link_is_refused(client, lucia):
    link = ask_for_link(client)
    set_password(client, link)
    again = client.get(link, follow=True)
    assert "<title>This link no longer works · Trato</title>" in again.text
    assert 'name="new_password1"' not in again.text
    assert User.objects.get(pk=lucia.pk).check_password(NEW)


def test_a_tampered_link_is_refused(client, lucia):
    link = ask_for_link(client)
    response = client.get(link[:-3] + "xyz/", follow=True)
    assert "This link no longer works" in response.text


def test_an_unknown_address_sends_nothing_but_says_the_same(client, lucia):
    response = client.post(URL, {"email": "nobody@example.com"})
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_the_mail_is_written_in_the_accounts_language(client, lucia):
    lucia.language = "es"
    lucia.save()
    client.post(URL, {"email": "lucia@example.com"}, headers={"Accept-Language": "en"})
    (message,) = mail.outbox
    with translation.override("es"):
        assert message.subject == translation.gettext("Reset your Trato password")
        assert translation.gettext("Choose a new password here:") in message.body
    assert message.subject != "Reset your Trato password"  # the Spanish catalogue is compiled


def test_without_an_account_language_the_mail_follows_the_page(client, lucia):
    lucia.language = ""
    lucia.save()
    client.post(URL, {"email": "lucia@example.com"}, headers={"Accept-Language": "en"})
    assert mail.outbox[0].subject == "Reset your Trato password"


def test_a_known_and_an_unknown_address_get_the_same_answer_even_when_mail_fails(client, lucia, settings):
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableMailServer"
    known = client.post(URL, {"email": "lucia@example.com"})
    unknown = client.post(URL, {"email": "nobody@example.com"})
    assert (
        (known.status_code, known.url)
        == (unknown.status_code, unknown.url)
        == (302, reverse("accounts:password_reset_done"))
    )


def test_the_mail_waits_for_the_worker_and_the_queue_holds_no_reset_link(client, lucia, settings):
    settings.TASKS = QUEUED_FOR_THE_WORKER
    client.post(URL, {"email": "lucia@example.com"})
    assert mail.outbox == []
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "trato.accounts.tasks.password_reset_mail_send"
    assert "reset" not in str(queued.args_kwargs) and "token" not in str(queued.args_kwargs)


def test_an_unknown_address_queues_nothing(client, lucia, settings):
    settings.TASKS = QUEUED_FOR_THE_WORKER
    client.post(URL, {"email": "nobody@example.com"})
    assert not DBTaskResult.objects.exists()
