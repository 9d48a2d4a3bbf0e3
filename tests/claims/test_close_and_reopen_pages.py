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
    assert response.context["form"].errors == {
        "resolution": ["Needed to close the claim"], "closing_note": ["Needed to close the claim"]
    }  # fmt: skip
    assert re.search(r'<textarea name="closing_note"[^>]*aria-invalid="true"', response.text)


def test_a_refused_close_through_htmx_answers_the_form_alone_with_the_values_and_the_links(
    after_sales_user, client_for, open_claim
):
    response = client_for(after_sales_user).post(
        reverse("claims:move", args=[open_claim.pk, "close"]),
        {"version": open_claim.version, "resolution": "replacement", "closing_note": "Sustituido"},
        HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip

    assert response.status_code == 200  # htmx swaps nothing from an error status
    assert response.text.lstrip().startswith('<form method="post" action="/claims/')
    assert "<html" not in response.text and 'hx-target="this"' in response.text
    assert '<option value="replacement" selected>' in response.text and "Sustituido</textarea>" in response.text
    assert f'<a href="/claims/{open_claim.pk}/#causes">At least one cause</a>' in response.text
    assert [item["text"] for item in response.context["missing"]] == ["at least one cause"]  # the rest was given


def test_a_close_through_htmx_sends_the_browser_to_the_closed_claim(after_sales_user, client_for, open_claim):
    services.cause_add(claim=open_claim, by=after_sales_user, data={"category": "transport", "description": "Golpe"})
    open_claim.refresh_from_db()

    response = client_for(after_sales_user).post(
        reverse("claims:move", args=[open_claim.pk, "close"]),
        {"version": open_claim.version, "resolution": "replacement", "closing_note": "Sustituido"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip

    assert (response.status_code, response["HX-Redirect"]) == (200, f"/claims/{open_claim.pk}/")
    open_claim.refresh_from_db()
    assert (open_claim.state, open_claim.resolution, open_claim.closing_note) == (State.CLOSED, "replacement",
                                                                                "Sustituido")  # fmt: skip


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

    assert _aria_required(close_page) == ["resolution", "closing_note"]
    assert _needed_marks(close_page) == ["resolution", "closing_note"]
    assert "◆</span> needed to close the claim" in close_page
    # Needed to open (◆), and the selects required to save that HTML cannot mark `required` (no empty choice).
    assert _aria_required(edit_page) == ["description", "category", "priority", "channel", "partner", "responsible"]
    assert _needed_marks(edit_page) == ["description", "category", "partner", "responsible"]
    assert "◆</span> needed to open the claim" in edit_page
    assert re.search(r'<input[^>]*name="subject"[^>]*required', edit_page)  # required to save: marked too


def _aria_required(page: str) -> list[str]:
    return re.findall(r'<(?:input|select|textarea)[^>]*name="(\w+)"[^>]*aria-required="true"', page)


def _needed_marks(page: str) -> list[str]:
    return re.findall(r'for="id_(\w+)">[^<]*<span class="text-warning-emphasis" aria-hidden="true">◆</span>', page)


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


def test_the_earlier_resolution_says_who_closed_and_when(after_sales_user, client_for, open_claim):
    reopened = _close_and_reopen(open_claim, after_sales_user)

    (earlier,) = reopened.resolution_history
    assert earlier["closed_by"] == after_sales_user.get_full_name()
    page = client_for(after_sales_user).get(reopened.get_absolute_url()).text
    assert re.search(rf"Closed [^<]+ by {re.escape(after_sales_user.get_full_name())}, reopened ", page)


def test_a_reopened_claim_does_not_show_the_earlier_resolution_as_current(after_sales_user, client_for, open_claim):
    reopened = _close_and_reopen(open_claim, after_sales_user)

    page = client_for(after_sales_user).get(reopened.get_absolute_url()).text
    summary = page.split('id="claim-summary"')[1].split("</dl>")[0]
    assert "claim-resolution" not in summary and "claim-closing-note" not in summary
    assert "Abono emitido" in page.split('id="resolution-history"')[1]


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
