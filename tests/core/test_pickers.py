"""Pickers (trato/core/pickers.py): a select that searches as the user types, among what the user may see only."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.claims import support
from tests.claims.support import make_claim
from tests.factories import UserFactory
from tests.partners.factories import ContactFactory, PartnerFactory
from trato.accounts.models import MACHINE_USERNAMES
from trato.accounts.roles import Role
from trato.claims.forms import ClaimForm
from trato.claims.models import Kind

customer, supplier = support.customer, support.supplier  # fixtures


def picked(client, key, **query):
    response = client.get(reverse("core:pick", args=[key]), query)
    assert response.status_code == 200
    return [(choice["text"], choice["detail"]) for choice in response.json()["results"]]


def texts(client, key, **query):
    return [text for text, _detail in picked(client, key, **query)]


def test_the_partner_picker_finds_by_name_fragment_and_code_among_active_partners(client_for, administrator):
    PartnerFactory(name="Talleres Norte S.L.", ref="C0001", city="Bilbao", tax_id="B12345678")
    PartnerFactory(name="Talleres del Sur", ref="C0002")
    PartnerFactory(name="Talleres Cerrados", ref="C0003", is_archived=True)
    PartnerFactory(name="Hierros Norte", ref="C0004")
    client = client_for(administrator)

    assert texts(client, "partners.partner", q="talleres") == ["Talleres del Sur", "Talleres Norte S.L."]
    assert texts(client, "partners.partner", q="norte talleres") == ["Talleres Norte S.L."]
    assert picked(client, "partners.partner", q="C0001") == [("Talleres Norte S.L.", "C0001 · Bilbao · B12345678")]
    assert texts(client, "partners.partner", q="") == []  # 100,000 partners: nothing until the user types


def test_a_picker_offers_only_the_partners_the_user_may_see(client_for, purchasing_user):
    PartnerFactory(name="Aceros Proveedor", is_customer=False, is_supplier=True)
    PartnerFactory(name="Aceros Cliente", is_customer=True)

    assert texts(client_for(purchasing_user), "partners.partner", q="aceros") == ["Aceros Proveedor"]


def test_the_claim_partner_picker_follows_the_kind_of_claim(client_for, administrator, after_sales_user):
    PartnerFactory(name="Bombas Cliente", is_customer=True)
    PartnerFactory(name="Bombas Proveedor", is_customer=False, is_supplier=True)

    admin = client_for(administrator)
    assert texts(admin, "claims.partner", q="bombas", kind=Kind.SUPPLIER) == ["Bombas Proveedor"]
    assert texts(admin, "claims.partner", q="bombas", kind=Kind.CUSTOMER) == ["Bombas Cliente"]
    # A kind the user may not create does not widen the choices: after-sales creates customer claims only.
    assert texts(client_for(after_sales_user), "claims.partner", q="bombas", kind=Kind.SUPPLIER) == ["Bombas Cliente"]


def test_the_contact_picker_offers_the_chosen_partners_contacts_if_the_user_sees_the_partner(
    client_for, purchasing_user
):
    supplier = PartnerFactory(name="Proveedor", is_customer=False, is_supplier=True)
    ContactFactory(partner=supplier, first_name="Ana", last_name="Ruiz", email="ana@proveedor.example")
    ContactFactory(partner=supplier, first_name="Luis", last_name="Gil")
    ContactFactory(partner=supplier, first_name="Antigua", last_name="Baja", is_archived=True)
    customer = PartnerFactory(name="Cliente", is_customer=True)
    ContactFactory(partner=customer, first_name="Oculta", last_name="Cliente")
    client = client_for(purchasing_user)

    assert texts(client, "partners.contact", partner=supplier.pk) == ["Luis Gil", "Ana Ruiz"]  # by last name
    assert picked(client, "partners.contact", partner=supplier.pk, q="ana") == [("Ana Ruiz", "ana@proveedor.example")]
    assert texts(client, "partners.contact", partner=customer.pk) == []  # a partner they may not see
    assert texts(client, "partners.contact", partner="x'; DROP") == []
    assert texts(client, "partners.contact") == []


def test_a_supplier_non_conformity_is_never_offered_to_after_sales_staff_or_the_mail_system(
    client_for, administrator, purchasing_user, after_sales_user, quality_manager
):
    UserFactory(username=next(iter(MACHINE_USERNAMES)), roles=[Role.PURCHASING_USER])
    UserFactory(username="former", roles=[Role.PURCHASING_USER], is_active=False)
    client = client_for(administrator)

    offered = set(texts(client, "claims.taker", kind=Kind.SUPPLIER))

    def name(user):
        return user.get_full_name()

    assert offered == {name(administrator), name(purchasing_user), name(quality_manager)}
    assert set(texts(client, "claims.taker", kind=Kind.CUSTOMER)) == {name(administrator), name(after_sales_user)}
    internal = set(texts(client, "claims.taker", kind=Kind.INTERNAL))
    assert {name(after_sales_user), name(purchasing_user)} <= internal


def test_the_people_picker_narrows_by_every_word_typed(client_for, administrator):
    UserFactory(first_name="María", last_name="López", username="mlopez")
    UserFactory(first_name="María", last_name="Ortega", username="mortega")
    client = client_for(administrator)

    assert texts(client, "accounts.user", q="maría lópez") == ["María López"]
    assert texts(client, "accounts.user", q="mortega") == ["María Ortega"]


@pytest.mark.parametrize("query", ["%", "_", "' OR 1=1 --", "x" * 5000, "ñ", "   "])  # a NUL: 400 (middleware)
def test_odd_searches_answer_choices_never_an_error(client_for, administrator, query):
    PartnerFactory(name="Talleres Norte")
    client = client_for(administrator)
    for key in ("partners.partner", "claims.partner", "claims.taker", "accounts.user", "partners.contact"):
        response = client.get(reverse("core:pick", args=[key]), {"q": query, "partner": "1", "kind": "??"})
        assert response.status_code == 200, key
        assert isinstance(response.json()["results"], list)


def test_an_unknown_picker_is_not_found_and_a_visitor_is_sent_to_log_in(client_for, administrator):
    assert client_for(administrator).get(reverse("core:pick", args=["partners.nothing"])).status_code == 404
    response = Client().get(reverse("core:pick", args=["partners.partner"]), {"q": "talleres"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_partner_picker_runs_the_same_queries_for_a_few_or_many_partners(client_for, administrator):
    client = client_for(administrator)
    PartnerFactory(name="Talleres Uno")

    def queries_and_choices():
        with CaptureQueriesContext(connection) as queries:
            found = texts(client, "partners.partner", q="talleres")
        return len(queries), len(found)

    few, one = queries_and_choices()
    PartnerFactory.create_batch(30, name="Talleres Dos")
    many, twenty = queries_and_choices()

    assert (one, twenty) == (1, 20)
    assert many == few


def test_the_claim_form_lists_only_the_chosen_partner_and_people_not_every_one(after_sales_user, customer):
    PartnerFactory.create_batch(30, is_customer=True)
    claim = make_claim(Kind.CUSTOMER, by=after_sales_user, partner=customer, responsible=after_sales_user)

    form = ClaimForm(instance=claim, user=after_sales_user)

    def options(name):
        return re.findall(r"<option[^>]*>([^<]*)</option>", str(form[name]))

    assert options("partner") == ["", customer.name]  # the empty choice and the chosen one, never all
    assert options("responsible") == ["", after_sales_user.get_full_name()]
    assert options("assignees") == []
    assert 'data-picker="/pick/claims.partner/"' in str(form["partner"])
    assert 'data-picker-forward="partner"' in str(form["contact"])


def test_the_claim_form_refuses_a_person_the_kind_of_claim_cannot_be_given_to(
    after_sales_user, purchasing_user, supplier
):
    form = ClaimForm(
        data={"kind": Kind.SUPPLIER, "subject": "Tornillos", "partner": supplier.pk, "responsible": after_sales_user.pk,
              "priority": "normal", "channel": "email"},
        user=purchasing_user,
    )  # fmt: skip

    assert not form.is_valid()
    assert "responsible" in form.errors


def test_a_whole_company_name_with_its_legal_form_finds_the_company(client_for, administrator):
    PartnerFactory(name="Aceros del Norte S.A.")
    PartnerFactory(name="SL Aceros")

    client = client_for(administrator)
    assert texts(client, "partners.partner", q="Aceros del Norte S.A.") == ["Aceros del Norte S.A."]
    assert texts(client, "partners.partner", q="SL") == []  # alone, a short word is only the beginning of a code
