"""trato.core.listing: the list-page helper every list reuses (tested here, where its first user lives)."""

from django.http import QueryDict

from trato.core.listing import ANY, ListSpec, query_string

SPEC = ListSpec(
    sorts={"name": "name", "created": "created_at"},
    default_sort="name",
    filters={"kind": {"customer", "supplier"}, "tag": ANY, "country": lambda v: len(v) == 2},
    defaults={"archived": "active"},
)


def test_allowed_values_are_kept_and_the_rest_ignored():
    params = SPEC.parse(QueryDict("q=  acme   steel &kind=customer&tag=vip&country=FRA&sort=-created&page=3"))
    assert params.q == "acme steel"
    assert params.filters == {"archived": "active", "kind": "customer", "tag": "vip"}
    assert params.sort == "-created"
    assert params.page == "3"


def test_an_unknown_sort_or_filter_value_falls_back_to_the_default():
    params = SPEC.parse(QueryDict("sort=password&kind=friend"))
    assert params.sort == "name"
    assert "kind" not in params.filters


def test_sort_links_flip_the_current_column_and_drop_the_page():
    query = QueryDict("q=acme&sort=name&page=4")
    links = SPEC.sort_links(query, SPEC.parse(query))
    assert links["name"].url == "?q=acme&sort=-name"
    assert links["name"].active and not links["name"].descending
    assert links["created"].url == "?q=acme&sort=created"
    assert not links["created"].active


def test_query_string_replaces_and_removes_parameters():
    assert query_string(QueryDict("q=a b&page=2"), page=None, format="csv") == "?format=csv&q=a+b"
