import re

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory
from trato.accounts.models import User

URL = reverse("accounts:password_reset")
NEW = "a-much-longer-pass-2026"


@pytest.fixture
def lucia(db):
    return UserFactory(username="lucia", email="lucia@example.com")


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


def test_the_mail_is_written_in_the_accounts_language(client, lucia, monkeypatch):
    lucia.language = "es"
    lucia.save()
    languages = []
    original_send = EmailMultiAlternatives.send

    def send_noting_the_language(message, *args, **kwargs):
        languages.append(translation.get_language())
        return original_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send_noting_the_language)
    client.post(URL, {"email": "lucia@example.com"}, headers={"Accept-Language": "en"})
    assert languages == ["es"]
    assert len(mail.outbox) == 1
