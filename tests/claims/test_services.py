"""Claim services: numbering, the checks on who and what, the moves with their guards, notifications, the
subresources and categories. Every refusal says why and changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from tests.claims import support
from tests.claims.support import make_category, make_claim, make_partner
from tests.factories import UserFactory
from trato.accounts.roles import Role
from trato.claims import services
from trato.claims.models import Action, Category, Cause, Claim, Kind, State
from trato.core.errors import ConflictError, NotAllowed
from trato.mail.models import OutboundMessage
from trato.timeline.models import Entry, EntryKind

pytestmark = pytest.mark.django_db
customer, supplier, contact = support.customer, support.supplier, support.contact  # fixtures
YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def entries(claim, kind=None):
    rows = Entry.objects.filter(record_type="claims.claim", record_id=claim.pk)
    return rows.filter(kind=kind) if kind else rows


def ready_to_close(claim, by):
    services.cause_add(claim=claim, by=by, data={"category": "transport", "description": "Golpe en el transporte"})
    return services.claim_update(claim=claim, by=by, data={"resolution": "replacement"}, version=claim.version)


# Creating


def test_numbers_run_per_prefix_and_year(after_sales_user, purchasing_user):
    first = make_claim(Kind.CUSTOMER, by=after_sales_user)
    second = make_claim(Kind.CUSTOMER, by=after_sales_user)
    supplier_claim = make_claim(Kind.SUPPLIER, by=purchasing_user)
    assert (first.number, second.number) == (f"RC-{YEAR}-00001", f"RC-{YEAR}-00002")
    assert supplier_claim.number == f"RP-{YEAR}-00001"


def test_a_new_claim_is_a_draft_with_its_origins_and_a_creation_entry(after_sales_user, customer):
    claim = make_claim(
        by=after_sales_user,
        partner=customer,
        origins=[{"doc_type": "delivery", "number": "ALB-2026-118", "date": datetime.date(2026, 3, 2),
                  "lines": [{"product_code": "ROD-6204", "lot": "L-77", "quantity": Decimal("3"), "unit": "u"}]}],
    )  # fmt: skip
    assert claim.state == State.DRAFT
    origin = claim.origins.get()
    assert (origin.number, origin.lines.get().product_code) == ("ALB-2026-118", "ROD-6204")
    assert entries(claim, EntryKind.CHANGE).count() == 1


def test_the_deadline_defaults_to_the_categorys_days_after_receipt(after_sales_user):
    category = make_category(Kind.CUSTOMER, default_deadline_days=10)
    claim = make_claim(by=after_sales_user, category=category, received_on=datetime.date(2026, 3, 1))
    assert claim.deadline == datetime.date(2026, 3, 11)


def test_a_sales_user_may_not_create_a_claim(sales_user):
    with pytest.raises(NotAllowed):
        make_claim(by=sales_user)
    assert not Claim.objects.exists()


def test_a_customer_claim_on_a_supplier_only_partner_is_refused(administrator, after_sales_user, supplier):
    with pytest.raises(services.InvalidInput) as refused:
        make_claim(by=administrator, partner=supplier)
    assert refused.value.fields["partner"] == [
        "Aceros del Norte S.A. is not a customer: a customer claim needs a customer."
    ]
    with pytest.raises(services.InvalidInput) as refused:  # after-sales do not even see suppliers
        make_claim(by=after_sales_user, partner=supplier)
    assert refused.value.fields["partner"] == ["Choose a customer or supplier you can see."]
    assert not Claim.objects.exists()


def test_a_partner_that_does_not_exist_is_refused(after_sales_user):
    with pytest.raises(services.InvalidInput) as refused:
        make_claim(by=after_sales_user, partner=987654)
    assert refused.value.fields["partner"] == ["Choose a customer or supplier you can see."]
    assert not Claim.objects.exists()


def test_a_responsible_that_does_not_exist_or_is_inactive_is_refused(after_sales_user):
    inactive = UserFactory(is_active=False, roles=[Role.AFTER_SALES_USER])
    for value in (987654, inactive, "not-a-number"):
        with pytest.raises(services.InvalidInput) as refused:
            make_claim(by=after_sales_user, responsible=value)
        assert refused.value.fields["responsible"] == ["Choose an active user."]
    assert not Claim.objects.exists()


def test_a_salesperson_who_sees_their_customers_claim_is_still_not_given_it(after_sales_user, sales_user):
    customer = make_partner("customer", salesperson=sales_user)
    claim = make_claim(Kind.CUSTOMER, by=after_sales_user, partner=customer)
    assert Claim.objects.visible_to(sales_user).filter(pk=claim.pk).exists()

    with pytest.raises(services.InvalidInput) as refused:
        services.claim_update(claim=claim, by=after_sales_user, data={"assignees": [sales_user.pk]}, version=None)
    assert "role does not cover" in refused.value.fields["assignees"][0]


def test_a_responsible_whose_role_cannot_see_the_claim_is_refused(purchasing_user, sales_user):
    with pytest.raises(services.InvalidInput) as refused:
        make_claim(Kind.SUPPLIER, by=purchasing_user, responsible=sales_user)
    assert "role does not cover" in refused.value.fields["responsible"][0]
    assert not Claim.objects.exists()


def test_the_contact_must_belong_to_the_partner(after_sales_user, customer):
    stranger = make_partner("customer")
    from tests.partners.factories import ContactFactory

    with pytest.raises(services.InvalidInput) as refused:
        make_claim(by=after_sales_user, partner=customer, contact=ContactFactory(partner=stranger))
    assert "contacts" in refused.value.fields["contact"][0]


def test_the_category_must_be_of_the_same_kind(after_sales_user):
    with pytest.raises(services.InvalidInput) as refused:
        make_claim(by=after_sales_user, category=make_category(Kind.SUPPLIER))
    assert "category" in refused.value.fields


def test_unknown_fields_are_refused(after_sales_user):
    with pytest.raises(services.InvalidInput) as refused:
        make_claim(by=after_sales_user, state="closed")
    assert refused.value.fields == {"state": ["This field is not allowed."]}


def test_a_bad_origin_line_refuses_the_whole_claim(after_sales_user):
    with pytest.raises(services.InvalidInput) as refused:
        make_claim(by=after_sales_user, origins=[{"doc_type": "delivery", "number": "A1", "lines": [{"lot": "x"}]}])
    assert "lines.0.product_code" in refused.value.fields
    assert not Claim.objects.exists()


# From the ERP


def test_the_erp_gets_the_first_claim_back_for_the_same_reference(after_sales_user):
    data = {"kind": Kind.CUSTOMER, "subject": "Desde el ERP", "partner": make_partner("customer"),
            "external_ref": "ERP-1"}  # fmt: skip
    first, created = services.claim_create_from_erp(by=after_sales_user, data=data)
    again, created_again = services.claim_create_from_erp(by=after_sales_user, data={**data, "subject": "Otro"})
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Claim.objects.count() == 1
    assert first.channel == "api"


def test_an_erp_reference_is_unique_per_kind_so_another_kinds_claim_neither_blocks_nor_shows(
    after_sales_user, purchasing_user
):
    supplier_claim, _created = services.claim_create_from_erp(
        by=purchasing_user, data={"kind": Kind.SUPPLIER, "subject": "NC", "external_ref": "ERP-9"}
    )
    customer_claim, created = services.claim_create_from_erp(
        by=after_sales_user, data={"kind": Kind.CUSTOMER, "subject": "X", "external_ref": "ERP-9"}
    )
    assert created is True
    assert customer_claim.pk != supplier_claim.pk and customer_claim.number.startswith("RC-")


def test_the_same_erp_reference_again_in_the_same_kind_returns_the_first_claim(after_sales_user):
    data = {"kind": Kind.CUSTOMER, "subject": "X", "external_ref": "ERP-10"}
    first, created_first = services.claim_create_from_erp(by=after_sales_user, data=data)
    again, created_again = services.claim_create_from_erp(by=after_sales_user, data=data)
    assert (again.pk, created_first, created_again) == (first.pk, True, False)
    assert Claim.objects.count() == 1


def test_the_erp_create_refuses_a_kind_the_caller_may_not_create_before_looking_at_the_reference(
    after_sales_user, purchasing_user
):
    services.claim_create_from_erp(
        by=purchasing_user, data={"kind": Kind.SUPPLIER, "subject": "NC", "external_ref": "R"}
    )
    with pytest.raises(NotAllowed) as refused:
        services.claim_create_from_erp(
            by=after_sales_user, data={"kind": Kind.SUPPLIER, "subject": "Y", "external_ref": "R"}
        )
    assert refused.value.message == "Your role may not create this kind of claim."


def test_a_purchasing_user_posting_a_supplier_claim_with_a_customer_claims_reference_gets_201(
    after_sales_user, purchasing_user, client_for
):
    import json

    make_claim(Kind.CUSTOMER, by=after_sales_user, external_ref="ALB-2026-7")
    body = {"kind": "supplier", "subject": "Chapa rayada", "partner": make_partner("supplier").pk,
            "external_ref": "ALB-2026-7"}  # fmt: skip
    response = client_for(purchasing_user).post("/api/v1/claims", json.dumps(body), "application/json")
    assert response.status_code == 201
    assert response.json()["number"].startswith(f"RP-{YEAR}-")
    assert Claim.objects.filter(external_ref="ALB-2026-7").count() == 2


def test_a_duplicate_erp_reference_in_a_plain_create_is_refused(after_sales_user):
    make_claim(by=after_sales_user, external_ref="ERP-5")
    with pytest.raises(services.InvalidInput) as refused:
        make_claim(by=after_sales_user, external_ref="ERP-5")
    assert refused.value.fields["external_ref"] == ["Another claim already has this ERP reference."]
    assert Claim.objects.count() == 1


# Changing


def test_an_update_is_tracked_on_the_timeline(after_sales_user):
    claim = make_claim(by=after_sales_user)
    updated = services.claim_update(claim=claim, by=after_sales_user, data={"priority": "high"}, version=1)
    assert (updated.priority, updated.version) == ("high", 2)
    change = entries(claim, EntryKind.CHANGE).latest("pk")
    assert change.data["changes"][0]["field"] == "priority"


def test_a_stale_update_is_refused_and_overwrites_nothing(after_sales_user):
    claim = make_claim(by=after_sales_user)
    services.claim_update(claim=claim, by=after_sales_user, data={"subject": "Primero"}, version=1)
    with pytest.raises(ConflictError):
        services.claim_update(claim=claim, by=after_sales_user, data={"subject": "Segundo"}, version=1)
    claim.refresh_from_db()
    assert (claim.subject, claim.version) == ("Primero", 2)


def test_the_kind_cannot_change(after_sales_user):
    claim = make_claim(by=after_sales_user)
    with pytest.raises(services.InvalidInput):
        services.claim_update(claim=claim, by=after_sales_user, data={"kind": Kind.SUPPLIER}, version=1)


def test_a_sales_user_who_sees_a_claim_may_not_change_it(after_sales_user, sales_user):
    claim = make_claim(by=after_sales_user, partner=make_partner("customer", salesperson=sales_user))
    assert Claim.objects.visible_to(sales_user).filter(pk=claim.pk).exists()
    with pytest.raises(NotAllowed):
        services.claim_update(claim=claim, by=sales_user, data={"subject": "No"}, version=1)
    with pytest.raises(NotAllowed):
        services.cause_add(claim=claim, by=sales_user, data={"category": "design", "description": "x"})
    claim.refresh_from_db()
    assert claim.subject != "No" and not claim.causes.exists()


def test_a_changed_deadline_earns_a_new_reminder(after_sales_user):
    claim = make_claim(by=after_sales_user, deadline=datetime.date(2030, 1, 10))
    Claim.objects.filter(pk=claim.pk).update(reminder_sent_on=datetime.date(2030, 1, 8))
    claim = services.claim_update(claim=claim, by=after_sales_user, data={"deadline": datetime.date(2030, 2, 1)},
                                  version=1)  # fmt: skip
    assert claim.reminder_sent_on is None


# Moves


def test_opening_without_category_and_description_lists_what_is_missing(after_sales_user):
    claim = make_claim(by=after_sales_user, category=None, description="", responsible=after_sales_user)
    with pytest.raises(services.MoveRefused) as refused:
        services.claim_move(claim=claim, by=after_sales_user, move="open", version=1)
    assert refused.value.message == "To open this claim, add: the category, a description."
    assert refused.value.missing == ["the category", "a description"]
    assert (refused.value.status, refused.value.code) == (400, "move_refused")
    claim.refresh_from_db()
    assert (claim.state, claim.version) == (State.DRAFT, 1)
    assert not entries(claim, EntryKind.STATE).exists()


def test_a_draft_cannot_be_closed(after_sales_user):
    claim = make_claim(by=after_sales_user, responsible=after_sales_user)
    with pytest.raises(services.MoveRefused) as refused:
        services.claim_move(claim=claim, by=after_sales_user, move="close", closing_note="Cerrada")
    assert refused.value.message == "Only an open claim can be closed."
    claim.refresh_from_db()
    assert claim.state == State.DRAFT


def test_closing_without_a_cause_is_refused(after_sales_user):
    claim = make_claim(by=after_sales_user, responsible=after_sales_user, resolution="credit_note")
    claim = services.claim_move(claim=claim, by=after_sales_user, move="open")
    with pytest.raises(services.MoveRefused) as refused:
        services.claim_move(claim=claim, by=after_sales_user, move="close", closing_note="Abonado")
    assert refused.value.missing == ["at least one cause"]
    claim.refresh_from_db()
    assert (claim.state, claim.closed_at, claim.closing_note) == (State.OPEN, None, "")


def test_unsettled_actions_and_a_missing_note_block_closing(after_sales_user):
    claim = make_claim(by=after_sales_user, responsible=after_sales_user)
    claim = services.claim_move(claim=claim, by=after_sales_user, move="open")
    claim = ready_to_close(claim, after_sales_user)
    services.action_add(claim=claim, by=after_sales_user, data={"kind": "corrective", "description": "Revisar"})
    with pytest.raises(services.MoveRefused) as refused:
        services.claim_move(claim=claim, by=after_sales_user, move="close")
    assert refused.value.missing == ["1 action neither done nor carried over", "a closing note"]


def test_the_whole_procedure_leaves_every_move_on_the_timeline(after_sales_user):
    claim = make_claim(by=after_sales_user, responsible=after_sales_user)
    claim = services.claim_move(claim=claim, by=after_sales_user, move="open", version=1)
    assert claim.opened_at is not None
    claim = ready_to_close(claim, after_sales_user)
    action = services.action_add(claim=claim, by=after_sales_user, data={"kind": "corrective", "description": "Ajuste"})
    services.action_update(action=action, by=after_sales_user, data={"carried_over": True})
    claim = services.claim_move(claim=claim, by=after_sales_user, move="close", closing_note="Sustituidos")
    assert (claim.state, claim.closing_note) == (State.CLOSED, "Sustituidos")
    assert claim.closed_at and claim.time_to_close is not None
    with pytest.raises(services.MoveRefused) as refused:
        services.claim_move(claim=claim, by=after_sales_user, move="reopen")
    assert refused.value.missing == ["a reason"]
    claim = services.claim_move(claim=claim, by=after_sales_user, move="reopen", reason="Vuelve a fallar")
    assert (claim.state, claim.closed_at) == (State.OPEN, None)
    states = [(e.data["old"], e.data["new"], e.body) for e in entries(claim, EntryKind.STATE).order_by("pk")]
    assert states == [("draft", "open", ""), ("open", "closed", "Sustituidos"), ("closed", "open", "Vuelve a fallar")]


def test_a_closed_claim_refuses_changes_until_reopened(after_sales_user):
    claim = make_claim(by=after_sales_user, responsible=after_sales_user)
    claim = services.claim_move(claim=claim, by=after_sales_user, move="open")
    claim = ready_to_close(claim, after_sales_user)
    claim = services.claim_move(claim=claim, by=after_sales_user, move="close", closing_note="Hecho")
    with pytest.raises(services.InvalidState):
        services.claim_update(claim=claim, by=after_sales_user, data={"subject": "Tarde"}, version=claim.version)
    with pytest.raises(services.InvalidState):
        services.cause_add(claim=claim, by=after_sales_user, data={"category": "design", "description": "Otra"})
    assert claim.causes.count() == 1


def test_cancelling_needs_a_reason(after_sales_user):
    claim = make_claim(by=after_sales_user)
    with pytest.raises(services.MoveRefused):
        services.claim_move(claim=claim, by=after_sales_user, move="cancel")
    claim = services.claim_move(claim=claim, by=after_sales_user, move="cancel", reason="Duplicada")
    assert claim.state == State.CANCELLED


def test_an_unknown_move_is_refused(after_sales_user):
    claim = make_claim(by=after_sales_user)
    with pytest.raises(services.InvalidInput):
        services.claim_move(claim=claim, by=after_sales_user, move="archive")


# Notifications


def test_opening_notifies_the_responsible_and_acknowledges_in_the_customers_language(after_sales_user, contact):
    responsible = UserFactory(roles=[Role.AFTER_SALES_MANAGER], email="ana@example.com", language="es")
    contact.language = "en"
    contact.save()
    claim = make_claim(by=after_sales_user, partner=contact.partner, contact=contact, responsible=responsible)
    services.claim_move(claim=claim, by=after_sales_user, move="open", acknowledge=True)
    messages = {m.recipients.get().address: m for m in OutboundMessage.objects.all()}
    assert set(messages) == {"ana@example.com", "lucia@example.com"}
    acknowledgement = messages["lucia@example.com"]
    assert acknowledgement.language == "en"
    assert claim.number in acknowledgement.subject and claim.number in acknowledgement.body_text
    assert "We have received your claim" in acknowledgement.subject
    assert messages["ana@example.com"].language == "es"
    assert entries(claim, EntryKind.EMAIL).count() == 2


def test_without_acknowledge_the_customer_gets_nothing(after_sales_user, contact):
    claim = make_claim(by=after_sales_user, partner=contact.partner, contact=contact, responsible=after_sales_user)
    services.claim_move(claim=claim, by=after_sales_user, move="open")
    assert not OutboundMessage.objects.filter(recipients__address="lucia@example.com").exists()


def test_an_acknowledgement_without_an_address_refuses_the_opening(after_sales_user):
    claim = make_claim(by=after_sales_user, partner=make_partner("customer", email=""), responsible=after_sales_user)
    with pytest.raises(services.InvalidInput) as refused:
        services.claim_move(claim=claim, by=after_sales_user, move="open", acknowledge=True)
    assert "acknowledge" in refused.value.fields
    claim.refresh_from_db()
    assert claim.state == State.DRAFT
    assert not OutboundMessage.objects.exists()


def test_the_responsible_is_reminded_once_before_the_deadline(after_sales_user):
    from trato.claims.notifications import reminders_send

    responsible = UserFactory(roles=[Role.AFTER_SALES_USER], email="resp@example.com")
    today = timezone.localdate()
    soon = make_claim(by=after_sales_user, responsible=responsible, deadline=today + datetime.timedelta(days=2))
    later = make_claim(by=after_sales_user, responsible=responsible, deadline=today + datetime.timedelta(days=9))
    for claim in (soon, later):
        services.claim_move(claim=claim, by=responsible, move="open")
    assert reminders_send(today) == 1
    assert reminders_send(today) == 0
    message = OutboundMessage.objects.get()
    assert soon.number in message.subject and message.record_id == soon.pk
    soon.refresh_from_db()
    assert soon.reminder_sent_on == today


def test_the_reminder_job_is_registered():
    from trato.jobs import periodic

    assert "claims.reminders" in periodic.schedules()


# Subresources


def test_subresources_are_recorded_on_the_timeline(after_sales_user):
    claim = make_claim(by=after_sales_user)
    origin = services.origin_add(claim=claim, by=after_sales_user, data={"doc_type": "invoice", "number": "F-1"})
    cause = services.cause_add(claim=claim, by=after_sales_user, data={"category": "design", "description": "Eje"})
    repair = services.repair_add(claim=claim, by=after_sales_user, data={"reference": "REP-1"})
    services.repair_update(repair=repair, by=after_sales_user, data={"state": "done", "cost": Decimal("12.50")})
    services.origin_remove(origin=origin, by=after_sales_user)
    services.cause_remove(cause=cause, by=after_sales_user)
    fields = [e.data["changes"][0]["field"] for e in entries(claim, EntryKind.CHANGE).order_by("pk")[1:]]
    assert fields == ["origin_document", "cause", "repair", "repair", "origin_document", "cause"]
    assert not claim.origins.exists() and not Cause.objects.exists()


def test_the_products_of_a_claim_follow_its_documents_each_code_once(after_sales_user):
    claim = make_claim(by=after_sales_user)
    lines = [{"product_code": "BOMBA-50"}, {"product_code": "BOMBA-50"}, {"product_code": "JUNTA-2"}]
    delivery = services.origin_add(
        claim=claim, by=after_sales_user, data={"doc_type": "delivery", "number": "ALB-1", "lines": lines}
    )
    invoice = services.origin_add(
        claim=claim, by=after_sales_user,
        data={"doc_type": "invoice", "number": "F-1", "lines": [{"product_code": "BOMBA-50"}]},
    )  # fmt: skip

    def products():
        return sorted(claim.products.values_list("product_code", flat=True))

    assert products() == ["BOMBA-50", "JUNTA-2"]
    services.origin_remove(origin=delivery, by=after_sales_user)
    assert products() == ["BOMBA-50"]  # still on the invoice
    services.origin_remove(origin=invoice, by=after_sales_user)
    assert products() == []


def test_a_refused_document_leaves_the_products_as_they_were(after_sales_user):
    claim = make_claim(by=after_sales_user)
    services.origin_add(
        claim=claim, by=after_sales_user,
        data={"doc_type": "delivery", "number": "ALB-1", "lines": [{"product_code": "BOMBA-50"}]},
    )  # fmt: skip
    with pytest.raises(services.InvalidInput):
        services.origin_add(
            claim=claim, by=after_sales_user,
            data={"doc_type": "magic", "number": "X", "lines": [{"product_code": "JUNTA-2"}]},
        )  # fmt: skip
    assert list(claim.products.values_list("product_code", flat=True)) == ["BOMBA-50"]


def test_an_invalid_action_is_refused_with_its_field(after_sales_user):
    claim = make_claim(by=after_sales_user)
    with pytest.raises(services.InvalidInput) as refused:
        services.action_add(claim=claim, by=after_sales_user, data={"kind": "magic", "description": "x", "owner": 99})
    assert set(refused.value.fields) == {"kind", "owner"}
    assert not Action.objects.exists()


# Categories


def test_each_manager_configures_the_categories_of_their_kind(after_sales_manager, purchasing_manager):
    category = services.category_save(by=after_sales_manager, data={"kind": "customer", "name": "Entrega"})
    services.category_save(by=after_sales_manager, category=category, data={"default_deadline_days": 15})
    assert Category.objects.get().default_deadline_days == 15
    with pytest.raises(NotAllowed):
        services.category_save(by=purchasing_manager, category=category, data={"name": "Otra"})
    with pytest.raises(NotAllowed):
        services.category_save(by=after_sales_manager, data={"kind": "supplier", "name": "Calidad"})


def test_a_category_name_is_unique_per_kind(after_sales_manager):
    services.category_save(by=after_sales_manager, data={"kind": "customer", "name": "Entrega"})
    with pytest.raises(services.InvalidInput) as refused:
        services.category_save(by=after_sales_manager, data={"kind": "customer", "name": "entrega"})
    assert "name" in refused.value.fields
    assert Category.objects.count() == 1
