"""The partner and contact services: permission, normalisation, versions and the timeline."""

import pytest
from django.db import transaction

from tests.partners.factories import ContactFactory, PartnerFactory
from trato.core.errors import ConflictError, NotAllowed, NotFound
from trato.partners import services
from trato.partners.models import Partner
from trato.timeline.models import Entry

pytestmark = pytest.mark.django_db


def _create(by, **data):
    return services.partner_create(by=by, data={"name": "Forjas Ibéricas", "kinds": {"customer"}, **data})


def test_creating_a_partner_normalises_what_users_type(sales_user):
    partner = _create(
        sales_user,
        tax_id=" es-b12.345.678 ",
        email="Compras@Forjas.ES",
        phone="912 34 56 78",
        mobile="+33 6 12 34 56 78",
        country="es",
    )
    partner.refresh_from_db()
    assert partner.tax_id == "es-b12.345.678"
    assert partner.tax_id_normalized == "B12345678"
    assert partner.email == "compras@forjas.es"
    assert partner.phone == "912 34 56 78"
    assert partner.phone_e164 == "+34912345678"
    assert partner.mobile_e164 == "+33612345678"
    assert partner.country == "ES"
    assert partner.created_by == sales_user


def test_an_unparseable_phone_is_kept_as_typed_and_flagged(sales_user):
    partner = _create(sales_user, phone="ask for Juan at reception")
    assert partner.phone == "ask for Juan at reception"
    assert partner.phone_e164 == ""
    assert partner.phone_unparseable


def test_a_foreign_partners_national_number_is_read_in_its_country(purchasing_user):
    partner = services.partner_create(
        by=purchasing_user, data={"name": "Stahlwerk", "kinds": {"supplier"}, "country": "DE", "phone": "030 123456"}
    )
    assert partner.phone_e164 == "+4930123456"


def test_roles_may_create_only_their_kinds_of_partner(purchasing_user, after_sales_manager, quality_manager):
    with pytest.raises(NotAllowed):
        _create(purchasing_user)
    with pytest.raises(NotAllowed):
        _create(after_sales_manager, kinds={"prospect"})
    with pytest.raises(NotAllowed):
        _create(quality_manager)
    assert _create(after_sales_manager).is_customer
    assert not Partner.objects.filter(is_prospect=True).exists()


def test_a_partner_needs_a_kind_and_cannot_be_prospect_and_customer(sales_user):
    with pytest.raises(services.InvalidInput) as no_kind:
        _create(sales_user, kinds=set())
    with pytest.raises(services.InvalidInput) as both:
        _create(sales_user, kinds={"prospect", "customer"})
    assert "kinds" in no_kind.value.fields
    assert "kinds" in both.value.fields
    assert not Partner.objects.exists()


def test_invalid_values_are_refused_with_field_errors(sales_user):
    with pytest.raises(services.InvalidInput) as error:
        _create(sales_user, email="not-an-email", country="XX", website="javascript:alert(1)")
    assert {"email", "country", "website"} <= set(error.value.fields)
    assert not Partner.objects.exists()


def test_the_salesperson_must_have_a_sales_role(sales_user, purchasing_user):
    with pytest.raises(services.InvalidInput) as error:
        _create(sales_user, salesperson=purchasing_user)
    assert "salesperson" in error.value.fields


def test_tags_are_reused_case_insensitively(sales_user):
    first = _create(sales_user, tags=["Automoción", "metal"])
    second = _create(sales_user, name="Otra", tags=["automoción", "Metal ", "nuevo"])
    assert sorted(t.name for t in second.tags.all()) == ["Automoción", "metal", "nuevo"]
    assert set(first.tags.all()) < set(second.tags.all())


def test_an_update_changes_only_what_was_sent_and_bumps_the_version(sales_user):
    partner = _create(sales_user, city="Teruel", email="a@b.es")
    updated = services.partner_update(partner=partner, by=sales_user, data={"city": "Huesca"}, version=1)
    assert updated.version == 2
    updated.refresh_from_db()
    assert (updated.city, updated.email, updated.version) == ("Huesca", "a@b.es", 2)


def test_a_stale_version_is_refused_and_nothing_is_overwritten(sales_user, sales_manager):
    partner = _create(sales_user, city="Teruel")
    services.partner_update(partner=partner, by=sales_manager, data={"city": "Huesca"}, version=1)
    with pytest.raises(ConflictError):
        services.partner_update(partner=partner, by=sales_user, data={"city": "Soria"}, version=1)
    partner.refresh_from_db()
    assert partner.city == "Huesca"


def test_someone_who_may_only_see_a_partner_cannot_change_it(sales_user, after_sales_user):
    partner = _create(sales_user)
    with pytest.raises(NotAllowed):
        services.partner_update(partner=partner, by=after_sales_user, data={"city": "Soria"}, version=1)
    with pytest.raises(NotAllowed):
        services.partner_archive(partner=partner, by=after_sales_user)


def test_a_sales_user_cannot_make_a_customer_a_supplier(sales_user):
    partner = _create(sales_user)
    with pytest.raises(NotAllowed):
        services.partner_update(partner=partner, by=sales_user, data={"kinds": {"customer", "supplier"}}, version=1)
    assert not Partner.objects.get(pk=partner.pk).is_supplier


def test_a_prospect_becomes_a_customer(sales_user):
    partner = _create(sales_user, kinds={"prospect"})
    services.partner_update(partner=partner, by=sales_user, data={"kinds": {"customer"}}, version=1)
    partner.refresh_from_db()
    assert partner.kinds == ["customer"]


