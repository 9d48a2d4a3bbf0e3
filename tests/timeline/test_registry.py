import pytest
from django.core.exceptions import ImproperlyConfigured

from trato.accounts.models import SalesTeam, User
from trato.core.errors import NotFound
from trato.partners.models import Contact, Partner
from trato.timeline import registry


def test_a_registered_model_is_known_by_its_key():
    assert registry.key_for(Partner) == "partners.partner"
    assert registry.model_for("partners.partner") is Partner


def test_the_key_of_a_record_is_the_key_of_its_model(customer):
    assert registry.key_for(customer) == "partners.partner"


def test_an_unknown_key_is_a_404():
    with pytest.raises(NotFound):
        registry.model_for("accounts.user")


def test_an_unregistered_model_has_no_timeline():
    with pytest.raises(registry.NotRegistered):
        registry.key_for(SalesTeam)


def test_registering_twice_keeps_one_registration():
    assert registry.register(Partner) is registry.register(Partner)


def test_a_model_without_access_rules_cannot_have_a_timeline():
    with pytest.raises(ImproperlyConfigured):
        registry.register(User)
    assert registry.registration_by_key("accounts.user") is None


def test_a_record_with_contacts_offers_its_active_contacts(customer, contact):
    Contact.objects.create(partner=customer, last_name="Gone", is_archived=True)
    offered = registry.registration_for(Partner).contacts(customer)
    assert list(offered) == [contact]
