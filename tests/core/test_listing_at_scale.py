"""Lists at scale (docs/bench.md): counts stop at a limit, deep pages read keys first, and a sort by the partner's
name reads claims with and without a partner apart. Each must give exactly the rows and order of the plain query."""

import pytest
from django.db.models import F
from django.test import override_settings

from tests.claims.support import make_claim, make_partner
from trato.claims import selectors
from trato.claims.models import Claim, Kind
from trato.core import listing
from trato.core.listing import RelatedFirst, counted, page_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims():
    """Nine claims: six with partners whose names sort apart from their creation order, three internal ones."""
    names = ["Zeta", "Alfa", "Mu", "Beta", "Alfa", "Omega"]
    made = [make_claim(Kind.CUSTOMER, partner=make_partner("customer", name=name)) for name in names]
    made += [make_claim(Kind.INTERNAL) for _ in range(3)]
    return made


def _pages(rows, size: int, total: int) -> list[int]:
    return [claim.pk for start in range(0, total + size, size) for claim in page_rows(rows, start, size)]


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("size", [1, 2, 4, 9])
def test_a_sort_by_the_partner_read_in_two_parts_gives_the_plain_order(claims, administrator, descending, size):
    # PostgreSQL's order, on every database: no partner last ascending, first descending.
    name = F("partner__name").desc(nulls_first=True) if descending else F("partner__name").asc(nulls_last=True)
    plain = Claim.objects.visible_to(administrator).order_by(name, "-pk" if descending else "pk")
    expected = list(plain.values_list("pk", flat=True))
    assert _pages(RelatedFirst(plain, "partner", descending=descending), size, len(expected)) == expected
    # The parts really are apart: the internal claims (no partner) come last ascending, first descending.
    internal = {claim.pk for claim in claims if claim.partner_id is None}
    assert set(expected[:3] if descending else expected[-3:]) == internal


def test_deep_pages_read_by_keys_give_the_plain_rows(claims, administrator, monkeypatch):
    plain = Claim.objects.visible_to(administrator).order_by("-received_on", "subject", "-pk")
    expected = list(plain.values_list("pk", flat=True))
    monkeypatch.setattr(listing, "DEFERRED_FROM", 0)  # every page takes the keys-first path
    assert _pages(plain, 2, len(expected)) == expected


@override_settings(TRATO_COUNT_LIMIT=5)
def test_counts_stop_at_the_limit_and_say_so(claims, administrator):
    visible = Claim.objects.visible_to(administrator)
    assert counted(visible) == (5, False)
    assert counted(visible.filter(kind=Kind.INTERNAL)) == (3, True)
    sorted_by_partner = RelatedFirst(visible.order_by("partner__name", "pk"), "partner")
    assert counted(sorted_by_partner) == (5, False)
    assert counted(RelatedFirst(visible.filter(kind=Kind.INTERNAL), "partner")) == (3, True)


@override_settings(TRATO_COUNT_LIMIT=5)
def test_the_list_says_more_than_the_limit_and_the_api_says_the_count_is_not_exact(claims, administrator, client):
    client.force_login(administrator)
    page = client.get("/claims/", {"sort": "partner"})
    assert "More than 5 claims" in page.content.decode()
    answer = client.get("/api/v1/claims", {"page_size": 4, "sort": "partner"}).json()
    assert (answer["count"], answer["count_is_exact"], answer["has_next"]) == (5, False, True)
    last = client.get("/api/v1/claims", {"page_size": 4, "page": 3, "sort": "partner"}).json()
    assert (len(last["items"]), last["has_next"]) == (1, False)
    internal = client.get("/api/v1/claims", {"kind": "internal"}).json()
    assert (internal["count"], internal["count_is_exact"], internal["has_next"]) == (3, True, False)


def test_the_partner_sort_runs_the_same_number_of_queries_for_3_and_for_9_claims(claims, administrator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    params = selectors.CLAIM_LIST.parse({"sort": "partner"})
    selectors.claim_list(administrator, params)  # the user's roles are read once, before counting
    with CaptureQueriesContext(connection) as nine:
        list(page_rows(selectors.claim_pages(selectors.claim_list(administrator, params), params), 0, 25))
    Claim.objects.filter(pk__in=[claim.pk for claim in claims[3:]]).delete()
    with CaptureQueriesContext(connection) as three:
        list(page_rows(selectors.claim_pages(selectors.claim_list(administrator, params), params), 0, 25))
    assert len(nine) == len(three) == 2  # each part one query: 6 + 3 rows, then 3 + 0


def _walk(client, path: str, **query) -> list[int]:
    """Every item's id, page after page, following next_cursor."""
    seen, cursor = [], None
    while True:
        answer = client.get(path, {**query, "page_size": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [item["id"] for item in answer["items"]]
        cursor = answer["next_cursor"]
        assert (cursor is not None) == answer["has_next"]
        if not cursor:
            return seen


@pytest.mark.parametrize("sort", ["-received", "received", "number", "-subject", "state"])
def test_the_api_walks_a_list_by_cursor_in_the_same_order_as_by_pages(claims, administrator, client, sort):
    client.force_login(administrator)
    by_pages = [item["id"] for item in client.get("/api/v1/claims", {"sort": sort, "page_size": 100}).json()["items"]]
    assert _walk(client, "/api/v1/claims", sort=sort) == by_pages
    assert len(by_pages) == len(claims)


def test_the_partners_api_walks_by_cursor_too(claims, administrator, client):
    client.force_login(administrator)
    by_pages = [item["id"] for item in client.get("/api/v1/partners", {"page_size": 100}).json()["items"]]
    assert _walk(client, "/api/v1/partners") == by_pages


def test_a_cursor_from_another_sort_or_an_edited_one_is_refused_and_a_sort_without_one_says_so(
    claims, administrator, client
):
    client.force_login(administrator)
    cursor = client.get("/api/v1/claims", {"page_size": 2}).json()["next_cursor"]
    for query in ({"cursor": cursor, "sort": "number"}, {"cursor": cursor[:-3] + "xyz"}, {"cursor": "%%%"}):
        answer = client.get("/api/v1/claims", query)
        assert answer.status_code == 422, query
        assert "cursor" in answer.json()["fields"]
    by_partner = client.get("/api/v1/claims", {"sort": "partner", "page_size": 2}).json()
    assert by_partner["has_next"] and by_partner["next_cursor"] is None  # nullable partner: page numbers only
    refused = client.get("/api/v1/claims", {"sort": "deadline", "cursor": cursor})
    assert refused.status_code == 422
    assert "page numbers" in refused.json()["fields"]["cursor"][0]


@override_settings(TRATO_COUNT_LIMIT=3)
def test_pages_past_the_counting_limit_still_answer_and_past_the_end_are_empty(claims, administrator, client):
    """Nine claims, counted up to 3: page 5 of 2 holds the ninth; page 6 starts after the last row and is empty."""
    client.force_login(administrator)
    expected = list(Claim.objects.visible_to(administrator).values_list("pk", flat=True))  # newest first
    fifth = client.get("/api/v1/claims", {"page_size": 2, "page": 5}).json()
    assert [item["id"] for item in fifth["items"]] == expected[8:]
    assert (fifth["count"], fifth["count_is_exact"], fifth["has_next"]) == (3, False, False)
    sixth = client.get("/api/v1/claims", {"page_size": 2, "page": 6}).json()
    assert (sixth["items"], sixth["has_next"], sixth["next_cursor"]) == ([], False, None)
