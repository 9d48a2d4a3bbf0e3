"""Who sees which partners, through every door: list, detail, global search, export and API."""

import csv
import io

import pytest
from django.urls import reverse

from tests.partners.conftest import EDITS, PERSONAS, SEES
from trato.partners import access
from trato.partners.models import Partner

pytestmark = pytest.mark.django_db


def _export_names(client) -> set[str]:
    response = client.get(reverse("partners:export"), {"format": "csv", "archived": "all"})
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    name_column = rows[0].index("Name")
    return {row[name_column] for row in rows[1:]}


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_each_role_sees_exactly_the_partners_its_role_covers(persona, one_of_each, client_for):
    client = client_for(persona)
    expected = {p.name for kind, p in one_of_each.items() if persona.username in SEES[kind]}

    listed = client.get(reverse("partners:list"))
    found = client.get(reverse("core:search"), {"q": "Zeta"})
    api = client.get("/api/v1/partners", {"page_size": 100})
    assert {p.name for p in listed.context["page"].object_list} == expected
    assert {name for name in (p.name for p in one_of_each.values()) if name in found.text} == expected
    assert {item["name"] for item in api.json()["items"]} == expected
    assert _export_names(client) == expected


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_a_partner_outside_the_role_answers_404_on_page_and_api(persona, one_of_each, client_for):
    client = client_for(persona)
    for kind, partner in one_of_each.items():
        expected = 200 if persona.username in SEES[kind] else 404
        assert client.get(reverse("partners:detail", args=[partner.pk])).status_code == expected, kind
        assert client.get(f"/api/v1/partners/{partner.pk}").status_code == expected, kind
        assert client.get(f"/api/v1/partners/{partner.pk}/contacts").status_code == expected, kind
        assert client.get(reverse("partners:contacts_vcf", args=[partner.pk])).status_code == expected, kind


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_only_roles_that_may_change_a_partner_get_its_edit_page(persona, one_of_each, client_for):
    client = client_for(persona)
    for kind, partner in one_of_each.items():
        seen, edited = persona.username in SEES[kind], persona.username in EDITS[kind]
        expected = 200 if edited else (403 if seen else 404)
        assert client.get(reverse("partners:edit", args=[partner.pk])).status_code == expected, kind


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_the_api_refuses_changes_with_403_when_seen_and_404_when_hidden(persona, one_of_each, client_for):
    client = client_for(persona)
    for kind, partner in one_of_each.items():
        response = client.patch(
            f"/api/v1/partners/{partner.pk}", {"version": 1, "city": "Soria"}, content_type="application/json"
        )
        if persona.username in EDITS[kind]:
            assert response.status_code == 200, kind
            assert response.json()["city"] == "Soria"
        else:
            assert response.status_code == (403 if persona.username in SEES[kind] else 404), kind
            assert response.json()["code"] == ("forbidden" if persona.username in SEES[kind] else "not_found")
            partner.refresh_from_db()
            assert partner.city == ""


def test_the_detail_page_shows_edit_buttons_only_to_those_who_may_change(one_of_each, client_for, quality_manager):
    response = client_for(quality_manager).get(reverse("partners:detail", args=[one_of_each["customer"].pk]))
    assert response.status_code == 200
    assert reverse("partners:edit", args=[one_of_each["customer"].pk]) not in response.text
    assert reverse("partners:archive", args=[one_of_each["customer"].pk]) not in response.text


def test_a_salesperson_may_not_change_a_colleagues_customer(client_for, sales_user, one_of_each):
    from tests.factories import UserFactory

    colleague = UserFactory(roles=["sales_user"])
    customer = one_of_each["customer"]
    customer.salesperson = colleague
    customer.save()
    client = client_for(sales_user)
    assert client.get(reverse("partners:detail", args=[customer.pk])).status_code == 200
    assert client.get(reverse("partners:edit", args=[customer.pk])).status_code == 403
    assert client.post(reverse("partners:archive", args=[customer.pk])).status_code == 403
    customer.refresh_from_db()
    assert not customer.is_archived


def test_a_team_leader_may_change_the_customers_of_the_team(client_for, sales_user, one_of_each):
    from tests.factories import UserFactory
    from trato.accounts.models import SalesTeam

    member = UserFactory(roles=["sales_user"])
    SalesTeam.objects.create(name="Norte", leader=sales_user).members.add(member)
    customer = one_of_each["customer"]
    customer.salesperson = member
    customer.save()
    assert client_for(sales_user).get(reverse("partners:edit", args=[customer.pk])).status_code == 200


def test_contacts_of_hidden_partners_stay_hidden(client_for, purchasing_user, one_of_each):
    from tests.partners.factories import ContactFactory

    hidden = ContactFactory(partner=one_of_each["customer"], first_name="Zacarías", last_name="Oculto")
    visible = ContactFactory(partner=one_of_each["supplier"], first_name="Zacarías", last_name="Visible")
    client = client_for(purchasing_user)
    found = client.get(reverse("core:search"), {"q": "Zacarías"})
    assert "Visible" in found.text
    assert "Oculto" not in found.text
    assert client.get(reverse("partners:contact_detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("partners:contact_vcard", args=[hidden.pk])).status_code == 404
    assert client.get(f"/api/v1/partners/contacts/{hidden.pk}").status_code == 404
    assert client.get(reverse("partners:contact_detail", args=[visible.pk])).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in_and_the_api_answers_401(client, one_of_each):
    partner = one_of_each["customer"]
    assert client.get(reverse("partners:detail", args=[partner.pk])).status_code == 302
    assert client.get(reverse("partners:export")).status_code == 302
    response = client.get(f"/api/v1/partners/{partner.pk}")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


# The access contract: partners/access.py answers creating and configuring

CREATES = {
    "sales_user": {"prospect", "customer"},
    "sales_manager": {"prospect", "customer"},
    "after_sales_user": set(),
    "after_sales_manager": {"customer"},
    "purchasing_user": {"supplier"},
    "purchasing_manager": {"supplier"},
    "quality_manager": set(),
    "administrator": {"prospect", "customer", "supplier"},
    "outsider": set(),
}


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_may_create_answers_for_the_kinds_each_role_creates(persona):
    allowed = CREATES[persona.username]
    assert access.creatable_kinds(persona) == allowed
    assert access.may_create(persona) is bool(allowed)
    for kind in ("prospect", "customer", "supplier"):
        assert access.may_create(persona, [kind]) is (kind in allowed), kind
    assert access.may_create(persona, ["customer", "supplier"]) is ({"customer", "supplier"} <= allowed)
    assert access.may_create(persona, []) is False


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_only_administrators_configure_partners(persona):
    assert access.may_configure(persona) is (persona.username == "administrator")


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_the_querysets_follow_the_access_modules_conditions(persona, one_of_each):
    visible = {kind for kind, p in one_of_each.items() if Partner.objects.visible_to(persona).filter(pk=p.pk).exists()}
    editable = {
        kind for kind, p in one_of_each.items() if Partner.objects.editable_by(persona).filter(pk=p.pk).exists()
    }
    assert visible == {kind for kind in one_of_each if persona.username in SEES[kind]}
    assert editable == {kind for kind in one_of_each if persona.username in EDITS[kind]}
    assert Partner.objects.visible_to(persona).count() == len(visible)  # each row once, whatever the joins
