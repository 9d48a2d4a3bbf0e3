import pytest
from django.urls import reverse

from tests.factories import UserFactory
from trato.accounts.models import ApiToken, SalesTeam
from trato.accounts.roles import Role
from trato.accounts.services import api_token_create


@pytest.fixture
def admin_client(client_for, db):
    return client_for(UserFactory(username="root", is_staff=True, is_superuser=True))


def test_the_user_list_shows_roles_by_name(admin_client, sales_manager):
    page = admin_client.get(reverse("admin:accounts_user_changelist")).text
    assert "Sales manager" in page


def test_the_user_form_has_language_time_zone_and_roles(admin_client, sales_manager):
    page = admin_client.get(reverse("admin:accounts_user_change", args=[sales_manager.pk])).text
    assert 'name="language"' in page
    assert 'name="time_zone"' in page
    assert "Roles" in page
    assert "After-sales manager" in page  # every role is offered by its name


def test_an_administrator_assigns_a_role_through_the_groups(admin_client, outsider):
    from django.contrib.auth.models import Group

    url = reverse("admin:accounts_user_change", args=[outsider.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "groups"}
    data.update(date_joined_0="2026-01-01", date_joined_1="10:00:00", last_login_0="", last_login_1="")
    data["groups"] = [Group.objects.get(name=Role.PURCHASING_USER).pk]
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(outsider.groups.values_list("name", flat=True)) == [Role.PURCHASING_USER]


def test_sales_teams_are_managed_in_the_admin(admin_client, sales_manager, sales_user):
    team = SalesTeam.objects.create(name="Norte", leader=sales_manager)
    team.members.add(sales_user)
    page = admin_client.get(reverse("admin:accounts_salesteam_changelist")).text
    assert "Norte" in page
    assert str(sales_user) in page


def test_tokens_are_read_only_in_the_admin_and_show_no_secret(admin_client, sales_user):
    token, secret = api_token_create(user=sales_user, name="ERP sync")
    assert "ERP sync" in admin_client.get(reverse("admin:accounts_apitoken_changelist")).text
    detail = admin_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).text
    assert token.prefix in detail
    assert token.secret_hash not in detail
    assert secret not in detail
    assert admin_client.get(reverse("admin:accounts_apitoken_add")).status_code == 403
    admin_client.post(reverse("admin:accounts_apitoken_change", args=[token.pk]), {"name": "renamed"})
    assert ApiToken.objects.get(pk=token.pk).name == "ERP sync"
