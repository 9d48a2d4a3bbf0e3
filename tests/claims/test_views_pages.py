"""The claim pages every role reaches: list, board, claim page, export, categories — who sees what, filters, sort,
overdue marks, htmx swaps and a constant number of queries."""

import csv
import datetime
import io
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.partners.factories import PartnerFactory
from trato.claims.models import Category, Claim, Kind, OriginDocument, OriginLine, OriginType, State

pytestmark = pytest.mark.django_db

LIST, BOARD, EXPORT = reverse("claims:list"), reverse("claims:board"), reverse("claims:export")
PERSONAS = ["sales_user", "sales_manager", "after_sales_user", "after_sales_manager", "purchasing_user",
            "purchasing_manager", "quality_manager", "administrator", "outsider"]  # fmt: skip
SEES = {
    Kind.CUSTOMER: {"after_sales_user", "after_sales_manager", "administrator"},
    Kind.SUPPLIER: {"purchasing_user", "purchasing_manager", "quality_manager", "administrator"},
    Kind.INTERNAL: {"quality_manager", "administrator"},
}
CONFIGURES = {
    Kind.CUSTOMER: {"after_sales_manager", "administrator"},
    Kind.SUPPLIER: {"purchasing_manager", "administrator"},
    Kind.INTERNAL: {"quality_manager", "administrator"},
}
_numbers = itertools.count(1)


def claim_of(kind=Kind.CUSTOMER, **fields) -> Claim:
    """A claim saved directly (the pages only read it); a partner of the matching kind unless given."""
    if "partner" not in fields and kind != Kind.INTERNAL:
        fields["partner"] = PartnerFactory(is_customer=kind == Kind.CUSTOMER, is_supplier=kind == Kind.SUPPLIER)
    prefix = {Kind.CUSTOMER: "RC", Kind.SUPPLIER: "RP", Kind.INTERNAL: "NC"}[kind]
    values = {"subject": f"Claim {kind}", "number": f"{prefix}-2026-{next(_numbers):05d}", **fields}
    return Claim.objects.create(kind=kind, **values)


def with_origin(claim, doc_type=OriginType.DELIVERY, number="AL-2026-0001", product="ROD-6204") -> Claim:
    origin = OriginDocument.objects.create(claim=claim, doc_type=doc_type, number=number)
    OriginLine.objects.create(document=origin, product_code=product, description="Rodamiento", quantity=3, unit="ud")
    return claim


@pytest.fixture
def one_of_each(db) -> dict:
    return {kind: claim_of(kind, subject=f"Zeta {kind} claim") for kind in Kind.values}


def _numbers_in(response) -> set[str]:
    return {claim.number for claim in response.context["page"].object_list}


def _board_numbers(response) -> set[str]:
    return {claim.number for column in response.context["columns"] for claim in column["cards"]}


# Who sees what, on every page


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_each_role_lists_exactly_the_kinds_of_claims_it_may_see(persona, one_of_each, client_for):
    client = client_for(persona)
    expected = {one_of_each[kind].number for kind in Kind.values if persona.username in SEES[kind]}
    assert _numbers_in(client.get(LIST)) == expected
    assert _board_numbers(client.get(BOARD)) == expected
    exported = client.get(EXPORT, {"format": "csv"}).getvalue().decode("utf-8-sig")
    for kind, claim in one_of_each.items():
        assert (claim.number in exported) is (persona.username in SEES[kind]), kind


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_a_claim_the_role_may_not_see_is_a_404_on_every_page_of_it(persona, one_of_each, client_for):
    client = client_for(persona)
    for kind, claim in one_of_each.items():
        sees = persona.username in SEES[kind]
        assert client.get(claim.get_absolute_url()).status_code == (200 if sees else 404), kind
        edit = client.get(reverse("claims:edit", args=[claim.pk])).status_code
        assert edit == (200 if sees else 404), kind
        move = client.post(reverse("claims:move", args=[claim.pk, "open"]), {"version": claim.version})
        assert move.status_code != 404 if sees else move.status_code == 404
        add = client.get(reverse("claims:record_add", args=[claim.pk, "causes"])).status_code
        assert add == (200 if sees else 404), kind


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_the_claim_page_offers_edit_and_moves_only_to_those_who_may_change_it(persona, one_of_each, client_for):
    client = client_for(persona)
    for kind, claim in one_of_each.items():
        if persona.username not in SEES[kind]:
            continue
        page = client.get(claim.get_absolute_url()).text
        assert 'id="claim-edit"' in page, kind
        assert 'id="move-open"' in page and 'id="move-cancel"' in page, kind
        assert 'id="add-causes"' in page, kind


