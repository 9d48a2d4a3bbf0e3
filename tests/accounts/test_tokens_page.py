import pytest
from django.urls import reverse

from tests.factories import UserFactory
from trato.accounts.models import ApiToken
from trato.accounts.services import api_token_create
from trato.accounts.tokens import user_for_token

URL = reverse("accounts:tokens")


def revoke_url(token) -> str:
    return reverse("accounts:token_revoke", args=[token.pk])


def test_the_page_lists_my_tokens_and_not_those_of_others(client_for, sales_user):
    mine, secret = api_token_create(user=sales_user, name="My ERP sync")
    api_token_create(user=UserFactory(), name="Someone else's script")
    page = client_for(sales_user).get(URL).text
    assert "My ERP sync" in page
    assert mine.prefix in page
    assert secret not in page
    assert "Someone else" not in page


def test_creating_a_token_shows_its_secret_once(client_for, sales_user):
    client = client_for(sales_user)
    response = client.post(URL, {"name": "Reports"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=sales_user)
    secret = response.context["secret"]
    assert secret in response.text
    assert "will not be shown again" in response.text
    assert user_for_token(secret) == sales_user
    assert "no-store" in response["Cache-Control"]
    assert secret not in client.get(URL).text
    assert token.prefix in client.get(URL).text


def test_a_token_without_a_name_is_refused_inline(client_for, sales_user):
    response = client_for(sales_user).post(URL, {"name": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert "is-invalid" in response.text
    assert not ApiToken.objects.exists()


def test_revoking_a_token_stops_it_working(client_for, sales_user):
    token, secret = api_token_create(user=sales_user, name="Old script")
    response = client_for(sales_user).post(revoke_url(token), follow=True)
    assert response.redirect_chain[-1][0] == URL
    assert "is revoked" in response.text
    assert user_for_token(secret) is None


def test_the_revoke_button_asks_for_confirmation(client_for, sales_user):
    token, _secret = api_token_create(user=sales_user, name="Old script")
    page = client_for(sales_user).get(URL).text
    assert f'action="{revoke_url(token)}"' in page
    assert "data-confirm=" in page


def test_revoking_needs_a_post(client_for, sales_user):
    token, secret = api_token_create(user=sales_user, name="Old script")
    assert client_for(sales_user).get(revoke_url(token)).status_code == 405
    assert user_for_token(secret) == sales_user


def test_revoking_someone_elses_token_is_404_and_changes_nothing(client_for, sales_user, administrator):
    token, secret = api_token_create(user=sales_user, name="Mine")
    assert client_for(administrator).post(revoke_url(token)).status_code == 404
    assert user_for_token(secret) == sales_user


@pytest.mark.parametrize("count", [1, 8])
def test_the_list_runs_a_constant_number_of_queries(client_for, sales_user, django_assert_num_queries, count):
    client = client_for(sales_user)
    for n in range(count):
        api_token_create(user=sales_user, name=f"token {n}")
    # session, user, tokens; the navigation: the unread notifications, and the open claims that are the user's (their
    # roles and the team members whose customers' claims they see, read once per request, then one count)
    with django_assert_num_queries(7):
        client.get(URL)
