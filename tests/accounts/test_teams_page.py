import pytest
from django.urls import reverse

from tests.factories import UserFactory
from trato.accounts.models import SalesTeam

URL = reverse("accounts:teams")


def make_team(name: str, members: int) -> SalesTeam:
    team = SalesTeam.objects.create(name=name, leader=UserFactory(first_name="Javier", last_name=f"Leader {name}"))
    team.members.add(*UserFactory.create_batch(members))
    return team


def test_the_page_lists_teams_with_leader_and_members(client_for, sales_user):
    team = make_team("Norte", 0)
    team.members.add(sales_user)
    page = client_for(sales_user).get(URL).text
    assert "Norte" in page
    assert "Javier Leader Norte" in page
    assert sales_user.get_full_name() in page


def test_any_signed_in_user_sees_the_teams(client_for, purchasing_user):
    make_team("Sur", 1)
    assert "Sur" in client_for(purchasing_user).get(URL).text


def test_without_teams_the_page_says_so(client_for, sales_user):
    assert "There are no sales teams yet." in client_for(sales_user).get(URL).text


def test_my_teams_show_on_my_profile(client_for, sales_user):
    make_team("Equipo Cantábrico", 0).members.add(sales_user)
    make_team("Equipo Levante", 0)
    page = client_for(sales_user).get(reverse("accounts:profile")).text
    assert "Equipo Cantábrico" in page
    assert "Equipo Levante" not in page


@pytest.mark.parametrize("teams", [1, 6])
def test_the_list_runs_a_constant_number_of_queries(client_for, sales_user, django_assert_num_queries, teams):
    client = client_for(sales_user)
    for n in range(teams):
        make_team(f"Team {n}", 3)
    # session, user, teams with leaders, members (prefetched); the navigation: the unread notifications, and the open
    # claims that are the user's (their roles and team members, read once per request, then one count)
    with django_assert_num_queries(8):
        client.get(URL)
