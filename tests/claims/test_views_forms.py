"""Writing through the claim pages: create, quick-create from a document number, edit (stale edits refused), the
moves with what a refused move says is missing, what a claim carries, categories, and the partner page's button."""

import datetime
import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.partners.factories import ContactFactory, PartnerFactory
from trato.claims.models import Action, Category, Claim, Kind, OriginType, State
from trato.inbox.system import gateway_user

pytestmark = pytest.mark.django_db

CREATE, QUICK = reverse("claims:create"), reverse("claims:quick_create")


@pytest.fixture
def supplier(db):
    return PartnerFactory(name="Aceros del Norte S.A.", is_customer=False, is_supplier=True)


@pytest.fixture
def customer(db):
    return PartnerFactory(name="Talleres Pérez S.L.", is_customer=True)


@pytest.fixture
def supplier_category(db):
    return Category.objects.create(kind=Kind.SUPPLIER, name="Material defectuoso", default_deadline_days=10)


def _create(client, **data):
    form = {"kind": "supplier", "subject": "Chapa con óxido", "priority": "normal", "channel": "phone", **data}
    return client.post(CREATE, {k: v for k, v in form.items() if v is not None})


def _draft(client, **data) -> Claim:
    response = _create(client, **data)
    assert response.status_code == 302, response.content
    return Claim.objects.latest("pk")


def _move(client, claim, move, **data):
    return client.post(reverse("claims:move", args=[claim.pk, move]), {"version": claim.version, **data})


# Create


def test_a_purchasing_user_creates_a_supplier_claim_draft_with_the_category_deadline(
    purchasing_user, supplier, supplier_category, client_for
):
    client = client_for(purchasing_user)
    response = _create(client, partner=supplier.pk, category=supplier_category.pk, responsible=purchasing_user.pk,
                       received_on="2026-03-02", description="Óxido en 20 chapas")  # fmt: skip
    claim = Claim.objects.get()
    assert response["Location"] == claim.get_absolute_url()
    assert claim.number.startswith("RP-") and claim.state == State.DRAFT
    assert claim.deadline == datetime.date(2026, 3, 12)
    page = client.get(claim.get_absolute_url()).text
    assert claim.number in page and "Aceros del Norte S.A." in page


def test_the_create_form_offers_only_the_kinds_the_role_creates_and_partners_it_sees(
    purchasing_user, supplier, customer, client_for
):
    form = client_for(purchasing_user).get(CREATE).context["form"]
    assert [value for value, _label in form.fields["kind"].choices] == ["supplier"]
    assert list(form.fields["partner"].queryset) == [supplier]
    refused = _create(client_for(purchasing_user), kind="customer", partner=customer.pk)
    assert refused.status_code == 400
    assert not Claim.objects.exists()


def test_the_mail_gateway_is_never_offered_as_responsible_or_assignee(purchasing_user, client_for):
    gateway = gateway_user()
    form = client_for(purchasing_user).get(CREATE).context["form"]
    assert purchasing_user in form.fields["responsible"].queryset
    assert gateway not in form.fields["responsible"].queryset
    assert gateway not in form.fields["assignees"].queryset


def test_roles_that_may_not_create_claims_get_403(sales_user, outsider, client_for):
    for user in (sales_user, outsider):
        assert client_for(user).get(CREATE).status_code == 403
        assert client_for(user).get(QUICK).status_code == 403


def test_a_customer_claim_on_a_supplier_only_partner_is_refused_with_a_message(after_sales_user, supplier, client_for):
    response = _create(client_for(after_sales_user), kind="customer", partner=supplier.pk)
    assert response.status_code == 400
    assert response.context["form"].errors["partner"]
    assert not Claim.objects.exists()


def test_a_partner_or_user_that_does_not_exist_is_refused_and_nothing_is_saved(purchasing_user, client_for):
    response = _create(client_for(purchasing_user), partner="999999", responsible="999999")
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "partner" in errors and "responsible" in errors
    assert not Claim.objects.exists()


