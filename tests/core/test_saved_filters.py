"""Saved filters (trato/core/saved_filters.py): saving a list's state under a name, sharing it (managers and
administrators only), seeing one's own and the shared ones, deleting, and bad input and stored values that never
break the list."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from tests.factories import UserFactory
from trato.accounts.roles import Role
from trato.claims.selectors import CLAIM_LIST
from trato.core import saved_filters
from trato.core.errors import InvalidInput, NotAllowed, NotFound
from trato.core.models import SavedFilter
from trato.core.saved_filters import MAX_PER_LIST, saved_filter_create, saved_filter_delete

pytestmark = pytest.mark.django_db

LIST = reverse("claims:list")
CREATE = reverse("core:saved_filter_create", args=["claims"])


def _delete_url(record: SavedFilter) -> str:
    return reverse("core:saved_filter_delete", args=[record.list_key, record.pk])


def _messages(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


# Saving


def test_saving_keeps_only_what_the_list_allows_and_goes_back_to_the_list_filtered(after_sales_user, client_for):
    client = client_for(after_sales_user)
    query = "state=open&kind=customer&bogus=1&category=abc&page=3&sort=-deadline&group=state"
    response = client.post(CREATE, {"name": "  Open   customer claims ", "query": query})
    record = SavedFilter.objects.get()
    assert (record.owner, record.list_key, record.shared) == (after_sales_user, "claims", False)
    assert record.name == "Open customer claims"
    assert record.query == "group=state&kind=customer&sort=-deadline&state=open"  # no page, no unknown or bad values
    assert response.status_code == 302
    assert response.url == f"{LIST}?{record.query}"
    assert CLAIM_LIST.parse(QueryDict(record.query)) == CLAIM_LIST.parse(QueryDict(query + "&page=1"))


def test_the_list_as_it_opens_is_not_saved(after_sales_user):
    with pytest.raises(InvalidInput) as refused:
        saved_filter_create(by=after_sales_user, list_key="claims", name="Everything", query="sort=-received&page=2")
    assert "query" in refused.value.fields
    assert not SavedFilter.objects.exists()


@pytest.mark.parametrize(
    ("name", "field"),
    [("", "name"), ("   ", "name"), ("x" * 81, "name")],
)
def test_a_filter_needs_a_name_of_at_most_80_characters(after_sales_user, name, field):
    with pytest.raises(InvalidInput) as refused:
        saved_filter_create(by=after_sales_user, list_key="claims", name=name, query="state=open")
    assert field in refused.value.fields


def test_a_name_is_used_once_per_owner_and_list_whatever_its_case(after_sales_user, after_sales_manager):
    saved_filter_create(by=after_sales_user, list_key="claims", name="Mine", query="state=open")
    with pytest.raises(InvalidInput) as refused:
        saved_filter_create(by=after_sales_user, list_key="claims", name="MINE", query="state=draft")
    assert "name" in refused.value.fields
    saved_filter_create(by=after_sales_manager, list_key="claims", name="Mine", query="state=open")  # someone else
    saved_filter_create(by=after_sales_user, list_key="partners", name="Mine", query="kind=customer")  # another list
    assert SavedFilter.objects.count() == 3


def test_a_user_keeps_at_most_50_filters_on_a_list(after_sales_user):
    SavedFilter.objects.bulk_create(
        SavedFilter(owner=after_sales_user, list_key="claims", name=f"F{n}", query="state=open")
        for n in range(MAX_PER_LIST)
    )
    with pytest.raises(InvalidInput):
        saved_filter_create(by=after_sales_user, list_key="claims", name="One more", query="state=open")


def test_an_unknown_list_is_not_found(after_sales_user, client_for):
    with pytest.raises(NotFound):
        saved_filter_create(by=after_sales_user, list_key="nothing", name="X", query="state=open")
    client = client_for(after_sales_user)
    assert client.post(reverse("core:saved_filter_create", args=["nothing"]), {"name": "X"}).status_code == 404


def test_a_refused_save_says_why_and_goes_back_to_the_list_as_it_was(after_sales_user, client_for):
    client = client_for(after_sales_user)
    response = client.post(CREATE, {"name": "", "query": "state=open&page=2"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"{LIST}?state=open"
    assert any("Give the filter a name." in text for text in _messages(response))
    assert not SavedFilter.objects.exists()


def test_saving_needs_a_post(after_sales_user, client_for):
    assert client_for(after_sales_user).get(CREATE).status_code == 405


# Sharing


@pytest.mark.parametrize(
    ("persona", "may_share"),
    [
        ("sales_user", False), ("after_sales_user", False), ("purchasing_user", False), ("outsider", False),
        ("sales_manager", True), ("after_sales_manager", True), ("purchasing_manager", True),
        ("quality_manager", True), ("administrator", True),
    ],
    indirect=["persona"],
)  # fmt: skip
def test_only_managers_and_administrators_share_a_filter(persona, may_share, client_for):
    client = client_for(persona)
    response = client.post(CREATE, {"name": "Team view", "query": "state=open", "shared": "1"}, follow=True)
    assert response.status_code == 200
    assert SavedFilter.objects.filter(shared=True).exists() is may_share
    if not may_share:
        assert not SavedFilter.objects.exists()
        assert any("Only managers and administrators may share" in text for text in _messages(response))
        with pytest.raises(NotAllowed):
            saved_filter_create(by=persona, list_key="claims", name="Team view", query="state=open", shared=True)
    share_box = 'id="saved-filter-shared-claims"'
    assert (share_box in client.get(LIST, {"state": "draft"}).text) is may_share  # the form shows once filtered


def test_everyone_sees_the_shared_filters_and_only_the_owner_their_private_ones(
    after_sales_manager, after_sales_user, purchasing_user, client_for
):
    shared = saved_filter_create(by=after_sales_manager, list_key="claims", name="Shared open", query="state=open",
                                 shared=True)  # fmt: skip
    private = saved_filter_create(by=after_sales_manager, list_key="claims", name="Private drafts", query="state=draft")
    other_list = saved_filter_create(by=after_sales_manager, list_key="partners", name="Customers",
                                     query="kind=customer", shared=True)  # fmt: skip
    for user in (after_sales_user, purchasing_user):
        page = client_for(user).get(LIST).text
        assert shared.name in page and f'href="{LIST}?state=open"' in page
        assert private.name not in page and other_list.name not in page
        assert saved_filters.filters_for(user, "claims") == [shared]
    page = client_for(after_sales_manager).get(LIST).text
    assert shared.name in page and private.name in page


def test_the_menu_marks_the_filter_the_list_shows(after_sales_user, client_for):
    saved_filter_create(by=after_sales_user, list_key="claims", name="Open ones", query="state=open")
    client = client_for(after_sales_user)
    assert 'aria-current="true">Open ones' in client.get(LIST, {"state": "open"}).text
    assert 'aria-current="true">Open ones' not in client.get(LIST, {"state": "draft"}).text


# Applying


def test_a_stored_filter_with_values_no_longer_allowed_shows_the_list_without_them(after_sales_user, client_for):
    record = SavedFilter.objects.create(
        owner=after_sales_user, list_key="claims", name="Old",
        query="state=bogus&category=abc&partner=99999999999999999999999&sort=zzz&group=nope&received_from=2026-13-45",
    )  # fmt: skip
    response = client_for(after_sales_user).get(f"{LIST}?{record.query}")
    assert response.status_code == 200
    assert response.context["params"] == CLAIM_LIST.parse(QueryDict(""))


# Deleting


def test_the_owner_deletes_their_filter(after_sales_user, client_for):
    record = saved_filter_create(by=after_sales_user, list_key="claims", name="Mine", query="state=open")
    response = client_for(after_sales_user).post(_delete_url(record), {"query": "kind=customer"})
    assert response.status_code == 302 and response.url == f"{LIST}?kind=customer"
    assert not SavedFilter.objects.exists()


def test_others_may_not_delete_a_filter_and_a_private_one_is_not_even_found(
    after_sales_manager, after_sales_user, client_for
):
    shared = saved_filter_create(by=after_sales_manager, list_key="claims", name="Shared", query="state=open",
                                 shared=True)  # fmt: skip
    private = saved_filter_create(by=after_sales_manager, list_key="claims", name="Private", query="state=draft")
    client = client_for(after_sales_user)
    response = client.post(_delete_url(shared), follow=True)
    assert any("Only its owner may delete this filter." in text for text in _messages(response))
    assert client.post(_delete_url(private)).status_code == 404
    assert SavedFilter.objects.count() == 2
    with pytest.raises(NotAllowed):
        saved_filter_delete(saved_filter=shared, by=after_sales_user)
    with pytest.raises(NotFound):
        saved_filter_delete(saved_filter=private, by=after_sales_user)
    assert f'action="{_delete_url(shared)}"' not in client.get(LIST).text


def test_an_administrator_deletes_a_shared_filter_but_not_a_private_one(after_sales_manager, administrator, client_for):
    shared = saved_filter_create(by=after_sales_manager, list_key="claims", name="Shared", query="state=open",
                                 shared=True)  # fmt: skip
    private = saved_filter_create(by=after_sales_manager, list_key="claims", name="Private", query="state=draft")
    client = client_for(administrator)
    assert f'action="{_delete_url(shared)}"' in client.get(LIST).text
    client.post(_delete_url(shared))
    assert client.post(_delete_url(private)).status_code == 404
    assert list(SavedFilter.objects.all()) == [private]


def test_deleting_a_filter_of_another_list_through_this_lists_address_is_not_found(after_sales_user, client_for):
    record = saved_filter_create(by=after_sales_user, list_key="partners", name="Customers", query="kind=customer")
    url = reverse("core:saved_filter_delete", args=["claims", record.pk])
    assert client_for(after_sales_user).post(url).status_code == 404
    assert SavedFilter.objects.exists()


# Cost and the partners list


def test_the_list_runs_the_same_queries_with_1_or_10_saved_filters(after_sales_manager, client_for,
                                                                   django_assert_max_num_queries):  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(after_sales_manager)
    saved_filter_create(by=after_sales_manager, list_key="claims", name="F0", query="state=open", shared=True)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for n in range(1, 10):
        owner = UserFactory(roles=[Role.AFTER_SALES_MANAGER])
        saved_filter_create(by=owner, list_key="claims", name=f"F{n}", query="state=draft", shared=True)
    with django_assert_max_num_queries(len(few)):
        page = client.get(LIST).text
    assert all(f">F{n}<" in page for n in range(10))


def test_the_partners_list_offers_its_own_saved_filters(after_sales_user, client_for):
    client = client_for(after_sales_user)
    partners = reverse("partners:list")
    response = client.post(reverse("core:saved_filter_create", args=["partners"]),
                           {"name": "Spain", "query": "country=ES&tag="})  # fmt: skip
    assert response.url == f"{partners}?country=ES"
    page = client.get(partners).text
    assert 'id="saved-filters-partners"' in page and f'href="{partners}?country=ES"' in page
    assert "Spain" not in client.get(LIST).text
