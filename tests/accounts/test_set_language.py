from django.conf import settings
from django.urls import reverse

from trato.accounts.models import User

URL = reverse("accounts:set_language")
LOGIN = reverse("accounts:login")


def test_the_footer_switch_posts_to_our_view(client_for, sales_user):
    page = client_for(sales_user).get(reverse("core:home")).text
    assert f'<form action="{URL}" method="post"' in page


def test_a_visitor_switches_the_language_of_the_login_page(client, db):
    response = client.post(URL, {"language": "en", "next": LOGIN}, headers={"Accept-Language": "es"})
    assert response.status_code == 302
    assert response.url == LOGIN
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get(LOGIN, headers={"Accept-Language": "es"}).text


def test_a_signed_in_user_keeps_the_language_in_their_account(client_for, sales_user):
    client = client_for(sales_user)
    home = reverse("core:home")
    response = client.post(URL, {"language": "es", "next": home})
    assert response.url == home
    assert User.objects.get(pk=sales_user.pk).language == "es"
    client.cookies.clear()  # another browser, same account
    client.force_login(sales_user)
    assert '<html lang="es">' in client.get(home, headers={"Accept-Language": "en"}).text


def test_an_unknown_language_changes_nothing(client_for, sales_user):
    client = client_for(sales_user)
    client.post(URL, {"language": "fr", "next": "/"})
    assert User.objects.get(pk=sales_user.pk).language == "en"


def test_it_does_not_send_people_to_another_site(client, db):
    response = client.post(URL, {"language": "en", "next": "https://evil.example.com/"})
    assert response.url == "/"


def test_switching_needs_a_post(client, db):
    assert client.get(URL, {"language": "en"}).status_code == 405