def test_the_partner_page_offers_a_new_claim_of_the_matching_kind(
    purchasing_user, after_sales_manager, sales_user, supplier, customer, client_for
):
    page = client_for(purchasing_user).get(supplier.get_absolute_url()).text
    link = f"{CREATE}?partner={supplier.pk}&amp;kind=supplier"
    assert link in page
    form = client_for(purchasing_user).get(f"{CREATE}?partner={supplier.pk}&kind=supplier").context["form"]
    assert form.initial["partner"] == supplier and form["kind"].value() == "supplier"
    assert (
        f"{CREATE}?partner={customer.pk}&amp;kind=customer"
        in client_for(after_sales_manager).get(customer.get_absolute_url()).text
    )
    assert 'id="new-claim"' not in client_for(sales_user).get(customer.get_absolute_url()).text


# Quick-create from a document number


def test_a_goods_receipt_number_pasted_into_quick_create_makes_a_supplier_draft_with_that_document(
    purchasing_user, supplier, client_for
):
    client = client_for(purchasing_user)
    form = client.get(QUICK).context["form"]
    offered = {value for value, _label in form.fields["doc_type"].choices}
    assert offered == {"goods_receipt", "receipt_return"}  # purchasing creates supplier claims only
    response = client.post(QUICK, {"number": "  ALB-C 2026/0113 ", "doc_type": "goods_receipt", "partner": supplier.pk})
    claim = Claim.objects.get()
    assert response["Location"] == claim.get_absolute_url()
    assert claim.kind == Kind.SUPPLIER and claim.partner == supplier and claim.state == State.DRAFT
    origin = claim.origins.get()
    assert (origin.doc_type, origin.number) == (OriginType.GOODS_RECEIPT, "ALB-C 2026/0113")
    assert "ALB-C 2026/0113" in client.get(claim.get_absolute_url()).text


def test_quick_create_warns_when_a_claim_already_cites_the_document_for_that_partner(
    purchasing_user, supplier, client_for
):
    client = client_for(purchasing_user)
    data = {"number": "ALB-C 2026/0113", "doc_type": "goods_receipt", "partner": supplier.pk}
    first = Claim.objects.get(pk=client.post(QUICK, data)["Location"].rstrip("/").rsplit("/", 1)[-1])
    warned = client.post(QUICK, {**data, "number": "alb-c 2026/0113"})
    assert (warned.status_code, warned.context["citing"]) == (200, [first])
    assert first.get_absolute_url() in warned.text and 'name="confirmed" value="on"' in warned.text
    assert Claim.objects.count() == 1
    anyway = client.post(QUICK, {**data, "confirmed": "on"})
    assert anyway.status_code == 302 and Claim.objects.count() == 2


def test_quick_create_does_not_warn_about_claims_the_user_may_not_see(purchasing_user, after_sales_user, client_for):
    both = PartnerFactory(name="Cliente y proveedor", is_customer=True, is_supplier=True)
    customer_claim = {"number": "ALB-9", "doc_type": "delivery", "partner": both.pk}
    assert client_for(after_sales_user).post(QUICK, customer_claim).status_code == 302
    supplier_claim = {"number": "ALB-9", "doc_type": "goods_receipt", "partner": both.pk}
    assert client_for(purchasing_user).post(QUICK, supplier_claim).status_code == 302
    assert Claim.objects.count() == 2


def test_quick_create_without_a_number_or_with_a_wrong_partner_says_so_and_creates_nothing(
    after_sales_user, supplier, customer, client_for
):
    client = client_for(after_sales_user)
    empty = client.post(QUICK, {"number": " ", "doc_type": "delivery", "partner": customer.pk})
    assert empty.status_code == 400 and empty.context["form"].errors["number"]
    wrong = client.post(QUICK, {"number": "AL-1", "doc_type": "delivery", "partner": supplier.pk})
    assert wrong.status_code == 400 and wrong.context["form"].errors["partner"]
    assert not Claim.objects.exists()


def test_quick_create_marks_what_it_needs_and_says_what_the_mark_means(after_sales_user, client_for):
    page = client_for(after_sales_user).get(QUICK).text

    for name in ("number", "doc_type", "partner"):
        assert f'<label class="form-label" for="id_{name}">' in page
        label = page.split(f'for="id_{name}">')[1].split("</label>")[0]
        assert label.endswith('<span class="text-danger" aria-hidden="true">*</span>')
        assert re.search(rf'<(input|select)[^>]*name="{name}"[^>]*\b(required|aria-required="true")', page)
    assert '<span class="text-danger" aria-hidden="true">*</span> required to save' in page
    subject = page.split('for="id_subject">')[1].split("</label>")[0]
    assert "*" not in subject


