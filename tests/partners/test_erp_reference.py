"""Partners by the ERP's code: the API creates or updates by it, and a code is unique among the partners a user
sees on the same side of the ERP (customer file, supplier file) without ever telling that a hidden partner has it."""

import json

import pytest

from tests.partners.factories import PartnerFactory
from trato.partners import services
from trato.partners.models import Partner

pytestmark = pytest.mark.django_db


def put(client, ref, body):
    return client.put(f"/api/v1/partners/by-ref/{ref}", json.dumps(body), content_type="application/json")


def test_the_erp_creates_a_partner_by_its_code_then_updates_the_same_one(client_for, sales_manager):
    client = client_for(sales_manager)

    created = put(client, "C-0042", {"name": "Forjas Ibéricas", "kinds": ["customer"], "city": "Zaragoza"})
    updated = put(client, "C-0042", {"name": "Forjas Ibéricas S.A.", "kinds": ["customer"], "city": "Huesca"})

    assert (created.status_code, updated.status_code) == (201, 200)
    assert created.json()["id"] == updated.json()["id"]
    partner = Partner.objects.get(ref="C-0042")
    assert (partner.name, partner.city, partner.kinds) == ("Forjas Ibéricas S.A.", "Huesca", ["customer"])


def test_the_erp_adds_kinds_and_turns_a_prospect_into_a_customer_but_never_removes_one(client_for, administrator):
    partner = PartnerFactory(ref="C-7", is_prospect=True, is_customer=False, is_supplier=True)

    response = put(client_for(administrator), "C-7", {"name": partner.name, "kinds": ["customer"]})

    assert response.status_code == 200, response.content
    assert response.json()["kinds"] == ["customer", "supplier"]


def test_a_code_only_a_hidden_supplier_has_answers_as_an_unused_code(client_for, sales_manager):
    hidden = PartnerFactory(ref="X-1", is_customer=False, is_supplier=True, name="Proveedor oculto")

    response = put(client_for(sales_manager), "X-1", {"name": "Cliente nuevo", "kinds": ["customer"]})

    assert response.status_code == 201, response.content
    assert response.json()["id"] != hidden.pk
    assert Partner.objects.filter(ref="X-1").count() == 2


def test_the_same_code_on_a_customer_and_a_supplier_is_two_partners_for_an_administrator(client_for, administrator):
    client = client_for(administrator)

    customer = put(client, "000123", {"name": "Talleres Pérez", "kinds": ["customer"]})
    supplier = put(client, "000123", {"name": "Aceros del Norte", "kinds": ["supplier"]})
    again = put(client, "000123", {"name": "Aceros del Norte S.A.", "kinds": ["supplier"]})

    assert (customer.status_code, supplier.status_code, again.status_code) == (201, 201, 200)
    assert again.json()["id"] == supplier.json()["id"] != customer.json()["id"]


def test_a_code_a_visible_partner_has_is_refused_on_create_and_on_update(sales_manager):
    PartnerFactory(ref="C-1", is_customer=True)
    other = PartnerFactory(ref="C-2", is_customer=True)

    with pytest.raises(services.InvalidInput) as on_create:
        services.partner_create(by=sales_manager, data={"name": "Otro", "kinds": {"customer"}, "ref": "C-1"})
    with pytest.raises(services.InvalidInput) as on_update:
        services.partner_update(partner=other, by=sales_manager, data={"ref": "C-1"}, version=other.version)

    assert on_create.value.fields == on_update.value.fields == {"ref": ["Another partner already has this ERP code."]}
    assert Partner.objects.filter(ref="C-1").count() == 1


def test_a_code_a_hidden_partner_has_is_accepted_as_if_unused(sales_manager):
    PartnerFactory(ref="P-9", is_customer=False, is_supplier=True)

    partner = services.partner_create(by=sales_manager, data={"name": "Otro", "kinds": {"customer"}, "ref": "P-9"})

    assert partner.ref == "P-9"


@pytest.mark.parametrize(
    "ref,body,field",
    [
        ("C-1", {"name": "X", "kinds": ["customer"], "ref": "C-2"}, "ref"),
        ("C-1", {"kinds": ["customer"]}, "name"),
        ("C-1", {"name": "X", "kinds": []}, "kinds"),
        ("C-1", {"name": "X", "kinds": ["customer"], "colour": "red"}, "colour"),
        ("%20", {"name": "X", "kinds": ["customer"]}, "ref"),
        ("C" * 41, {"name": "X", "kinds": ["customer"]}, "ref"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_stores_nothing(client_for, administrator, ref, body, field):
    response = put(client_for(administrator), ref, body)

    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    assert not Partner.objects.exists()


def test_two_visible_partners_with_one_code_are_reported_not_guessed(client_for, administrator):
    PartnerFactory(ref="DUP", is_customer=True)
    PartnerFactory(ref="DUP", is_customer=True)

    response = put(client_for(administrator), "DUP", {"name": "X", "kinds": ["customer"]})

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"
