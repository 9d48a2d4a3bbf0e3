from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from trato.accounts.models import ApiToken
from trato.accounts.services import api_token_create, api_token_revoke
from trato.accounts.tokens import hash_secret, user_for_token
from trato.core.errors import DomainError, NotAllowed


def test_a_new_token_gives_its_secret_once_and_keeps_only_its_hash(sales_user):
    token, secret = api_token_create(user=sales_user, name="ERP sync")
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in [str(value) for value in stored.values()]
    assert stored["secret_hash"] == hash_secret(secret)
    assert secret.startswith(stored["prefix"])
    assert stored["name"] == "ERP sync"


def test_two_tokens_never_share_a_secret(sales_user):
    assert api_token_create(user=sales_user, name="a")[1] != api_token_create(user=sales_user, name="b")[1]


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_token_needs_a_sensible_name(sales_user, name):
    with pytest.raises(DomainError) as refused:
        api_token_create(user=sales_user, name=name)
    assert "name" in refused.value.fields
    assert not ApiToken.objects.exists()


def test_the_secret_leads_back_to_its_owner(sales_user):
    _token, secret = api_token_create(user=sales_user, name="script")
    assert user_for_token(secret) == sales_user


@pytest.mark.parametrize("raw", ["", "trato_wrong", "not-even-a-token", "Bearer x"])
def test_an_unknown_secret_leads_to_nobody(sales_user, raw):
    api_token_create(user=sales_user, name="script")
    assert user_for_token(raw) is None


def test_a_revoked_token_leads_to_nobody(sales_user):
    token, secret = api_token_create(user=sales_user, name="script")
    api_token_revoke(token=token, by=sales_user)
    assert user_for_token(secret) is None


def test_the_token_of_a_deactivated_user_leads_to_nobody(sales_user):
    _token, secret = api_token_create(user=sales_user, name="script")
    sales_user.is_active = False
    sales_user.save()
    assert user_for_token(secret) is None


def test_using_a_token_records_when_at_most_once_a_minute(sales_user, django_assert_num_queries):
    token, secret = api_token_create(user=sales_user, name="script")
    with django_assert_num_queries(2):  # look-up, then the first "last used"
        user_for_token(secret)
    first_use = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first_use is not None
    with django_assert_num_queries(1):  # look-up only: used less than a minute ago
        user_for_token(secret)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first_use


def test_a_token_used_long_ago_gets_its_last_use_updated(sales_user):
    token, secret = api_token_create(user=sales_user, name="script")
    long_ago = timezone.now() - timedelta(hours=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=long_ago)
    user_for_token(secret)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > long_ago


def test_only_the_owner_revokes_a_token(sales_user):
    token, secret = api_token_create(user=sales_user, name="script")
    with pytest.raises(NotAllowed):
        api_token_revoke(token=token, by=UserFactory())
    assert user_for_token(secret) == sales_user


def test_revoking_twice_keeps_the_first_revocation(sales_user):
    token, _secret = api_token_create(user=sales_user, name="script")
    first = api_token_revoke(token=token, by=sales_user).revoked_at
    assert api_token_revoke(token=token, by=sales_user).revoked_at == first


def test_a_token_of_the_mail_gateway_account_never_authenticates(db):
    from tests.factories import UserFactory
    from trato.accounts.services import api_token_create
    from trato.accounts.tokens import user_for_token
    from trato.inbox.system import GATEWAY_USERNAME

    gateway = UserFactory(username=GATEWAY_USERNAME, roles=["administrator"])
    _, secret = api_token_create(user=gateway, name="stolen")

    assert user_for_token(secret) is None
