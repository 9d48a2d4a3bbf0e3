"""The claim list grouped (``?group=``, core.listing.group_counts): counts of the claims the user sees and the list
shows, each group linking to the list filtered by it, the largest groups first and the rest as "Others", in a
number of queries that does not grow with the groups."""

import itertools

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory
from tests.partners.factories import PartnerFactory
from trato.accounts.roles import Role
from trato.claims.groups import CLAIM_GROUPS
from trato.claims.models import Category, Claim, Kind, State
from trato.core.listing import group_counts

pytestmark = pytest.mark.django_db

LIST = reverse("claims:list")
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def claim_of(kind=Kind.CUSTOMER, **fields) -> Claim:
    """A claim saved directly (the list only reads it); a partner of the matching kind unless given."""
    if "partner" not in fields and kind != Kind.INTERNAL:
        fields["partner"] = PartnerFactory(is_customer=kind == Kind.CUSTOMER, is_supplier=kind == Kind.SUPPLIER)
    prefix = {Kind.CUSTOMER: "RC", Kind.SUPPLIER: "RP", Kind.INTERNAL: "NC"}[kind]
    values = {"subject": "Grouped", "number": f"{prefix}-2026-{next(_numbers):05d}", **fields}
    return Claim.objects.create(kind=kind, **values)


def _groups(response) -> dict[str, int]:
    return {group.label: group.count for group in response.context["groups"].groups}


def test_grouping_by_state_counts_only_the_claims_the_user_sees(after_sales_user, client_for):
    for state, count in ((State.OPEN, 3), (State.DRAFT, 2), (State.CLOSED, 1)):
        for _ in range(count):
            claim_of(state=state)
    claim_of(Kind.SUPPLIER, state=State.CANCELLED)  # not an after-sales user's
    response = client_for(after_sales_user).get(LIST, {"group": "state"})
    assert response.status_code == 200
    assert list(_groups(response).items()) == [("Open", 3), ("Draft", 2), ("Closed", 1)]  # largest first
    groups = response.context["groups"]
    assert (groups.total, groups.others, groups.other_groups) == (6, 0, 0)
    assert "page" not in response.context
    assert f'<a href="{LIST}?state=open">Open</a>' in response.text


def test_each_group_links_to_the_list_filtered_by_it_with_the_same_count(after_sales_manager, client_for):
    alice = UserFactory(username="alice", first_name="Alice", last_name="Ruiz", roles=[Role.AFTER_SALES_USER])
    category = Category.objects.create(kind=Kind.CUSTOMER, name="Golpes")
    acme = PartnerFactory(name="Acme", is_customer=True)
    claim_of(responsible=alice, category=category, partner=acme)
    claim_of(responsible=alice, partner=acme)
    claim_of(category=category)
    client = client_for(after_sales_manager)
    expected = {
        "responsible": {"Alice Ruiz": 2, "Nobody assigned": 1},
        "category": {"Customer claim: Golpes": 2, "No category": 1},
        "partner": {"Acme": 2},  # and the third claim's own partner
        "kind": {"Customer claim": 3},
    }
    for group, counts in expected.items():
        response = client.get(LIST, {"group": group, "kind": "customer"})
        groups = {g.label: g for g in response.context["groups"].groups}
        for label, count in counts.items():
            assert groups[label].count == count, (group, label)
            if groups[label].url:
                rows = client.get(LIST + groups[label].url).context["page"].paginator.count
                assert rows == count, (group, label)
    links = {g.label: g.url for g in client.get(LIST, {"group": "responsible"}).context["groups"].groups}
    assert links == {"Alice Ruiz": "?responsible=alice", "Nobody assigned": "?responsible=none"}
    links = {g.label: g.url for g in client.get(LIST, {"group": "category"}).context["groups"].groups}
    assert links["No category"] == ""  # no filter shows claims without a category: no link


def test_the_groups_count_the_claims_the_lists_filters_and_search_leave(after_sales_user, client_for):
    claim_of(state=State.OPEN, subject="Rodamiento roto")
    claim_of(state=State.OPEN, subject="Pintura")
    claim_of(state=State.DRAFT, subject="Rodamiento flojo", deadline="2020-01-01")
    client = client_for(after_sales_user)
    assert _groups(client.get(LIST, {"group": "state", "q": "rodamiento"})) == {"Open": 1, "Draft": 1}
    assert _groups(client.get(LIST, {"group": "state", "overdue": "1"})) == {"Draft": 1}
    link = client.get(LIST, {"group": "state", "q": "rodamiento"}).context["groups"].groups[0].url
    assert QueryDict(link.removeprefix("?")).dict() in ({"q": "rodamiento", "state": "open"},
                                                        {"q": "rodamiento", "state": "draft"})  # fmt: skip


def test_past_the_first_groups_the_rest_add_up_in_others(after_sales_user):
    partners = [PartnerFactory(name=f"P{n}") for n in range(5)]
    for n, partner in enumerate(partners):
        for _ in range(n + 1):  # P0 has 1 claim, P4 has 5
            claim_of(partner=partner)
    queryset = Claim.objects.visible_to(after_sales_user)
    groups = group_counts(queryset, CLAIM_GROUPS["partner"], query=QueryDict("group=partner&page=2"), top=2)
    assert [(g.label, g.count, g.url) for g in groups.groups] == [
        ("P4", 5, f"?partner={partners[4].pk}"),
        ("P3", 4, f"?partner={partners[3].pk}"),
    ]
    assert (groups.total, groups.others, groups.other_groups) == (15, 6, 3)


def test_nothing_to_group_shows_the_empty_list(after_sales_user, client_for):
    response = client_for(after_sales_user).get(LIST, {"group": "partner"})
    assert response.status_code == 200
    assert response.context["groups"].groups == [] and response.context["groups"].total == 0
    assert "No claims yet." in response.text


@pytest.mark.parametrize("group", ["bogus", "", "STATE", "state'--"])
def test_an_unknown_grouping_shows_the_rows(after_sales_user, client_for, group):
    claim_of()
    response = client_for(after_sales_user).get(LIST, {"group": group})
    assert response.status_code == 200
    assert "groups" not in response.context and len(response.context["page"].object_list) == 1


@pytest.mark.parametrize("group", list(CLAIM_GROUPS))
def test_grouping_runs_the_same_queries_for_3_or_30_groups(after_sales_manager, client_for, group,
                                                          django_assert_num_queries):  # fmt: skip
    client = client_for(after_sales_manager)

    def claims(n: int) -> None:
        for _ in range(n):
            person = UserFactory(roles=[Role.AFTER_SALES_USER])
            category = Category.objects.create(kind=Kind.CUSTOMER, name=f"Cat {next(_numbers)}")
            claim_of(responsible=person, category=category, state=State.OPEN)

    claims(3)
    client.get(LIST, {"group": group})
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, {"group": group})
    claims(27)
    with django_assert_num_queries(len(few)):
        response = client.get(LIST, {"group": group})
    assert response.context["groups"].total == 30
    assert len(response.context["groups"].groups) == {"state": 1, "kind": 1}.get(group, 25)


def test_the_filter_bar_offers_the_groupings_with_a_label(after_sales_user, client_for):
    page = client_for(after_sales_user).get(LIST, {"group": "responsible"}).text
    assert '<label class="form-label small mb-1" for="claim-group">Group by</label>' in page
    assert '<option value="responsible" selected>Responsible</option>' in page
