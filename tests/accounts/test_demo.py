import pytest
from django.core.exceptions import ImproperlyConfigured

from trato.accounts import demo
from trato.accounts.models import SalesTeam, User


def test_loading_the_demo_twice_duplicates_nothing(db):
    demo.load()
    demo.load()
    assert User.objects.filter(username__in=[row[0] for row in demo.DEMO_USERS]).count() == len(demo.DEMO_USERS)
    team = SalesTeam.objects.get()
    assert team.leader.username == "jventas"
    assert list(team.members.values_list("username", flat=True)) == ["ventas"]


def test_every_demo_user_logs_in_with_the_demo_password(db):
    demo.load()
    for username, *_rest in demo.DEMO_USERS:
        assert User.objects.get(username=username).check_password(demo.DEMO_PASSWORD)


def test_production_refuses_the_demo_users_and_their_public_password(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        demo.load()
    assert not User.objects.exists()
