"""My work: the home page's blocks (trato/core/worklist.py, claims' from trato/claims/worklist.py), what each role
finds in them, the "see all" lists, the count in the navigation and a constant number of queries."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.inbox.conftest import build_mail
from tests.partners.factories import PartnerFactory
from trato.accounts.roles import roles_of
from trato.claims import inbox_handler
from trato.claims.models import Action, ActionKind, Channel, Claim, Kind, State
from trato.core import worklist
from trato.core.worklist import WorkItem
from trato.inbox.services import message_ingest

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")
_numbers = itertools.count(1)


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def claim(kind=Kind.CUSTOMER, **fields) -> Claim:
    """A claim saved directly (the page only reads it), with a partner of its kind unless given."""
    if "partner" not in fields and kind != Kind.INTERNAL:
        fields["partner"] = PartnerFactory(is_customer=kind == Kind.CUSTOMER, is_supplier=kind == Kind.SUPPLIER)
    prefix = {Kind.CUSTOMER: "RC", Kind.SUPPLIER: "RP", Kind.INTERNAL: "NC"}[kind]
    values = {"subject": f"Claim {kind}", "number": f"{prefix}-2026-{next(_numbers):05d}", **fields}
    return Claim.objects.create(kind=kind, **values)


def action(claim_, owner, **fields) -> Action:
    values = {"kind": ActionKind.CORRECTIVE, "description": f"Action on {claim_.number}", "owner": owner, **fields}
    return Action.objects.create(claim=claim_, **values)


def blocks_of(response) -> dict:
    return {block.item.key: block for block in response.context["blocks"]}


def numbers(block) -> list[str]:
    return [row.number for row in block.rows]


def test_my_open_claims_are_the_draft_or_open_ones_i_am_responsible_for_or_assigned_to(
    client_for, after_sales_user, after_sales_manager
):
    responsible = claim(state=State.OPEN, responsible=after_sales_user, deadline=days(3))
    assigned = claim(state=State.DRAFT, responsible=after_sales_manager, deadline=days(1))
    assigned.assignees.add(after_sales_user)
    claim(state=State.CLOSED, responsible=after_sales_user)
    claim(state=State.OPEN, responsible=after_sales_manager)

    block = blocks_of(client_for(after_sales_user).get(HOME))["claims-mine"]

    assert numbers(block) == [assigned.number, responsible.number]  # the soonest deadline first
    assert (block.count, block.count_is_exact) == (2, True)


def test_a_claim_i_am_responsible_for_but_may_not_see_is_not_mine_to_work_on(client_for, sales_user):
    """A sales user sees only their customers' claims: one of another salesperson's customer is not listed."""
    mine = claim(state=State.OPEN, responsible=sales_user, partner=PartnerFactory(salesperson=sales_user))
    claim(state=State.OPEN, responsible=sales_user, partner=PartnerFactory())

    block = blocks_of(client_for(sales_user).get(HOME))["claims-mine"]

    assert numbers(block) == [mine.number]
    assert block.count == 1


def test_overdue_claims_are_the_draft_or_open_ones_past_their_deadline_that_i_may_see(client_for, after_sales_user):
    late = claim(state=State.OPEN, deadline=days(-2))
    later = claim(state=State.DRAFT, deadline=days(-1))
    claim(state=State.CLOSED, deadline=days(-5))
    claim(state=State.OPEN, deadline=days(2))
    claim(Kind.SUPPLIER, state=State.OPEN, deadline=days(-3))  # after-sales may not see supplier claims

    block = blocks_of(client_for(after_sales_user).get(HOME))["claims-overdue"]

    assert numbers(block) == [late.number, later.number]
    assert block.count == 2


def test_my_actions_due_this_week_are_those_i_own_not_done_on_claims_being_worked_on(
    client_for, quality_manager, after_sales_user
):
    on = claim(Kind.INTERNAL, state=State.OPEN)
    soon = action(on, quality_manager, due_on=days(3))
    overdue = action(on, quality_manager, due_on=days(-2))
    action(on, quality_manager, due_on=days(10))  # next week and later
    action(on, quality_manager, due_on=days(1), done_on=today())
    action(on, quality_manager, due_on=days(1), carried_over=True)
    action(on, after_sales_user, due_on=days(1))  # someone else's
    action(claim(Kind.INTERNAL, state=State.CLOSED), quality_manager, due_on=days(1))

    block = blocks_of(client_for(quality_manager).get(HOME))["claims-my-actions"]

    assert block.rows == [overdue, soon]
    assert block.count == 2


def test_an_action_of_mine_on_a_claim_i_may_not_see_is_not_listed(client_for, after_sales_user):
    action(claim(Kind.SUPPLIER, state=State.OPEN), after_sales_user, due_on=days(1))

    block = blocks_of(client_for(after_sales_user).get(HOME))["claims-my-actions"]

    assert (block.rows, block.count) == ([], 0)


def test_drafts_that_arrived_by_mail_wait_for_whoever_takes_customer_claims(
    client_for, after_sales_user, sales_user, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    inbox_handler.register()  # as the claims app does when it starts
    message_ingest(build_mail(to="claims@crm.example.com", subject="Bomba rota"), source="stdin", alias="claims")
    by_mail = Claim.objects.get()
    claim(state=State.DRAFT, channel=Channel.PHONE)
    claim(state=State.OPEN, channel=Channel.EMAIL)

    block = blocks_of(client_for(after_sales_user).get(HOME))["claims-by-mail"]

    assert (by_mail.state, by_mail.channel) == (State.DRAFT, Channel.EMAIL)
    assert numbers(block) == [by_mail.number]
    assert "claims-by-mail" not in blocks_of(client_for(sales_user).get(HOME))  # sales users do not take claims


@pytest.mark.parametrize("key", ["claims-mine", "claims-overdue", "claims-my-actions", "claims-by-mail"])
def test_see_all_opens_the_claim_list_with_the_same_claims_in_the_same_order(
    client_for, after_sales_user, after_sales_manager, key
):
    for n in range(3):
        mine = claim(state=State.OPEN, responsible=after_sales_user, deadline=days(n - 1), channel=Channel.EMAIL)
        action(mine, after_sales_user, due_on=days(n))
        claim(state=State.DRAFT, responsible=after_sales_manager, deadline=days(-n - 1), channel=Channel.EMAIL)
        claim(state=State.CLOSED, responsible=after_sales_user, deadline=days(-1), channel=Channel.EMAIL)
    client = client_for(after_sales_user)
    block = blocks_of(client.get(HOME))[key]

    listed = [row.number for row in client.get(block.url).context["page"].object_list]

    expected = [row.claim.number for row in block.rows] if key == "claims-my-actions" else numbers(block)
    assert listed == expected
    assert len(listed) == block.count > 0


def test_the_list_ignores_a_filter_value_it_does_not_know(client_for, after_sales_user):
    claim(state=State.OPEN)
    query = {"mine": "yes", "state": "everything", "channel": "fax", "contact": "x", "my_actions": "all"}
    response = client_for(after_sales_user).get(reverse("claims:list"), query)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1


def test_each_block_shows_its_first_five_rows_and_a_bounded_count(client_for, after_sales_user, monkeypatch):
    for n in range(7):
        claim(state=State.OPEN, responsible=after_sales_user, deadline=days(n))
    monkeypatch.setattr(worklist, "COUNT_LIMIT", 6)

    response = client_for(after_sales_user).get(HOME)

    block = blocks_of(response)["claims-mine"]
    assert len(block.rows) == 5
    assert (block.count, block.count_is_exact) == (6, False)
    assert "6+" in response.text


@pytest.mark.parametrize("persona", ["after_sales_user", "sales_user", "quality_manager"], indirect=True)
def test_the_home_page_runs_the_same_queries_for_few_or_many_claims(client_for, persona, django_assert_num_queries):
    partner = PartnerFactory(salesperson=persona)

    def work(count: int) -> None:
        for _n in range(count):
            kind = Kind.INTERNAL if persona.username == "quality_manager" else Kind.CUSTOMER
            fields = {"partner": partner} if kind == Kind.CUSTOMER else {}
            mine = claim(kind, state=State.OPEN, responsible=persona, deadline=days(-1), **fields)
            action(mine, persona, due_on=days(1))
            claim(kind, state=State.DRAFT, channel=Channel.EMAIL, **fields)

    client = client_for(persona)
    work(1)
    client.get(HOME)  # warm up what does not depend on the data (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        client.get(HOME)
    work(9)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(HOME)
    assert all(len(block.rows) == 5 for block in response.context["blocks"])


def test_the_home_page_links_the_sections_that_are_built_and_no_coming_ones(client_for, sales_user):
    response = client_for(sales_user).get(HOME)
    section_links = response.text.split('aria-label="Sections"')[1].split("</nav>")[0]
    for name in ["claims:list", "partners:list", "reports:index"]:
        assert f'href="{reverse(name)}"' in section_links
    assert "/coming/" not in section_links
    assert "Coming" not in response.text


def test_the_navigation_shows_how_many_open_claims_are_mine_on_every_page(client_for, after_sales_user):
    for _n in range(2):
        claim(state=State.OPEN, responsible=after_sales_user)
    claim(state=State.CLOSED, responsible=after_sales_user)

    page = client_for(after_sales_user).get(reverse("partners:list")).text

    badge = '<span class="badge rounded-pill text-bg-light nav-count">2<span class="visually-hidden">: My open claims'
    assert badge in page


def test_the_navigation_shows_no_count_when_nothing_is_mine(client_for, after_sales_user):
    claim(state=State.OPEN)
    assert "nav-count" not in client_for(after_sales_user).get(reverse("partners:list")).text


def test_the_navigation_count_costs_one_query_read_once_per_request(after_sales_user, django_assert_num_queries):
    claim(state=State.OPEN, responsible=after_sales_user)
    request = RequestFactory().get("/")
    request.user = after_sales_user
    roles_of(after_sales_user)  # read once per request by every page that reads claims or partners

    with django_assert_num_queries(1):
        first = worklist.nav_counts(request)
        again = worklist.nav_counts(request)

    assert first["claims"].count == again["claims"].count == 1


def test_a_page_costs_one_query_more_for_the_navigation_count(client_for, after_sales_user):
    client = client_for(after_sales_user)
    url = reverse("partners:list")

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured.captured_queries)

    with_count = queries()
    item = next(item for item in worklist.items_for(after_sales_user) if item.in_nav)
    worklist.unregister(item.key)
    try:
        without = queries()
    finally:
        worklist.register(item)
    assert with_count == without + 1


# The registry


@pytest.fixture
def extra_item():
    item = WorkItem(
        key="test-first", title="First of all", app="partners", order=1, url=lambda user: "/partners/",
        queryset=lambda user: Claim.objects.visible_to(user).filter(state=State.CANCELLED),
        may_see=lambda user: user.username == "quality_manager",
    )  # fmt: skip
    worklist.register(item)
    yield item
    worklist.unregister(item.key)


def test_an_app_adds_a_block_that_only_the_users_it_names_see_in_its_order(
    client_for, extra_item, quality_manager, after_sales_user
):
    cancelled = claim(Kind.INTERNAL, state=State.CANCELLED)

    shown = client_for(quality_manager).get(HOME).context["blocks"]

    assert shown[0].item == extra_item
    assert shown[0].rows == [cancelled]
    assert extra_item not in worklist.items_for(after_sales_user)


def test_a_section_has_one_count_in_the_navigation(extra_item):
    with pytest.raises(ValueError, match="already has a work item"):
        worklist.register(WorkItem(
            key="claims-other", title="Other", app="claims", in_nav=True,
            queryset=lambda user: Claim.objects.none(), url=lambda user: "/",
        ))  # fmt: skip
    with pytest.raises(ValueError, match="already registered"):
        worklist.register(WorkItem(key="test-first", title="Else", app="partners",
                                   queryset=lambda user: Claim.objects.none(), url=lambda user: "/"))  # fmt: skip
