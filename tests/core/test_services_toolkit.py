"""The service toolkit: domain errors, shared validation, durable service transactions, and lock_for_change."""

import pytest
from django.db import transaction
from django.utils import translation

from tests.partners.factories import PartnerFactory
from trato.core import errors
from trato.core.services import composed, lock_for_change, service_transaction
from trato.core.validation import MAX_ID, is_record_id, model_errors, raise_if_any, unknown_fields
from trato.partners import services as partner_services
from trato.partners.models import Partner


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# Errors


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (errors.DomainError, 400, "invalid"),
        (errors.InvalidInput, 422, "validation_error"),
        (errors.InvalidState, 409, "invalid_state"),
        (errors.MoveRefused, 400, "move_refused"),
        (errors.NotFound, 404, "not_found"),
        (errors.Conflict, 409, "conflict"),
        (errors.NotAllowed, 403, "forbidden"),
    ],
)
def test_each_domain_error_carries_its_status_and_code(error, status, code):
    raised = error()
    assert (raised.status, raised.code, isinstance(raised, errors.DomainError)) == (status, code, True)
    assert str(raised.message)


def test_the_old_conflict_name_still_works():
    assert errors.ConflictError is errors.Conflict


def test_a_refused_move_carries_what_is_missing_as_text():
    refused = errors.MoveRefused("To open it, add: a cause.", missing=["a cause"])
    assert (refused.missing, refused.fields) == (["a cause"], {"__all__": ["To open it, add: a cause."]})


# Validation


@pytest.mark.parametrize(("value", "valid"), [("1", True), (MAX_ID, True), (MAX_ID + 1, False), ("0", False),
                                              ("-3", False), ("1e3", False), ("", False)])  # fmt: skip
def test_a_record_id_is_a_positive_integer_the_database_can_hold(value, valid):
    assert is_record_id(value) is valid


def test_raise_if_any_raises_every_field_error_at_once_and_the_first_general_one_as_message():
    with pytest.raises(errors.InvalidInput) as refused:
        raise_if_any({"__all__": ["Pick one."], "name": ["Required."], "city": ["Too long."]})
    assert refused.value.message == "Pick one."
    assert refused.value.fields == {"name": ["Required."], "city": ["Too long."]}
    raise_if_any({})  # nothing to say: no error


def test_unknown_fields_are_refused_by_name():
    with pytest.raises(errors.InvalidInput) as refused:
        unknown_fields({"name": "x", "colour": "red"}, {"name"})
    assert refused.value.fields == {"colour": ["This field is not allowed."]}


@pytest.mark.django_db
def test_model_errors_check_constraints_but_leave_uniqueness_to_the_services():
    no_kind = Partner(name="Sin tipo", country="ES")
    assert model_errors(no_kind, exclude=["created_by", "version", "tags"]) == {
        "__all__": ["A partner is a prospect, a customer or a supplier."]
    }
    existing = PartnerFactory(name="Acme")
    same_pk = Partner(pk=existing.pk, name="Acme", is_customer=True, country="ES")  # unique pk: not checked here
    assert model_errors(same_pk, exclude=["created_by", "version", "tags"]) == {}


# Transactions


@pytest.mark.django_db
def test_a_service_runs_in_its_own_transaction_inside_a_test(sales_manager):
    partner = partner_services.partner_create(by=sales_manager, data={"name": "Acme", "kinds": ["customer"]})
    assert Partner.objects.filter(pk=partner.pk).exists()


@pytest.mark.django_db
def test_a_top_level_service_refuses_to_run_inside_someone_elses_transaction(sales_manager):
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        partner_services.partner_create(by=sales_manager, data={"name": "Acme", "kinds": ["customer"]})
    assert not Partner.objects.exists()


@pytest.mark.django_db
def test_composed_runs_several_services_as_one_unit_all_or_nothing(sales_manager):
    with pytest.raises(errors.InvalidInput), composed():
        partner_services.partner_create(by=sales_manager, data={"name": "Acme", "kinds": ["customer"]})
        partner_services.partner_create(by=sales_manager, data={"name": "", "kinds": ["customer"]})
    assert not Partner.objects.exists()
    with composed():
        partner_services.partner_create(by=sales_manager, data={"name": "Acme", "kinds": ["customer"]})
        partner_services.partner_create(by=sales_manager, data={"name": "Beta", "kinds": ["customer"]})
    assert sorted(Partner.objects.values_list("name", flat=True)) == ["Acme", "Beta"]


@pytest.mark.django_db
def test_service_transaction_is_also_a_decorator(sales_manager):
    @service_transaction()
    def create_two():
        PartnerFactory(name="Uno")
        PartnerFactory(name="Dos")

    create_two()
    assert Partner.objects.count() == 2
    with transaction.atomic(), pytest.raises(RuntimeError):
        create_two()


# Taking a record to change it


@pytest.mark.django_db
def test_lock_for_change_returns_the_stored_record_for_who_may_change_it(sales_manager):
    partner = PartnerFactory(name="Acme", is_customer=True)
    Partner.objects.filter(pk=partner.pk).update(city="Lugo")
    with service_transaction():
        locked = lock_for_change(partner, by=sales_manager, version=partner.version)
    assert (locked.pk, locked.city) == (partner.pk, "Lugo")


@pytest.mark.django_db
def test_lock_for_change_refuses_who_may_not_change_it(after_sales_user):
    partner = PartnerFactory(name="Acme", is_customer=True)  # after-sales users see customers, not change them
    with service_transaction(), pytest.raises(errors.NotAllowed):
        lock_for_change(partner, by=after_sales_user)


@pytest.mark.django_db
def test_lock_for_change_refuses_a_stale_version(sales_manager):
    partner = PartnerFactory(name="Acme", is_customer=True)
    Partner.objects.filter(pk=partner.pk).update(version=partner.version + 1)
    with service_transaction(), pytest.raises(errors.Conflict):
        lock_for_change(partner, by=sales_manager, version=partner.version)


@pytest.mark.django_db
def test_lock_for_change_of_a_record_deleted_meanwhile_is_not_found(sales_manager):
    partner = PartnerFactory(name="Acme", is_customer=True)
    Partner.objects.filter(pk=partner.pk).delete()
    with service_transaction(), pytest.raises(errors.NotFound):
        lock_for_change(partner, by=sales_manager)


@pytest.mark.django_db
def test_lock_for_change_needs_a_transaction(sales_manager):
    partner = PartnerFactory(name="Acme", is_customer=True)
    with pytest.raises(RuntimeError, match="needs a transaction"):
        lock_for_change(partner, by=sales_manager)
