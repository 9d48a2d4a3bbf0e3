import pytest

from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_logs_in_and_sees_the_navigation(page, login):
    user = UserFactory(username="lucia", roles=["sales_user"], language="en")
    login(user)
    assert page.get_by_role("navigation", name="Main navigation").is_visible()
    assert page.get_by_role("link", name="Partners").first.is_visible()


def test_a_wrong_password_is_refused_with_a_message(page, db):
    UserFactory(username="lucia", roles=["sales_user"])
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "lucia")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    assert "/accounts/login/" in page.url
    assert page.locator(".alert-danger").is_visible()