def test_a_change_that_would_hide_the_partner_from_its_editor_is_refused(administrator, sales_user):
    partner = _create(administrator, kinds={"customer", "supplier"})
    with pytest.raises(NotAllowed):
        services.partner_update(partner=partner, by=sales_user, data={"kinds": {"supplier"}}, version=1)
    assert Partner.objects.get(pk=partner.pk).is_customer


def test_archive_and_restore(sales_user):
    partner = _create(sales_user)
    archived = services.partner_archive(partner=partner, by=sales_user, version=1)
    assert archived.is_archived and archived.version == 2
    with pytest.raises(services.InvalidState):
        services.partner_archive(partner=partner, by=sales_user)
    with pytest.raises(ConflictError):
        services.partner_restore(partner=partner, by=sales_user, version=1)
    assert not services.partner_restore(partner=partner, by=sales_user, version=2).is_archived


def test_changes_of_tracked_fields_go_to_the_timeline(sales_user, sales_manager):
    partner = _create(sales_user, city="Teruel", tags=["metal"])
    services.partner_update(
        partner=partner,
        by=sales_user,
        data={"city": "Huesca", "salesperson": sales_manager, "tags": ["metal", "vip"]},
        version=1,
    )
    entry = Entry.objects.filter(record_type="partners.partner", record_id=partner.pk).order_by("-pk").first()
    changes = {row["field"]: (row["old"], row["new"]) for row in entry.data["changes"]}
    assert changes["city"] == ("Teruel", "Huesca")
    assert changes["salesperson"] == ("", str(sales_manager))
    assert changes["tags"] == ("metal", "metal, vip")
    assert entry.author == sales_user


def test_saving_without_changes_writes_nothing(sales_user):
    partner = _create(sales_user, city="Teruel")
    entries = Entry.objects.count()
    services.partner_update(partner=partner, by=sales_user, data={"city": "Teruel"}, version=1)
    partner.refresh_from_db()
    assert partner.version == 1
    assert Entry.objects.count() == entries


def test_unknown_fields_are_refused(sales_user):
    with pytest.raises(services.InvalidInput) as error:
        _create(sales_user, is_archived=True)
    assert "is_archived" in error.value.fields


def test_contacts_are_changed_by_whoever_may_change_their_company(sales_user, after_sales_user):
    partner = _create(sales_user)
    contact = services.contact_create(
        partner=partner,
        by=sales_user,
        data={"first_name": "Ana", "last_name": "Gil", "email": "Ana@Forjas.es", "mobile": "600 11 22 33"},
    )
    assert contact.email == "ana@forjas.es"
    assert contact.mobile_e164 == "+34600112233"
    assert contact.vcard_uid.startswith("urn:uuid:")
    with pytest.raises(NotAllowed):
        services.contact_update(contact=contact, by=after_sales_user, data={"job_title": "CEO"}, version=1)
    with pytest.raises(NotAllowed):
        services.contact_create(partner=partner, by=after_sales_user, data={"last_name": "X"})
    updated = services.contact_update(contact=contact, by=sales_user, data={"job_title": "CEO"}, version=1)
    assert updated.version == 2
    with pytest.raises(ConflictError):
        services.contact_update(contact=contact, by=sales_user, data={"job_title": "CFO"}, version=1)
    assert services.contact_archive(contact=contact, by=sales_user).is_archived


def test_a_contact_needs_a_last_name(sales_user):
    partner = PartnerFactory()
    with pytest.raises(services.InvalidInput) as error:
        services.contact_create(partner=partner, by=sales_user, data={"first_name": "Ana", "last_name": " "})
    assert "last_name" in error.value.fields
    assert not partner.contacts.exists()


def test_contact_changes_go_to_the_contacts_timeline(sales_user):
    contact = ContactFactory(partner=PartnerFactory(), job_title="Buyer")
    services.contact_update(contact=contact, by=sales_user, data={"job_title": "Head buyer"}, version=1)
    entry = Entry.objects.get(record_type="partners.contact", record_id=contact.pk)
    assert entry.data["changes"][0]["old"] == "Buyer"
    assert entry.data["changes"][0]["new"] == "Head buyer"


def test_a_new_partner_has_one_created_entry_naming_it_not_a_line_per_field(sales_user):
    partner = _create(sales_user, city="Teruel", tags=["metal"])
    entry = Entry.objects.get(record_type="partners.partner", record_id=partner.pk)
    assert entry.data == {"created": {"name": "Forjas Ibéricas"}, "changes": []}
    assert entry.author == sales_user


def test_a_new_contact_has_one_created_entry_naming_them(sales_user):
    partner = _create(sales_user)
    contact = services.contact_create(partner=partner, by=sales_user, data={"first_name": "Ana", "last_name": "Gil"})
    entry = Entry.objects.get(record_type="partners.contact", record_id=contact.pk)
    assert entry.data == {"created": {"name": "Ana Gil"}, "changes": []}


def test_a_partner_deleted_meanwhile_is_not_found_rather_than_forbidden(sales_user):
    partner = _create(sales_user)
    Partner.objects.filter(pk=partner.pk).delete()
    with pytest.raises(NotFound):
        services.partner_update(partner=partner, by=sales_user, data={"city": "Soria"}, version=partner.version)


def test_partner_services_run_in_a_transaction_of_their_own(sales_user):
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        _create(sales_user)
    assert not Partner.objects.exists()