# Edit


def test_an_edit_saves_the_changes_and_a_stale_edit_is_refused_without_overwriting(
    purchasing_user, purchasing_manager, supplier, client_for
):
    claim = _draft(client_for(purchasing_user), partner=supplier.pk, subject="Original")
    url = reverse("claims:edit", args=[claim.pk])
    form = {"subject": "Cambio de Ana", "priority": "high", "channel": "phone", "partner": supplier.pk,
            "received_on": claim.received_on.isoformat(), "version": claim.version}  # fmt: skip
    first = client_for(purchasing_manager).post(url, form)
    assert first.status_code == 302
    stale = client_for(purchasing_user).post(url, {**form, "subject": "Cambio de Luis"})
    assert stale.status_code == 400
    assert "Someone else changed this record" in stale.text
    claim.refresh_from_db()
    assert (claim.subject, claim.priority) == ("Cambio de Ana", "high")


# Moves


def test_opening_without_what_it_needs_lists_what_is_missing_and_changes_nothing(purchasing_user, supplier, client_for):
    client = client_for(purchasing_user)
    claim = _draft(client, partner=supplier.pk)
    response = _move(client, claim, "open")
    assert response.status_code == 400
    assert "To open this claim, add: the person responsible, the category, a description." in response.text
    claim.refresh_from_db()
    assert claim.state == State.DRAFT


def test_closing_asks_for_resolution_and_note_and_saves_neither_when_refused(
    purchasing_user, supplier, supplier_category, client_for
):
    client = client_for(purchasing_user)
    claim = _draft(client, partner=supplier.pk, category=supplier_category.pk, responsible=purchasing_user.pk,
                   description="Óxido")  # fmt: skip
    assert _move(client, claim, "open").status_code == 302
    claim.refresh_from_db()
    form = client.get(reverse("claims:move", args=[claim.pk, "close"])).context["form"]
    assert {"resolution", "resolution_notes", "resolution_cost", "closing_note"} <= set(form.fields)
    refused = _move(client, claim, "close", resolution="credit_note", closing_note="")
    assert refused.status_code == 400
    assert "To close this claim, add: at least one cause, a closing note." in refused.text
    claim.refresh_from_db()
    assert (claim.state, claim.resolution) == (State.OPEN, "")


def test_a_claim_is_closed_once_it_has_a_cause_the_resolution_settled_actions_and_a_note(
    purchasing_user, supplier, supplier_category, client_for
):
    client = client_for(purchasing_user)
    claim = _draft(client, partner=supplier.pk, category=supplier_category.pk, responsible=purchasing_user.pk,
                   description="Óxido")  # fmt: skip
    _move(client, claim, "open")
    add = reverse("claims:record_add", args=[claim.pk, "causes"])
    assert client.post(add, {"category": "supplier", "description": "Almacenaje a la intemperie"}).status_code == 302
    add = reverse("claims:record_add", args=[claim.pk, "actions"])
    client.post(add, {"kind": "corrective", "description": "Exigir embalaje estanco", "carried_over": "on"})
    claim.refresh_from_db()
    closed = _move(client, claim, "close", resolution="credit_note", resolution_cost="120.50",
                   closing_note="Abono recibido")  # fmt: skip
    assert closed.status_code == 302
    claim.refresh_from_db()
    assert (claim.state, claim.resolution, str(claim.resolution_cost)) == (State.CLOSED, "credit_note", "120.50")
    assert claim.time_to_close is not None
    page = client.get(claim.get_absolute_url()).text
    assert "Abono recibido" in page and 'id="move-reopen"' in page


def test_cancel_and_reopen_need_a_reason(after_sales_user, customer, client_for):
    client = client_for(after_sales_user)
    claim = Claim.objects.create(kind=Kind.CUSTOMER, number="RC-2026-09999", subject="x", partner=customer)
    refused = _move(client, claim, "cancel", reason="")
    assert refused.status_code == 400 and refused.context["form"].errors["reason"]
    assert _move(client, claim, "cancel", reason="Duplicada").status_code == 302
    claim.refresh_from_db()
    assert claim.state == State.CANCELLED
    assert "Duplicada" in client.get(claim.get_absolute_url()).text  # the reason, on the timeline


