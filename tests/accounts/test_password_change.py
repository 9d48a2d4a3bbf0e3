import pytest
from django.urls import reverse

from trato.accounts.models import User

URL = reverse("accounts:password_change")
OLD = "secret-pass-123"  # tests.factories.UserFactory
NEW = "a-much-longer-pass-2026"


@pytest.fixture
def client(client_for, sales_user):
    return client_for(sales_user)


def change(client, old: str, new: str = NEW, again: str = NEW):
    return client.post(URL, {"old_password": old, "new_password1": new, "new_password2": again})


def test_the_page_has_a_proper_title(client):
    response = client.get(URL)
    assert "<title>Change your password · Trato</title>" in response.text
    assert 'name="old_password"' in response.text


def test_the_new_password_needs_the_old_one(client, sales_user):
    response = change(client, "not-my-password")
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    assert User.objects.get(pk=sales_user.pk).check_password(OLD)


def test_the_two_new_passwords_must_match(client, sales_user):
    response = change(client, OLD, again=NEW + "x")
    assert response.context["form"].errors["new_password2"]
    assert User.objects.get(pk=sales_user.pk).check_password(OLD)


def test_a_weak_new_password_is_refused(client, sales_user):
    response = change(client, OLD, new="12345678", again="12345678")
    assert response.context["form"].errors["new_password2"]
    assert User.objects.get(pk=sales_user.pk).check_password(OLD)


def test_changing_the_password_keeps_me_logged_in(client, sales_user):
    response = change(client, OLD)
    assert response.url == reverse("accounts:password_change_done")
    assert User.objects.get(pk=sales_user.pk).check_password(NEW)
    done = client.get(response.url)
    assert "<title>Password changed · Trato</title>" in done.text
    assert client.get(reverse("core:home")).status_code == 200