def test_a_salesperson_sees_the_customer_claim_of_their_customer_read_only(sales_user, client_for):
    mine = claim_of(Kind.CUSTOMER, partner=PartnerFactory(name="Cliente Propio", salesperson=sales_user))
    other = claim_of(Kind.CUSTOMER, partner=PartnerFactory(name="Cliente Ajeno"))
    client = client_for(sales_user)
    assert _numbers_in(client.get(LIST)) == {mine.number}
    page = client.get(mine.get_absolute_url())
    assert page.status_code == 200
    assert mine.number in page.text
    for control in ('id="claim-edit"', 'id="move-open"', 'id="move-cancel"', 'id="add-causes"', 'id="add-origins"'):
        assert control not in page.text, control
    assert client.get(reverse("claims:edit", args=[mine.pk])).status_code == 403
    assert client.get(reverse("claims:record_add", args=[mine.pk, "causes"])).status_code == 403
    refused = client.post(reverse("claims:move", args=[mine.pk, "cancel"]), {"reason": "x", "version": mine.version})
    assert refused.status_code == 403
    mine.refresh_from_db()
    assert mine.state == State.DRAFT
    assert client.get(other.get_absolute_url()).status_code == 404


def test_an_internal_non_conformity_is_seen_by_the_people_assigned_to_it(client_for):
    worker = UserFactory(username="operario")
    assigned = claim_of(Kind.INTERNAL, responsible=worker)
    hidden = claim_of(Kind.INTERNAL)
    client = client_for(worker)
    assert _numbers_in(client.get(LIST)) == {assigned.number}
    assert client.get(assigned.get_absolute_url()).status_code == 200
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_a_closed_claim_shows_no_edit_or_add_buttons_but_offers_to_reopen(after_sales_user, client_for):
    claim = claim_of(Kind.CUSTOMER, state=State.CLOSED)
    page = client_for(after_sales_user).get(claim.get_absolute_url()).text
    assert 'id="claim-edit"' not in page and 'id="add-causes"' not in page
    assert 'id="move-reopen"' in page
    assert client_for(after_sales_user).get(reverse("claims:record_add", args=[claim.pk, "causes"])).status_code == 403


# The claim page


def test_the_claim_page_shows_header_documents_causes_actions_repairs_timeline_and_email_link(
    after_sales_user, client_for
):
    category = Category.objects.create(kind=Kind.CUSTOMER, name="Rotura en transporte")
    claim = with_origin(claim_of(Kind.CUSTOMER, category=category, responsible=after_sales_user,
                                 deadline=datetime.date(2026, 3, 9)))  # fmt: skip
    claim.causes.create(category="transport", description="Golpe en la descarga", our_fault=False)
    claim.actions.create(kind="corrective", description="Cambiar el embalaje", done_on=datetime.date(2026, 3, 2))
    claim.actions.create(kind="preventive", description="Formar al transportista", carried_over=True)
    claim.repairs.create(reference="REP-77", product_code="ROD-6204", state="in_repair")
    page = client_for(after_sales_user).get(claim.get_absolute_url()).text
    for text in (claim.number, "Customer claim", "Draft", claim.partner.name, "Rotura en transporte", "Normal",
                 "AL-2026-0001", "ROD-6204", "Golpe en la descarga", "Cambiar el embalaje", "Carried over",
                 "REP-77", "In repair"):  # fmt: skip
        assert text in page, text
    assert reverse("mail:compose", args=["claims.claim", claim.pk]) in page
    assert 'class="card timeline-panel' in page


