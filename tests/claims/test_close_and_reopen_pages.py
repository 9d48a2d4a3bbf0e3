"""Closing from the page: a refused close keeps what was typed and links to each missing thing; the fields a move
needs are marked; a reopened claim keeps its earlier resolution as history, offered again when closing anew."""

import re

import pytest
from django.urls import reverse

from tests.claims.support import claims_admin, make_claim
from trato.claims import services
from trato.claims.models import Kind, State

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_claim(after_sales_user):
    claim = make_claim(Kind.CUSTOMER, by=after_sales_user, responsible=after_sales_user)
    return services.claim_move(claim=claim, by=after_sales_user, move="open")


def close(client, claim, **data):
    return client.post(reverse("claims:move", args=[claim.pk, "close"]), {"version": claim.version, **data},
                       HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip


def test_a_refused_close_keeps_every_typed_value(after_sales_user, client_for, open_claim):
    response = close(client_for(after_sales_user), open_claim, resolution="credit_note",
                     resolution_notes="Abono del 50 %", resolution_cost="120.50", closing_note="")  # fmt: skip

    assert response.status_code == 400
    form = response.context["form"]
    assert (form["resolution"].value(), form["resolution_notes"].value(), form["resolution_cost"].value()) == (
        "credit_note", "Abono del 50 %", "120.50")  # fmt: skip
    assert 'value="120.50"' in response.text and "Abono del 50 %</textarea>" in response.text
    open_claim.refresh_from_db()
    assert (open_claim.state, open_claim.resolution) == (State.OPEN, "")


def test_a_refused_close_links_straight_to_each_missing_thing(after_sales_user, client_for, open_claim):
    response = close(client_for(after_sales_user), open_claim, resolution="", closing_note="")

    page = f"/claims/{open_claim.pk}/"
    assert response.context["missing"] == [
        {"text": "at least one cause", "url": f"{page}#causes"},
        {"text": "the resolution given", "url": "#id_resolution"},
        {"text": "a closing note", "url": "#id_closing_note"},
    ]
    assert f'<a href="{page}#causes">At least one cause</a>' in response.text
    assert 'id="causes"' in response.client.get(page).text  # the anchor exists where the link points


def test_a_refused_open_links_to_the_edit_form_fields(after_sales_user, client_for):
    claim = make_claim(Kind.CUSTOMER, by=after_sales_user, category=None, description="")
    response = client_for(after_sales_user).post(reverse("claims:move", args=[claim.pk, "open"]),
                                                 {"version": claim.version}, HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip

    edit = reverse("claims:edit", args=[claim.pk])
    assert [item["url"] for item in response.context["missing"]] == [
        f"{edit}#id_responsible", f"{edit}#id_category", f"{edit}#id_description"
    ]  # fmt: skip
    edit_page = response.client.get(edit).text
    assert all(f'id="{anchor}"' in edit_page for anchor in ("id_responsible", "id_category", "id_description"))


def test_the_fields_a_move_needs_are_marked(after_sales_user, client_for, open_claim):
    client = client_for(after_sales_user)
    close_page = client.get(reverse("claims:move", args=[open_claim.pk, "close"]), HTTP_ACCEPT_LANGUAGE="en").text
    draft = make_claim(Kind.CUSTOMER, by=after_sales_user)
    edit_page = client.get(reverse("claims:edit", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE="en").text

    assert close_page.count('aria-required="true"') == 2  # resolution and closing note
    assert "needed to close the claim" in close_page
    assert edit_page.count('aria-required="true"') == 4  # partner, responsible, category, description
    assert "needed to open the claim" in edit_page
    assert re.search(r'<input[^>]*name="subject"[^>]*required', edit_page)  # required to save: marked too


def _close_and_reopen(claim, by):
    services.cause_add(claim=claim, by=by, data={"category": "transport", "description": "Golpe"})
    claim = services.claim_close(claim=claim, by=by, version=None, resolution="credit_note",
                                 resolution_notes="Abono parcial", resolution_cost="120.50",
                                 closing_note="Abono emitido")  # fmt: skip
    return services.claim_move(claim=claim, by=by, move="reopen", reason="El cliente no recibió el abono")


def test_a_reopened_claim_shows_its_earlier_resolution_as_history(after_sales_user, client_for, open_claim):
    reopened = _close_and_reopen(open_claim, after_sales_user)

    assert (reopened.resolution, reopened.resolution_notes, reopened.closing_note) == ("", "", "")
    (earlier,) = reopened.resolution_history
    assert (earlier["resolution"], earlier["resolution_cost"], earlier["closing_note"], earlier["reopen_reason"]) == (
        "credit_note", "120.50", "Abono emitido", "El cliente no recibió el abono")  # fmt: skip
    page = client_for(after_sales_user).get(reopened.get_absolute_url()).text
    assert 'id="resolution-history"' in page
    assert "<strong>Credit note</strong> · €120.50" in page
    assert "Abono parcial" in page and "El cliente no recibió el abono" in page


def test_closing_a_reopened_claim_starts_from_its_last_resolution(after_sales_user, client_for, open_claim):
    reopened = _close_and_reopen(open_claim, after_sales_user)

    form = client_for(after_sales_user).get(reverse("claims:move", args=[reopened.pk, "close"])).context["form"]

    assert (form.initial["resolution"], form.initial["resolution_notes"]) == ("credit_note", "Abono parcial")


def test_the_api_lists_earlier_resolutions(after_sales_user, client_for, open_claim):
    reopened = _close_and_reopen(open_claim, after_sales_user)

    body = client_for(after_sales_user).get(f"/api/v1/claims/{reopened.pk}").json()

    assert [item["resolution"] for item in body["resolution_history"]] == ["credit_note"]
    assert body["resolution"] == ""


@pytest.mark.parametrize("kind,label", [(Kind.SUPPLIER, "Supplier: "), (Kind.CUSTOMER, "Customer: ")])
def test_the_opening_mail_names_the_supplier_or_the_customer(kind, label):
    from tests.factories import UserFactory
    from trato.accounts.roles import Role
    from trato.mail.models import OutboundMessage

    responsible = UserFactory(roles=[Role.ADMINISTRATOR], email="ana@example.com", language="en")
    claim = make_claim(kind, responsible=responsible)
    services.claim_move(claim=claim, by=claims_admin(), move="open")

    message = OutboundMessage.objects.get()
    assert f"{label}{claim.partner.name}" in message.body_text
    assert "Customer / supplier" not in message.body_text + message.body_html
