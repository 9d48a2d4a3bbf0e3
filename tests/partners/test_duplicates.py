"""Likely duplicates: same tax id, email or phone, or a very similar name; hidden partners are not named."""

import pytest
from django.urls import reverse

from tests.partners.factories import PartnerFactory
from trato.partners.duplicates import likely_duplicates, name_key, normalise_tax_id
from trato.partners.models import Partner

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed,stored",
    [
        ("TALLERES PEREZ SL", "Talleres Pérez S.L."),
        ("Talleres Pérez, S. L. U.", "Talleres Pérez S.L."),
        ("talleres perez", "Talleres Pérez, S.A."),
        ("Müller GmbH", "MULLER"),
        ("Acme Ltd.", "ACME LIMITED"),
    ],
)
def test_names_that_differ_only_in_accents_case_and_legal_form_are_the_same(typed, stored):
    assert name_key(typed) == name_key(stored)


@pytest.mark.parametrize("typed", ["B-12.345.678", "es b12345678", "ESB12345678", "b 12 345 678"])
def test_tax_ids_compare_without_punctuation_case_or_country_prefix(typed):
    assert normalise_tax_id(typed) == "B12345678"


def _reasons(**kwargs):
    return [(partner.name if partner else None, reason) for partner, reason in likely_duplicates(**kwargs)]


def test_the_same_tax_id_written_differently_is_a_duplicate(sales_user, customer):
    assert _reasons(tax_id="es-b 12345678", user=sales_user) == [("Talleres Pérez S.L.", "same tax id")]


def test_the_same_email_in_another_case_is_a_duplicate(sales_user):
    PartnerFactory(name="Fundiciones Martín", email="info@fundiciones.es")
    assert _reasons(email="INFO@Fundiciones.ES", user=sales_user) == [("Fundiciones Martín", "same email")]


def test_the_same_phone_in_another_format_is_a_duplicate(sales_user):
    PartnerFactory(name="Plásticos Levante", phone="+34 963 12 34 56")
    assert _reasons(phone="963123456", user=sales_user) == [("Plásticos Levante", "same phone")]
    assert _reasons(phone="0034 963-123-456", user=sales_user) == [("Plásticos Levante", "same phone")]


def test_a_very_similar_name_is_a_duplicate(sales_user, customer):
    assert _reasons(name="TALLERES PEREZ SL", user=sales_user) == [("Talleres Pérez S.L.", "very similar name")]
    assert _reasons(name="Talleres Peres", user=sales_user) == [("Talleres Pérez S.L.", "very similar name")]
    assert _reasons(name="Talleres Gómez", user=sales_user) == []


def test_names_that_differ_in_their_numbers_are_different_companies(sales_user):
    PartnerFactory(name="Talleres 2000 S.L.")
    assert _reasons(name="Talleres 3000", user=sales_user) == []
    assert _reasons(name="TALLERES 2000", user=sales_user) == [("Talleres 2000 S.L.", "very similar name")]


def test_exact_matches_come_before_look_alike_names(sales_user):
    PartnerFactory(name="Hierros Soria", tax_id="B11111111")
    PartnerFactory(name="Hierros Sorian")
    PartnerFactory(name="Other name", tax_id="B22222222")
    found = _reasons(name="Hierros Soria SL", tax_id="B22222222", user=sales_user)
    assert found == [
        ("Other name", "same tax id"),
        ("Hierros Soria", "very similar name"),
        ("Hierros Sorian", "very similar name"),
    ]


def test_several_reasons_for_one_partner_are_said_together(sales_user, customer):
    assert _reasons(name="Talleres Perez", tax_id="B12345678", user=sales_user) == [
        ("Talleres Pérez S.L.", "same tax id, very similar name")
    ]


def test_a_partner_is_not_its_own_duplicate(sales_user, customer):
    assert _reasons(name=customer.name, tax_id=customer.tax_id, exclude_pk=customer.pk, user=sales_user) == []


def test_a_duplicate_the_user_may_not_see_is_mentioned_without_being_named(sales_user, supplier):
    supplier.tax_id_normalized = "A11111111"
    supplier.save()
    found = likely_duplicates(name="Aceros del Norte", tax_id="A-11111111", user=sales_user)
    assert found == [
        (None, "A partner you cannot see has the same tax id."),
        (None, "A partner you cannot see has a very similar name."),
    ]


def test_the_name_comparison_looks_only_at_candidates_sharing_a_word(sales_user, django_assert_max_num_queries):
    for n in range(30):
        PartnerFactory(name=f"Distribuciones {n} Sur")
    PartnerFactory(name="Talleres Pérez")
    with django_assert_max_num_queries(4):
        assert _reasons(name="Talleres Perez SL", user=sales_user) == [("Talleres Pérez", "very similar name")]


def _post_partner(client, url, **data):
    form = {"name": "", "is_customer": "on", "country": "ES", "language": "es", **data}
    return client.post(url, form)


def test_the_create_form_warns_of_duplicates_first_and_saves_when_told_to(client_for, sales_user, customer):
    client = client_for(sales_user)
    url = reverse("partners:create")
    warned = _post_partner(client, url, name="TALLERES PEREZ SL", tax_id="b12345678")
    assert warned.status_code == 200
    assert "This partner may already exist" in warned.text
    assert customer.get_absolute_url() in warned.text
    assert "same tax id, very similar name" in warned.text
    assert Partner.objects.count() == 1
    saved = _post_partner(client, url, name="TALLERES PEREZ SL", tax_id="b12345678", save_anyway="on")
    assert saved.status_code == 302
    assert Partner.objects.count() == 2


def test_the_edit_form_warns_only_about_what_changed(client_for, sales_user, customer):
    twin = PartnerFactory(name="Talleres Peréz", email="taller@perez.es")
    client = client_for(sales_user)
    url = reverse("partners:edit", args=[twin.pk])
    unchanged = _post_partner(client, url, name=twin.name, email=twin.email, version=1)
    assert unchanged.status_code == 302
    warned = _post_partner(client, url, name=twin.name, email=twin.email, tax_id="B12345678", version=2)
    assert "This partner may already exist" in warned.text


def test_the_form_checks_for_duplicates_while_the_user_types(client_for, sales_user, customer, supplier):
    client = client_for(sales_user)
    form = client.get(reverse("partners:create"))
    assert f'hx-get="{reverse("partners:duplicates")}"' in form.text
    hints = client.get(reverse("partners:duplicates"), {"name": "talleres perez", "tax_id": ""})
    assert customer.name in hints.text
    hidden = client.get(reverse("partners:duplicates"), {"name": "Aceros del Norte"})
    assert supplier.name not in hidden.text
    assert "A partner you cannot see has a very similar name." in hidden.text
    itself = client.get(reverse("partners:duplicates"), {"name": customer.name, "exclude": customer.pk})
    assert customer.name not in itself.text