def test_the_claim_page_runs_a_constant_number_of_queries_whatever_it_carries(administrator, client_for):
    claim = with_origin(claim_of(Kind.SUPPLIER))
    client = client_for(administrator)
    client.get(claim.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(claim.get_absolute_url())
    for n in range(5):
        with_origin(claim, number=f"AL-{n}")
        claim.causes.create(category="supplier", description=f"Causa {n}")
        claim.actions.create(kind="corrective", description=f"Acción {n}", owner=administrator)
        claim.repairs.create(reference=f"R-{n}")
    with CaptureQueriesContext(connection) as many:
        client.get(claim.get_absolute_url())
    assert len(many.captured_queries) == len(few.captured_queries)


def test_an_unknown_section_or_item_of_a_claim_is_a_404(after_sales_user, client_for):
    claim = claim_of(Kind.CUSTOMER)
    other = claim_of(Kind.CUSTOMER)
    cause = other.causes.create(category="design", description="Otra")
    client = client_for(after_sales_user)
    assert client.get(reverse("claims:record_add", args=[claim.pk, "passwords"])).status_code == 404
    assert client.post(reverse("claims:record_remove", args=[claim.pk, "causes", cause.pk])).status_code == 404
    assert other.causes.count() == 1
    assert client.get(reverse("claims:move", args=[claim.pk, "explode"])).status_code == 404


# List: filters, search, sort, overdue, htmx, exports


def test_the_list_filters_by_state_kind_category_responsible_partner_origin_document_product_and_dates(
    administrator, client_for
):
    category = Category.objects.create(kind=Kind.SUPPLIER, name="Dimensiones")
    steel = PartnerFactory(name="Aceros del Norte", is_customer=False, is_supplier=True)
    supplier_claim = with_origin(
        claim_of(Kind.SUPPLIER, partner=steel, category=category, responsible=administrator, state=State.OPEN,
                 received_on=datetime.date(2026, 2, 10)),
        doc_type=OriginType.GOODS_RECEIPT, number="ALB-COMPRA-881", product="CHAPA-3MM",
    )  # fmt: skip
    customer_claim = with_origin(claim_of(Kind.CUSTOMER, received_on=datetime.date(2026, 1, 5)))
    client = client_for(administrator)

    def numbers(**query):
        return _numbers_in(client.get(LIST, query))

    supplier_only = {supplier_claim.number}
    assert numbers(state="open") == supplier_only
    assert numbers(kind="supplier") == supplier_only
    assert numbers(category=str(category.pk)) == supplier_only
    assert numbers(responsible=administrator.username) == supplier_only
    assert numbers(responsible="none") == {customer_claim.number}
    assert numbers(partner=str(steel.pk)) == supplier_only
    assert numbers(origin="goods_receipt") == supplier_only
    assert numbers(document="alb-compra") == supplier_only  # the beginning of the number, case ignored
    assert numbers(product="chapa") == supplier_only
    assert numbers(received_from="2026-02-01") == supplier_only
    assert numbers(received_to="2026-01-31") == {customer_claim.number}
    assert numbers(received_from="2026-01-01", received_to="2026-12-31") == {supplier_claim.number,
                                                                             customer_claim.number}  # fmt: skip


def test_the_search_finds_claims_by_number_subject_partner_document_and_product(administrator, client_for):
    wanted = with_origin(claim_of(Kind.SUPPLIER, subject="Chapa oxidada",
                                  partner=PartnerFactory(name="Aceros Cantábricos", is_supplier=True)),
                         doc_type=OriginType.GOODS_RECEIPT, number="EM-55512", product="TUB-40X40")  # fmt: skip
    claim_of(Kind.CUSTOMER, subject="Otra cosa")
    client = client_for(administrator)
    for query in [wanted.number, "oxidada", "cantábricos", "EM-555", "tub-40", "chapa cantábricos"]:
        assert _numbers_in(client.get(LIST, {"q": query})) == {wanted.number}, query


def test_bad_filter_and_sort_values_are_ignored_never_a_500(administrator, client_for):
    claim = claim_of(Kind.CUSTOMER)
    query = {"state": "burnt", "kind": "x", "category": "abc", "partner": "1 OR 1=1", "received_from": "2026-13-45",
             "overdue": "maybe", "sort": "password", "page": "-4", "origin": "nowhere"}  # fmt: skip
    response = client_for(administrator).get(LIST, query)
    assert response.status_code == 200
    assert _numbers_in(response) == {claim.number}


def test_the_list_sorts_by_allowed_keys(administrator, client_for):
    early = claim_of(Kind.CUSTOMER, subject="Alfa", deadline=datetime.date(2026, 1, 1))
    late = claim_of(Kind.CUSTOMER, subject="Beta", deadline=datetime.date(2026, 6, 1))
    client = client_for(administrator)

    def order(sort):
        return [c.number for c in client.get(LIST, {"sort": sort}).context["page"].object_list]

    assert order("deadline") == [early.number, late.number]
    assert order("-deadline") == [late.number, early.number]
    assert order("-subject") == [late.number, early.number]


def test_overdue_claims_are_marked_in_the_list_and_on_the_board_and_can_be_filtered(after_sales_user, client_for):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    late = claim_of(Kind.CUSTOMER, state=State.OPEN, deadline=yesterday)
    on_time = claim_of(Kind.CUSTOMER, state=State.OPEN, deadline=timezone.localdate() + datetime.timedelta(days=3))
    closed_late = claim_of(Kind.CUSTOMER, state=State.CLOSED, deadline=yesterday)
    client = client_for(after_sales_user)
    listed = client.get(LIST).text
    assert f'id="claim-row-{late.pk}" class="table-danger"' in listed
    assert f'id="claim-row-{on_time.pk}">' in listed and f'id="claim-row-{closed_late.pk}">' in listed
    assert _numbers_in(client.get(LIST, {"overdue": "1"})) == {late.number}
    board = client.get(BOARD).text
    card = board[board.index(f'id="card-{late.pk}"') :]
    assert "overdue-badge" in card[: card.index("</li>")]
    card = board[board.index(f'id="card-{on_time.pk}"') :]
    assert "overdue-badge" not in card[: card.index("</li>")]


def test_an_htmx_request_gets_only_the_table_with_the_filters_kept(administrator, client_for):
    claim_of(Kind.CUSTOMER, subject="Holgura")
    response = client_for(administrator).get(LIST, {"q": "holgura", "kind": "customer"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="claim-filters"' not in response.text
    assert "Holgura" in response.text
    assert f"{EXPORT}?format=csv&amp;kind=customer&amp;q=holgura" in response.text


def test_the_board_has_the_four_state_columns_and_an_htmx_swap(quality_manager, client_for):
    for state in State.values:
        claim_of(Kind.SUPPLIER, state=state, subject=f"En {state}")
    client = client_for(quality_manager)
    response = client.get(BOARD)
    assert [column["state"] for column in response.context["columns"]] == ["draft", "open", "closed", "cancelled"]
    assert all(column["total"] == 1 for column in response.context["columns"])
    for label in ("Draft", "Open", "Closed", "Cancelled"):
        assert f">{label}</h2>" in response.text
    swap = client.get(BOARD, {"q": "open"}, HTTP_HX_REQUEST="true")
    assert "<html" not in swap.text
    assert "En open" in swap.text and "En draft" not in swap.text


def test_the_export_holds_the_current_filter_in_csv_and_xlsx(purchasing_user, client_for):
    wanted = with_origin(claim_of(Kind.SUPPLIER, subject='=HYPERLINK("x")'), number="ALB-9")
    claim_of(Kind.SUPPLIER, subject="Otra")
    client = client_for(purchasing_user)
    response = client.get(EXPORT, {"format": "csv", "document": "ALB-9"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Number", "Kind", "State"]
    assert [row[0] for row in rows[1:]] == [wanted.number]
    assert rows[1][3] == '\'=HYPERLINK("x")'  # neutralised: not a formula in Excel
    assert "Delivery ALB-9" in rows[1]
    xlsx = client.get(EXPORT, {"format": "xlsx", "kind": "supplier"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(EXPORT, {"format": "pdf"}).status_code == 400


# Constant queries


def _queries_for(client, url) -> int:
    client.get(url)  # warm up what does not depend on the data (sessions, content types)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries)


def _claims_in_every_state(count: int, user) -> None:
    states = itertools.cycle(State.values)
    category = Category.objects.create(kind=Kind.SUPPLIER, name=f"Cat {count}")
    for _n in range(count):
        claim_of(Kind.SUPPLIER, state=next(states), category=category, responsible=user)


@pytest.mark.parametrize("url", [LIST, BOARD])
def test_the_list_and_the_board_run_the_same_queries_for_3_or_20_claims(url, purchasing_manager, client_for,
                                                                         django_assert_num_queries):  # fmt: skip
    client = client_for(purchasing_manager)
    _claims_in_every_state(3, purchasing_manager)
    few = _queries_for(client, url)
    _claims_in_every_state(17, purchasing_manager)
    with django_assert_num_queries(few):
        response = client.get(url)
    shown = response.context["page"].object_list if url == LIST else _board_numbers(response)
    assert len(shown) == 20


# Categories


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_the_categories_page_shows_only_the_kinds_the_role_configures(persona, client_for):
    categories = {kind: Category.objects.create(kind=kind, name=f"Categoría {kind}") for kind in Kind.values}
    client = client_for(persona)
    configures = {kind for kind in Kind.values if persona.username in CONFIGURES[kind]}
    response = client.get(reverse("claims:categories"))
    if not configures:
        assert response.status_code == 403
        return
    assert {c.kind for c in response.context["categories"]} == configures
    for kind, category in categories.items():
        edit = client.get(reverse("claims:category_edit", args=[category.pk])).status_code
        assert edit == (200 if kind in configures else 404), kind
    offered = {value for value, _label in response.context["form"].fields["kind"].choices}
    assert offered == configures


@pytest.mark.parametrize(
    ("kind", "persona", "partner_label", "resolution_label"),
    [
        (Kind.SUPPLIER, "purchasing_manager", "Supplier", "Resolution agreed with the supplier"),
        (Kind.CUSTOMER, "after_sales_manager", "Customer", "Resolution given to the customer"),
    ],
)
def test_each_kind_of_claim_names_its_other_party_on_its_page_and_forms(
    kind, persona, partner_label, resolution_label, client_for, request
):
    user = request.getfixturevalue(persona)
    user.language = "en"
    user.save(update_fields=["language"])
    claim = claim_of(kind, state=State.OPEN)
    client = client_for(user)
    page = client.get(claim.get_absolute_url())
    assert f'<dt class="col-sm-4">{partner_label}</dt>' in page.text
    close_form = client.get(reverse("claims:move", args=[claim.pk, "close"])).context["form"]
    assert close_form.fields["resolution_notes"].label == resolution_label
    edit_form = client.get(reverse("claims:edit", args=[claim.pk])).context["form"]
    assert edit_form.fields["partner"].label == partner_label
