import pytest

from tests.factories import UserFactory
from trato.accounts.models import User
from trato.accounts.services import user_language_set, user_preferences_update
from trato.core.errors import DomainError, NotAllowed

VALID = {
    "first_name": " Lucía ",
    "last_name": "Martín",
    "email": "lucia@example.com",
    "language": "es",
    "time_zone": "America/Mexico_City",
}


def test_a_user_saves_their_own_preferences(sales_user):
    user_preferences_update(user=sales_user, by=sales_user, **VALID)
    saved = User.objects.get(pk=sales_user.pk)
    assert (saved.first_name, saved.last_name, saved.email) == ("Lucía", "Martín", "lucia@example.com")
    assert (saved.language, saved.time_zone) == ("es", "America/Mexico_City")


def test_an_empty_language_means_the_browsers(sales_user):
    assert user_preferences_update(user=sales_user, by=sales_user, **{**VALID, "language": ""}).language == ""


def test_nobody_changes_someone_elses_preferences(sales_user, administrator):
    with pytest.raises(NotAllowed):
        user_preferences_update(user=sales_user, by=administrator, **VALID)
    assert User.objects.get(pk=sales_user.pk).time_zone == "Europe/Madrid"


@pytest.mark.parametrize(
    "field,value",
    [("time_zone", "Mars/Olympus"), ("time_zone", ""), ("language", "fr"), ("email", "not-an-address")],
)
def test_bad_values_are_refused_on_their_field_and_change_nothing(sales_user, field, value):
    with pytest.raises(DomainError) as refused:
        user_preferences_update(user=sales_user, by=sales_user, **{**VALID, field: value})
    assert field in refused.value.fields
    saved = User.objects.get(pk=sales_user.pk)
    assert (saved.language, saved.time_zone, saved.email) == ("en", "Europe/Madrid", sales_user.email)


def test_the_language_switch_keeps_only_known_languages(db):
    user = UserFactory(language="en")
    assert user_language_set(user=user, language="es").language == "es"
    with pytest.raises(DomainError):
        user_language_set(user=user, language="xx")
    assert User.objects.get(pk=user.pk).language == "es"
