"""Bulk actions on the claims selected in the list (trato/claims/bulk.py, views_bulk.py): each claim changed through
claim_update (version, timeline), claims the user may not change skipped with the reason, bad selections refused
with a message and nothing changed, htmx answered with the table, and the selection exported."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from tests.claims.support import make_category, make_claim, make_partner
from trato.claims.models import Claim, Kind, State
from trato.core.bulk import MAX_SELECTED
from trato.timeline.models import Entry

pytestmark = pytest.mark.django_db

BULK, LIST = reverse("claims:bulk"), reverse("claims:list")


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def _post(client, ids, *, action="responsible", htmx=False, **values):
    data = {"action": action, "ids": [str(pk) for pk in ids], "next": "state=draft&page=1", **values}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(BULK, data, headers=headers, follow=not htmx)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _changes(claim: Claim) -> int:
    return Entry.objects.filter(record_type="claims.claim", record_id=claim.pk, kind="change").count()


def test_making_someone_responsible_changes_each_claim_through_its_service(
    after_sales_manager, after_sales_user, client_for
):
    claims = [make_claim(Kind.CUSTOMER) for _ in range(3)]
    versions = {claim.pk: claim.version for claim in claims}
    changes = {claim.pk: _changes(claim) for claim in claims}
    response = _post(client_for(after_sales_manager), [c.pk for c in claims], responsible=after_sales_user.username)
    assert response.redirect_chain[-1][0] == f"{LIST}?state=draft&page=1"  # back to the list as it was
    assert _messages(response) == ["3 changed, 0 skipped."]
    for claim in claims:
        claim.refresh_from_db()
        assert claim.responsible == after_sales_user
        assert claim.version == versions[claim.pk] + 1
        assert _changes(claim) == changes[claim.pk] + 1  # the timeline says who changed it, as the edit page would


def test_claims_the_user_may_not_change_are_skipped_with_the_reason(after_sales_manager, after_sales_user, client_for):
    open_one = make_claim(Kind.CUSTOMER)
    closed = make_claim(Kind.CUSTOMER)
    Claim.objects.filter(pk=closed.pk).update(state=State.CLOSED)
    unseen = make_claim(Kind.SUPPLIER)  # after-sales managers do not see supplier claims
    response = _post(client_for(after_sales_manager), [open_one.pk, closed.pk, unseen.pk],
                     responsible=after_sales_user.username)  # fmt: skip
    [message] = _messages(response)
    assert message.startswith("1 changed, 2 skipped.")
    assert f"{closed.number}: This claim is closed: reopen it to change it." in message
    assert "1 selected row no longer exists or is not yours to see." in message
    assert unseen.number not in message  # a claim the user may not see is not named
    assert Claim.objects.get(pk=open_one.pk).responsible == after_sales_user
    assert Claim.objects.get(pk=closed.pk).responsible is None
    assert Claim.objects.get(pk=unseen.pk).responsible is None


def test_a_salesperson_who_only_reads_their_customers_claims_changes_none(sales_user, after_sales_user, client_for):
    claim = make_claim(Kind.CUSTOMER, partner=make_partner("customer", salesperson=sales_user))
    changes = _changes(claim)
    response = _post(client_for(sales_user), [claim.pk], responsible=after_sales_user.username)
    assert _messages(response) == [f"0 changed, 1 skipped. ({claim.number}: Your role may only read this claim.)"]
    claim.refresh_from_db()
    assert claim.responsible is None and _changes(claim) == changes


def test_a_category_of_another_kind_is_refused_by_the_service_for_that_claim(administrator, client_for):
    category = make_category(Kind.CUSTOMER, name="Golpes")
    customer, supplier = make_claim(Kind.CUSTOMER), make_claim(Kind.SUPPLIER)
    response = _post(client_for(administrator), [customer.pk, supplier.pk], action="category", category=category.pk)
    [message] = _messages(response)
    assert message == (f"1 changed, 1 skipped. ({supplier.number}: Choose an active category for this kind of "
                       "claim.)")  # fmt: skip
    assert Claim.objects.get(pk=customer.pk).category == category
    assert Claim.objects.get(pk=supplier.pk).category != category


def test_adding_someone_keeps_the_people_already_assigned_and_skips_claims_they_are_on(
    after_sales_manager, after_sales_user, client_for
):
    colleague = after_sales_manager
    already = make_claim(Kind.CUSTOMER, assignees=[after_sales_user.pk])
    other = make_claim(Kind.CUSTOMER, assignees=[colleague.pk])
    response = _post(client_for(after_sales_manager), [already.pk, other.pk], action="assignee",
                     assignee=after_sales_user.username)  # fmt: skip
    assert _messages(response) == [f"1 changed, 1 skipped. ({already.number}: {after_sales_user} is already assigned.)"]
    assert set(other.assignees.all()) == {colleague, after_sales_user}
    assert list(already.assignees.all()) == [after_sales_user]


def test_someone_whose_role_does_not_cover_the_claim_is_not_made_responsible(
    after_sales_manager, purchasing_user, client_for
):
    claim = make_claim(Kind.CUSTOMER)
    response = _post(client_for(after_sales_manager), [claim.pk], responsible=purchasing_user.username)
    [message] = _messages(response)
    assert message.startswith("0 changed, 1 skipped.") and "role does not cover this kind of claim" in message
    assert Claim.objects.get(pk=claim.pk).responsible is None


def test_all_on_this_page_takes_every_row_of_the_page(after_sales_manager, after_sales_user, client_for):
    claims = [make_claim(Kind.CUSTOMER) for _ in range(2)]
    data = {"action": "responsible", "responsible": after_sales_user.username, "all_on_page": "1",
            "page_ids": [str(c.pk) for c in claims]}  # fmt: skip
    client_for(after_sales_manager).post(BULK, data)
    assert Claim.objects.filter(responsible=after_sales_user).count() == 2


@pytest.mark.parametrize(
    ("ids", "values", "error"),
    [
        ([], {}, "Select at least one row first."),
        (["abc"], {}, "The selection is not valid: reload the list and select again."),
        (["1.5"], {}, "The selection is not valid: reload the list and select again."),
        (["99999999999999999999999"], {}, "The selection is not valid: reload the list and select again."),
        ([str(n) for n in range(1, MAX_SELECTED + 2)], {}, f"Select at most {MAX_SELECTED} rows at a time."),
        (None, {"responsible": ""}, "Choose who will be responsible."),
        (None, {"responsible": "nobody-by-that-name"}, "Select a valid choice."),
        (None, {"action": "delete"}, "Select a valid choice."),
        (None, {"action": "category", "category": "x"}, "Select a valid choice."),
    ],
)
def test_a_bad_selection_or_value_changes_nothing_and_says_why(
    after_sales_manager, after_sales_user, client_for, ids, values, error
):
    claim = make_claim(Kind.CUSTOMER)
    client = client_for(after_sales_manager)
    data = {"action": "responsible", "responsible": after_sales_user.username, **values}
    data["ids"] = [str(claim.pk)] if ids is None else ids
    response = client.post(BULK, data, follow=True)
    assert response.status_code == 200
    assert any(error in message for message in _messages(response)), _messages(response)
    htmx = client.post(BULK, data, headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and error in htmx.text
    assert Claim.objects.get(pk=claim.pk).responsible is None


def test_the_bulk_actions_need_a_post(after_sales_manager, client_for):
    assert client_for(after_sales_manager).get(BULK).status_code == 405


def test_with_htmx_the_answer_is_the_table_with_the_result(after_sales_manager, after_sales_user, client_for):
    claim = make_claim(Kind.CUSTOMER)
    response = _post(client_for(after_sales_manager), [claim.pk], responsible=after_sales_user.username, htmx=True)
    assert response.status_code == 200
    assert "1 changed, 0 skipped." in response.text
    assert f'id="claim-row-{claim.pk}"' in response.text  # the list's table (its "next" asks for drafts)
    assert "<html" not in response.text
    assert response.context["params"].filters == {"state": "draft"}


def test_the_list_offers_the_selection_without_javascript(after_sales_manager, client_for):
    claim = make_claim(Kind.CUSTOMER)
    page = client_for(after_sales_manager).get(LIST).text
    assert f'<form id="claim-bulk" method="post" action="{BULK}"' in page
    assert f'name="ids" value="{claim.pk}" id="claim-select-{claim.pk}" form="claim-bulk"' in page
    assert 'name="all_on_page" value="1" form="claim-bulk"' in page
    assert f'<label class="visually-hidden" for="claim-select-{claim.pk}">Select {claim.number}</label>' in page


def test_exporting_the_selection_downloads_only_the_selected_claims_the_user_sees(after_sales_manager, client_for):
    chosen, left_out = make_claim(Kind.CUSTOMER), make_claim(Kind.CUSTOMER)
    unseen = make_claim(Kind.SUPPLIER)
    data = {"action": "export", "ids": [str(chosen.pk), str(unseen.pk)]}
    response = client_for(after_sales_manager).post(BULK, data)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [chosen.number]
    assert left_out.number not in response.getvalue().decode() and unseen.number not in response.getvalue().decode()
