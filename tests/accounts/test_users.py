import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.utils import translation

from tests.factories import UserFactory
from trato.accounts.admin import SalesTeamAdmin, TratoUserAdmin
from trato.accounts.models import SalesTeam, User
from trato.accounts.services import user_preferences_update
from trato.core.errors import DomainError

TAKEN = "Another user already has this email address."


@pytest.fixture
def lucia(db):
    return UserFactory(username="lucia", email="lucia@example.com")


@pytest.fixture
def gateway(db):
    return UserFactory(username="mail-gateway", email="", first_name="Pasarela", last_name="")


def test_an_email_is_stored_casefolded_and_nfkc_normalised(db):
    user = UserFactory(email="  ＬＵＣÍＡ@Example.COM ")
    user.refresh_from_db()
    assert user.email == "lucía@example.com"


def test_an_address_differing_only_in_case_is_refused_on_the_email_field(lucia):
    other = UserFactory.build(username="other", email="LUCIA@example.com")
    with pytest.raises(ValidationError) as refused:
        other.full_clean()
    assert refused.value.message_dict["email"] == [TAKEN]


def test_the_database_refuses_a_duplicate_that_skips_the_model(lucia):
    other = UserFactory(username="other", email="other@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=other.pk).update(email="Lucia@Example.com")


def test_any_number_of_users_may_have_no_email(db):
    UserFactory(username="a", email="")
    UserFactory(username="b", email="")
    assert User.objects.filter(email="").count() == 2


def test_a_user_keeps_their_own_address_when_saving_again(lucia):
    lucia.full_clean()
    lucia.save()
    assert User.objects.get(pk=lucia.pk).email == "lucia@example.com"


def test_the_preferences_refuse_an_address_another_user_has_and_change_nothing(lucia):
    other = UserFactory(username="other", email="other@example.com", first_name="Old")
    with pytest.raises(DomainError) as refused:
        user_preferences_update(
            user=other,
            by=other,
            first_name="New",
            last_name="",
            email="Lucia@EXAMPLE.com",
            language="",
            time_zone="Europe/Madrid",
        )
    assert refused.value.fields == {"email": [TAKEN]}
    other.refresh_from_db()
    assert (other.first_name, other.email) == ("Old", "other@example.com")


def test_the_admin_user_form_shows_the_duplicate_on_the_email_field(lucia, administrator):
    other = UserFactory(username="other", email="other@example.com")
    request = RequestFactory().get("/")
    request.user = administrator
    form_class = TratoUserAdmin(User, admin.site).get_form(request, other)
    data = {
        "username": "other",
        "email": "LUCIA@example.com",
        "language": "",
        "time_zone": "Europe/Madrid",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "is_active": "on",
    }
    form = form_class(data, instance=other)
    assert not form.is_valid()
    assert form.errors["email"] == [TAKEN]


def test_a_machine_account_is_shown_by_its_translated_name_not_its_stored_one(gateway):
    with translation.override("en"):
        assert str(gateway) == "Mail gateway"
        assert gateway.get_full_name() == "Mail gateway"
        assert gateway.get_short_name() == "Mail gateway"


def test_a_person_is_shown_by_their_name(lucia):
    lucia.first_name, lucia.last_name = "Lucía", "Gómez"
    assert str(lucia) == "Lucía Gómez"


def test_the_team_admin_never_offers_a_machine_account(lucia, gateway, administrator):
    request = RequestFactory().get("/")
    request.user = administrator
    form = SalesTeamAdmin(SalesTeam, admin.site).get_form(request)()
    assert gateway not in form.fields["leader"].queryset
    assert gateway not in form.fields["members"].queryset
    assert lucia in form.fields["leader"].queryset
    assert lucia in form.fields["members"].queryset


def test_the_migration_stores_existing_emails_normalised(lucia):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("trato.accounts.migrations.0005_password_reset_requests_unique_emails")
    User.objects.filter(pk=lucia.pk).update(email="LUCIA@Example.COM")  # as saved before normalisation existed
    migration.normalize_emails(apps, None)
    assert User.objects.get(pk=lucia.pk).email == "lucia@example.com"
