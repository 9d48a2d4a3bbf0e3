"""The partner pages: list (search, filters, sort, pages, htmx), create, edit, conflicts, archive and restore."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.partners.factories import ContactFactory, PartnerFactory
from trato.partners.models import Partner

pytestmark = pytest.mark.django_db

LIST = reverse("partners:list")


def _names(response) -> list[str]:
    return [p.name for p in response.context["page"].object_list]


def _form(**data) -> dict:
    return {"name": "Forjas Ibéricas", "is_customer": "on", "country": "ES", "language": "es", **data}


# List


def test_the_list_searches_names_codes_tax_ids_emails_cities_and_contact_names(client_for, sales_user):
    PartnerFactory(name="Talleres Pérez", ref="C-0042", tax_id="B-99.887.766", email="taller@perez.es", city="Teruel")
    ContactFactory(partner=PartnerFactory(name="Hidráulicas Ebro"), first_name="Begoña", last_name="Urquiza")
    PartnerFactory(name="Unrelated")
    client = client_for(sales_user)
    for query in ["perez", "PÉREZ", "C-0042", "b99887766", "taller@perez", "teruel"]:
        assert _names(client.get(LIST, {"q": query})) == ["Talleres Pérez"], query
    assert _names(client.get(LIST, {"q": "urquiza"})) == ["Hidráulicas Ebro"]
    assert _names(client.get(LIST, {"q": "talleres teruel"})) == ["Talleres Pérez"]


def test_the_list_filters_by_kind_tag_salesperson_country_and_archived(client_for, sales_manager, sales_user):
    PartnerFactory(name="Prospecto", is_customer=False, is_prospect=True, tags=["feria"], country="PT")
    PartnerFactory(name="Cliente", salesperson=sales_user, tags=["vip"])
    PartnerFactory(name="Archivado", is_archived=True)
    client = client_for(sales_manager)
    assert _names(client.get(LIST)) == ["Cliente", "Prospecto"]
    assert _names(client.get(LIST, {"kind": "prospect"})) == ["Prospecto"]
    assert _names(client.get(LIST, {"tag": "VIP"})) == ["Cliente"]
    assert _names(client.get(LIST, {"salesperson": sales_user.username})) == ["Cliente"]
    assert _names(client.get(LIST, {"salesperson": "none"})) == ["Prospecto"]
    assert _names(client.get(LIST, {"country": "pt"})) == ["Prospecto"]
    assert _names(client.get(LIST, {"archived": "archived"})) == ["Archivado"]
    assert _names(client.get(LIST, {"archived": "all"})) == ["Archivado", "Cliente", "Prospecto"]


def test_the_list_sorts_by_allowed_keys_and_ignores_others(client_for, sales_user):
    PartnerFactory(name="Alfa", city="Zamora")
    PartnerFactory(name="Beta", city="Burgos")
    client = client_for(sales_user)
    assert _names(client.get(LIST, {"sort": "-name"})) == ["Beta", "Alfa"]
    assert _names(client.get(LIST, {"sort": "city"})) == ["Beta", "Alfa"]
    assert _names(client.get(LIST, {"sort": "-city"})) == ["Alfa", "Beta"]
    response = client.get(LIST, {"sort": "password", "kind": "nonsense", "page": "abc", "country": "'; drop"})
    assert response.status_code == 200
    assert _names(response) == ["Alfa", "Beta"]


def test_the_sort_links_keep_the_filters_and_flip_the_direction(client_for, sales_user):
    PartnerFactory(name="Alfa")
    response = client_for(sales_user).get(LIST, {"q": "alfa", "sort": "name"})
    assert 'href="/partners/?q=alfa&amp;sort=-name"' in response.text


def test_the_list_pages_keep_the_filters_in_the_links(client_for, sales_user, settings):
    settings.TRATO_LIST_PAGE_SIZE = 2
    for n in range(5):
        PartnerFactory(name=f"Empresa {n}", city="Lugo")
    response = client_for(sales_user).get(LIST, {"q": "lugo", "page": "2"})
    assert _names(response) == ["Empresa 2", "Empresa 3"]
    assert "?page=3&amp;q=lugo" in response.text
    assert _names(client_for(sales_user).get(LIST, {"q": "lugo", "page": "99"})) == ["Empresa 4"]


def test_htmx_requests_get_only_the_table(client_for, sales_user):
    PartnerFactory(name="Alfa")
    response = client_for(sales_user).get(LIST, {"q": "alf"}, HTTP_HX_REQUEST="true")
    assert "Alfa" in response.text
    assert "<html" not in response.text
    assert 'id="partner-filters"' not in response.text


def test_the_list_runs_the_same_number_of_queries_for_5_or_30_partners(
    client_for, sales_manager, django_assert_num_queries
):
    client = client_for(sales_manager)
    for n in range(5):
        PartnerFactory(name=f"Empresa {n}", tags=["a", "b"], salesperson=sales_manager)
    client.get(LIST)  # warm up caches that do not depend on the data (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for n in range(25):
        PartnerFactory(name=f"Otra {n}", tags=["c"], salesperson=sales_manager)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 25


def test_the_export_links_carry_the_current_filters(client_for, sales_user):
    response = client_for(sales_user).get(LIST, {"q": "lugo", "kind": "customer", "page": "1"})
    assert f"{reverse('partners:export')}?format=csv&amp;kind=customer&amp;q=lugo" in response.text


# Create and edit


def test_creating_a_partner_from_the_form(client_for, sales_user):
    response = client_for(sales_user).post(
        reverse("partners:create"), _form(phone="976 12 34 56", tags="metal, automoción", salesperson=sales_user.pk)
    )
    partner = Partner.objects.get()
    assert response.status_code == 302
    assert response.url == partner.get_absolute_url()
    assert partner.phone_e164 == "+34976123456"
    assert sorted(t.name for t in partner.tags.all()) == ["automoción", "metal"]
    assert partner.salesperson == sales_user
    page = client_for(sales_user).get(response.url)
    assert "Partner “Forjas Ibéricas” created." in page.text
    assert 'href="tel:+34976123456"' in page.text


def test_the_create_form_shows_errors_next_to_the_fields_in_the_users_language(client_for, sales_user):
    sales_user.language = "es"
    sales_user.save()
    response = client_for(sales_user).post(reverse("partners:create"), _form(name="", email="no", website="x y"))
    assert response.status_code == 400
    assert "Este campo es obligatorio." in response.text
    assert 'id="id_name_error"' in response.text
    assert 'id="id_email_error"' in response.text
    assert not Partner.objects.exists()


def test_the_create_form_offers_only_the_kinds_the_role_may_create(client_for, purchasing_user):
    response = client_for(purchasing_user).get(reverse("partners:create"))
    form = response.context["form"]
    assert form.fields["is_customer"].disabled
    assert not form.fields["is_supplier"].disabled
    client_for(purchasing_user).post(reverse("partners:create"), _form(is_supplier="on"))
    partner = Partner.objects.get()
    assert partner.kinds == ["supplier"]


def test_roles_that_may_not_create_partners_get_403(client_for, after_sales_user, outsider):
    for user in (after_sales_user, outsider):
        assert client_for(user).get(reverse("partners:create")).status_code == 403
        assert client_for(user).post(reverse("partners:create"), _form()).status_code == 403
    assert not Partner.objects.exists()


def test_editing_a_partner(client_for, sales_user, customer):
    client = client_for(sales_user)
    page = client.get(reverse("partners:edit", args=[customer.pk]))
    assert 'name="version" value="1"' in page.text
    response = client.post(
        reverse("partners:edit", args=[customer.pk]),
        _form(name=customer.name, tax_id=customer.tax_id, city="Huesca", version=1),
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.city, customer.version) == ("Huesca", 2)


def test_a_stale_edit_shows_a_conflict_and_overwrites_nothing(client_for, sales_user, sales_manager, customer):
    url = reverse("partners:edit", args=[customer.pk])
    data = {"name": customer.name, "tax_id": customer.tax_id}
    assert client_for(sales_manager).post(url, _form(**data, city="Huesca", version=1)).status_code == 302
    response = client_for(sales_user).post(url, _form(**data, city="Soria", version=1))
    assert response.status_code == 400
    assert "Someone else changed this record after you opened it" in response.text
    customer.refresh_from_db()
    assert (customer.city, customer.version) == ("Huesca", 2)


# Archive and restore


def test_archiving_and_restoring_from_the_detail_page(client_for, sales_user, customer):
    client = client_for(sales_user)
    response = client.post(reverse("partners:archive", args=[customer.pk]), {"version": 1}, follow=True)
    assert "archived" in response.text
    customer.refresh_from_db()
    assert customer.is_archived
    assert _names(client.get(LIST)) == []
    response = client.post(reverse("partners:restore", args=[customer.pk]), {"version": 2}, follow=True)
    assert "restored" in response.text
    customer.refresh_from_db()
    assert not customer.is_archived


def test_archiving_from_a_stale_page_changes_nothing(client_for, sales_user, customer):
    customer.version = 3
    customer.save()
    response = client_for(sales_user).post(reverse("partners:archive", args=[customer.pk]), {"version": 1}, follow=True)
    assert "Someone else changed this record" in response.text
    customer.refresh_from_db()
    assert not customer.is_archived


def test_archive_needs_a_post(client_for, sales_user, customer):
    assert client_for(sales_user).get(reverse("partners:archive", args=[customer.pk])).status_code == 405


def test_the_detail_page_shows_the_company_its_contacts_and_its_timeline(client_for, sales_user, customer):
    ContactFactory(partner=customer, first_name="Ana", last_name="Gil", mobile="+34600112233")
    customer.tags.create(name="vip")
    response = client_for(sales_user).get(customer.get_absolute_url())
    assert "Talleres Pérez S.L." in response.text
    assert "Ana Gil" in response.text
    assert 'href="tel:+34600112233"' in response.text
    assert "vip" in response.text
    assert 'id="timeline-partners-partner-' in response.text
    assert reverse("partners:edit", args=[customer.pk]) in response.text


# Contacts


def test_adding_and_editing_a_contact(client_for, sales_user, customer):
    client = client_for(sales_user)
    response = client.post(
        reverse("partners:contact_create", args=[customer.pk]),
        {"first_name": "Ana", "last_name": "Gil", "email": "ANA@perez.es", "phone": "976 000 111"},
    )
    contact = customer.contacts.get()
    assert response.status_code == 302
    assert contact.email == "ana@perez.es"
    response = client.post(
        reverse("partners:contact_edit", args=[contact.pk]),
        {"first_name": "Ana", "last_name": "Gil Ruiz", "version": 1},
    )
    contact.refresh_from_db()
    assert (contact.last_name, contact.email, contact.version) == ("Gil Ruiz", "", 2)
    stale = client.post(reverse("partners:contact_edit", args=[contact.pk]), {"last_name": "Otro", "version": 1})
    assert "Someone else changed this record" in stale.text
    client.post(reverse("partners:contact_archive", args=[contact.pk]), {"version": 2})
    contact.refresh_from_db()
    assert contact.is_archived


def test_a_user_who_may_only_see_a_company_cannot_add_contacts(client_for, after_sales_user, customer):
    response = client_for(after_sales_user).post(
        reverse("partners:contact_create", args=[customer.pk]), {"last_name": "Gil"}
    )
    assert response.status_code == 403
    assert not customer.contacts.exists()


def test_the_tag_filter_offers_only_tags_of_partners_the_user_may_see(client_for, purchasing_user):
    PartnerFactory(name="Cliente", tags=["solo-clientes"])
    PartnerFactory(name="Proveedor", is_customer=False, is_supplier=True, tags=["acero"])
    response = client_for(purchasing_user).get(LIST)
    assert response.context["tag_choices"] == ["acero"]