# What a claim carries


def test_origin_documents_with_lines_causes_actions_and_repairs_are_added_edited_and_removed(
    after_sales_user, customer, client_for
):
    client = client_for(after_sales_user)
    claim = Claim.objects.create(kind=Kind.CUSTOMER, number="RC-2026-09998", subject="x", partner=customer)

    def url(name, *args):
        return reverse(f"claims:record_{name}", args=[claim.pk, *args])

    origin = {"doc_type": "delivery", "number": "AL-2026-0042", "line0_product_code": "ROD-6204",
              "line0_quantity": "3", "line0_unit": "ud", "line1_description": "sin código"}  # fmt: skip
    missing_code = client.post(url("add", "origins"), origin)
    assert missing_code.status_code == 400 and missing_code.context["form"].errors["line1_product_code"]
    del origin["line1_description"]
    assert client.post(url("add", "origins"), origin).status_code == 302
    assert [line.product_code for line in claim.origins.get().lines.all()] == ["ROD-6204"]

    client.post(url("add", "actions"), {"kind": "containment", "description": "Revisar stock"})
    action = Action.objects.get(claim=claim)
    edited = client.post(url("edit", "actions", action.pk), {"kind": "containment", "description": "Revisar stock",
                                                             "done_on": "2026-03-03"})  # fmt: skip
    assert edited.status_code == 302
    action.refresh_from_db()
    assert action.done_on == datetime.date(2026, 3, 3)
    assert "Done" in client.get(claim.get_absolute_url()).text

    client.post(url("add", "repairs"), {"reference": "REP-1", "state": "planned"})
    repair = claim.repairs.get()
    client.post(url("edit", "repairs", repair.pk), {"reference": "REP-1", "state": "done", "cost": "80"})
    repair.refresh_from_db()
    assert repair.state == "done"
    assert client.post(url("remove", "repairs", repair.pk)).status_code == 302
    assert not claim.repairs.exists()


# Categories


def test_an_after_sales_manager_adds_renames_and_deactivates_a_customer_category(after_sales_manager, client_for):
    client = client_for(after_sales_manager)
    added = client.post(reverse("claims:categories"), {"kind": "customer", "name": "Embalaje",
                                                       "default_deadline_days": "15", "is_active": "on"})  # fmt: skip
    assert added.status_code == 302
    category = Category.objects.get(name="Embalaje")
    assert (category.kind, category.default_deadline_days) == (Kind.CUSTOMER, 15)
    edit = reverse("claims:category_edit", args=[category.pk])
    assert client.post(edit, {"name": "Embalaje roto", "default_deadline_days": "7"}).status_code == 302
    category.refresh_from_db()
    assert (category.name, category.default_deadline_days, category.is_active) == ("Embalaje roto", 7, False)
    refused = client.post(reverse("claims:categories"), {"kind": "supplier", "name": "Ajena"})
    assert refused.status_code == 400
    assert not Category.objects.filter(name="Ajena").exists()


def test_an_inactive_category_is_no_longer_offered_for_new_claims(after_sales_user, client_for):
    Category.objects.create(kind=Kind.CUSTOMER, name="Vieja", is_active=False)
    active = Category.objects.create(kind=Kind.CUSTOMER, name="Nueva")
    form = client_for(after_sales_user).get(CREATE).context["form"]
    assert list(form.fields["category"].queryset) == [active]


def test_the_contact_choices_are_the_chosen_partners_contacts(after_sales_user, customer, client_for):
    mine = ContactFactory(partner=customer, first_name="Lucía")
    ContactFactory(partner=PartnerFactory(), first_name="Ajeno")
    form = client_for(after_sales_user).get(f"{CREATE}?partner={customer.pk}").context["form"]
    assert list(form.fields["contact"].queryset) == [mine]


def test_an_internal_non_conformity_needs_no_partner_and_is_created_by_the_quality_manager(quality_manager, client_for):
    worker = UserFactory(username="encargado")
    claim = _draft(client_for(quality_manager), kind="internal", subject="Soldadura porosa", responsible=worker.pk)
    assert claim.number.startswith("NC-") and claim.partner is None
    assert client_for(worker).get(claim.get_absolute_url()).status_code == 200
