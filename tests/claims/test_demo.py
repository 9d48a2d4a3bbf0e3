"""The demo claims: a realistic set of every kind and state, loaded once, that each role can work on."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from trato.accounts import demo as accounts_demo
from trato.accounts.models import User
from trato.claims import demo
from trato.claims.models import Claim, Kind, State
from trato.mail.models import OutboundMessage
from trato.partners import demo as partners_demo
from trato.timeline.models import Entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    accounts_demo.load()
    partners_demo.load()
    demo.load()


def test_the_demo_claims_load_once_keyed_on_their_erp_reference(loaded):
    demo.load()

    assert Claim.objects.count() == len(demo.CLAIMS) == 20
    assert set(Claim.objects.values_list("external_ref", flat=True)) == {spec["ref"] for spec in demo.CLAIMS}


def test_every_kind_and_every_state_is_in_the_demo(loaded):
    assert set(Claim.objects.values_list("kind", flat=True)) == set(Kind.values)
    assert set(Claim.objects.values_list("state", flat=True)) == set(State.values)
    for kind in Kind.values:
        assert Claim.objects.filter(kind=kind, state=State.CLOSED).exists(), kind
        assert Claim.objects.filter(kind=kind, state=State.OPEN).exists(), kind


def test_closed_demo_claims_carry_their_story_over_the_last_six_months(loaded):
    closed = Claim.objects.filter(state=State.CLOSED)
    today = timezone.localdate()

    assert all(claim.causes.exists() and claim.resolution and claim.time_to_close for claim in closed)
    assert all(claim.time_to_close.days >= 1 for claim in closed)
    oldest = min(Claim.objects.values_list("received_on", flat=True))
    assert 150 <= (today - oldest).days <= 190
    assert len({claim.received_on.month for claim in Claim.objects.all()}) >= 6


def test_demo_claims_have_numbers_origins_repairs_and_timelines(loaded):
    first = Claim.objects.get(external_ref="DEMO-001")

    assert first.number.startswith("RC-")
    assert Claim.objects.get(external_ref="DEMO-011").number.startswith("RP-")
    assert Claim.objects.get(external_ref="DEMO-017").number.startswith("NC-")
    assert first.origins.get().lines.get().lot == "L2405-17"
    assert first.repairs.get().cost is not None
    assert first.contact.email == "m.lasheras@talleresebro.es"
    assert first.category.name == "Producto defectuoso"
    assert Entry.objects.of_record(first).filter(kind="state").count() == 2  # opened, closed


def test_loading_the_demo_mails_nobody(loaded):
    assert not OutboundMessage.objects.exists()


def test_each_claims_role_finds_demo_claims_to_work_on(loaded):
    for username, kind in [("postventa", Kind.CUSTOMER), ("compras", Kind.SUPPLIER), ("calidad", Kind.INTERNAL)]:
        user = User.objects.get(username=username)
        assert Claim.objects.editable_by(user).filter(kind=kind).exists(), username
    ventas = User.objects.get(username="ventas")
    seen = Claim.objects.visible_to(ventas)
    assert seen.exists()
    assert set(seen.values_list("kind", flat=True)) == {Kind.CUSTOMER}
    assert not Claim.objects.visible_to(User.objects.get(username="compras")).filter(kind=Kind.CUSTOMER).exists()


def test_some_demo_claims_are_overdue(loaded):
    assert Claim.objects.overdue().exists()


def test_the_load_demo_command_loads_the_claims(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert Claim.objects.filter(external_ref="DEMO-020").exists()


def test_the_reports_page_on_the_demo_ranks_suppliers_for_purchasing_without_customers(loaded, client):
    client.force_login(User.objects.get(username="jcompras"))

    assert client.get(reverse("reports:index")).status_code == 200
    response = client.get(reverse("reports:table", args=["claims", "supplier_ranking"]))  # loaded after the page

    html = response.content.decode()
    assert response.status_code == 200
    assert "Aceros y Perfiles del Norte, S.A." in html
    assert "Talleres Mecánicos Ebro" not in html
    assert response.context["table"].rows[0][1:3] == ["Aceros y Perfiles del Norte, S.A.", 2]
