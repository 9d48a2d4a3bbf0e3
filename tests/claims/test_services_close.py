"""Closing in one call, the claim events, who may be given a claim, and the one "created" entry of a new claim."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import translation

from tests.claims.support import make_claim
from trato.claims import services
from trato.claims.models import Action, Claim, State
from trato.core import events
from trato.core.errors import Conflict, InvalidInput, MoveRefused
from trato.inbox.system import gateway_user
from trato.timeline.models import Entry, EntryKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def entries(claim, kind=None):
    rows = Entry.objects.filter(record_type="claims.claim", record_id=claim.pk).order_by("pk")
    return rows.filter(kind=kind) if kind else rows


def opened_with_a_cause(by) -> Claim:
    claim = make_claim(by=by, responsible=by)
    claim = services.claim_move(claim=claim, by=by, move="open")
    services.cause_add(claim=claim, by=by, data={"category": "transport", "description": "Golpe en el transporte"})
    return claim


# Closing in one call


def test_close_records_the_resolution_and_closes_in_one_call(after_sales_user):
    claim = opened_with_a_cause(after_sales_user)
    closed = services.claim_close(
        claim=claim, by=after_sales_user, version=claim.version, resolution="credit_note",
        resolution_notes="Abono de 3 unidades", resolution_cost=Decimal("120.50"), closing_note="Abonado",
    )  # fmt: skip
    closed.refresh_from_db()
    assert (closed.state, closed.resolution, closed.resolution_notes) == (
        State.CLOSED,
        "credit_note",
        "Abono de 3 unidades",
    )
    assert (closed.resolution_cost, closed.closing_note) == (Decimal("120.50"), "Abonado")
    changed = entries(claim, EntryKind.CHANGE).last().data["changes"]
    assert [row["field"] for row in changed] == ["resolution", "resolution_notes", "resolution_cost"]
    state = entries(claim, EntryKind.STATE).last()
    assert (state.data["new"], state.body) == ("closed", "Abonado")


def test_a_refused_close_keeps_nothing_not_even_the_resolution(after_sales_user):
    claim = make_claim(by=after_sales_user, responsible=after_sales_user)
    claim = services.claim_move(claim=claim, by=after_sales_user, move="open")
    before = list(entries(claim).values_list("pk", flat=True))
    with pytest.raises(MoveRefused) as refused:
        services.claim_close(claim=claim, by=after_sales_user, resolution="replacement", closing_note="Hecho")
    assert refused.value.missing == ["at least one cause"]
    assert refused.value.message == "To close this claim, add: at least one cause."
    claim.refresh_from_db()
    assert (claim.state, claim.resolution, claim.closing_note) == (State.OPEN, "", "")
    assert list(entries(claim).values_list("pk", flat=True)) == before


def test_close_lists_everything_missing_at_once(after_sales_user):
    claim = opened_with_a_cause(after_sales_user)
    Action.objects.create(claim=claim, kind="corrective", description="Revisar")
    with pytest.raises(MoveRefused) as refused:
        services.claim_close(claim=claim, by=after_sales_user, resolution="", closing_note=" ")
    assert refused.value.missing == [
        "the resolution given", "1 action neither done nor carried over", "a closing note"
    ]  # fmt: skip


def test_a_claim_that_is_not_open_is_refused_before_anything_is_recorded(after_sales_user):
    claim = make_claim(by=after_sales_user)
    with pytest.raises(MoveRefused) as refused:
        services.claim_close(claim=claim, by=after_sales_user, resolution="replacement", closing_note="Hecho")
    assert refused.value.message == "Only an open claim can be closed."
    claim.refresh_from_db()
    assert claim.resolution == ""


def test_a_stale_version_closes_nothing(after_sales_user):
    claim = opened_with_a_cause(after_sales_user)
    with pytest.raises(Conflict):
        services.claim_close(claim=claim, by=after_sales_user, version=claim.version - 1, resolution="replacement",
                             closing_note="Hecho")  # fmt: skip
    claim.refresh_from_db()
    assert (claim.state, claim.resolution) == (State.OPEN, "")


def test_an_unknown_resolution_is_a_field_error(after_sales_user):
    claim = opened_with_a_cause(after_sales_user)
    with pytest.raises(InvalidInput) as refused:
        services.claim_close(claim=claim, by=after_sales_user, resolution="magic", closing_note="Hecho")
    assert refused.value.fields == {"resolution": ["Choose one of the resolutions offered."]}


# Events


@pytest.fixture
def heard():
    received = []

    def listener(event):
        received.append((event.name, event.record.pk, event.by.pk))

    events.listen(listener)
    yield received
    events._listeners.remove(listener)


def test_claim_events_are_declared_with_a_label():
    labels = {event.name: str(event.label) for event in events.event_types()}
    assert labels["claim.opened"] == "A claim was opened"
    assert labels["claim.closed"] == "A claim was closed"
    assert labels["claim.reopened"] == "A claim was reopened"


def test_opening_closing_and_reopening_are_announced_after_commit(after_sales_user, heard,
                                                                  django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        claim = opened_with_a_cause(after_sales_user)
        claim = services.claim_close(claim=claim, by=after_sales_user, resolution="replacement", closing_note="Ok")
        services.claim_move(claim=claim, by=after_sales_user, move="reopen", reason="Vuelve a fallar")
        cancelled = make_claim(by=after_sales_user)
        services.claim_move(claim=cancelled, by=after_sales_user, move="cancel", reason="Duplicada")
    me = after_sales_user.pk
    assert heard == [("claim.opened", claim.pk, me), ("claim.closed", claim.pk, me), ("claim.reopened", claim.pk, me)]


def test_a_refused_move_announces_nothing(after_sales_user, heard, django_capture_on_commit_callbacks):
    claim = make_claim(by=after_sales_user)  # no responsible: cannot open
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(MoveRefused):
        services.claim_move(claim=claim, by=after_sales_user, move="open")
    assert heard == []


def test_a_move_inside_someone_elses_transaction_is_refused(after_sales_user):
    claim = make_claim(by=after_sales_user, responsible=after_sales_user)
    with transaction.atomic(), pytest.raises(RuntimeError):
        services.claim_move(claim=claim, by=after_sales_user, move="open")


# Who may be given a claim


def test_the_mail_gateway_is_never_made_responsible_or_assigned(after_sales_user):
    machine = gateway_user()
    with pytest.raises(InvalidInput) as refused:
        make_claim(by=after_sales_user, responsible=machine.pk, assignees=[machine.pk])
    assert refused.value.fields == {"responsible": ["Choose an active user."],
                                    "assignees": ["Choose active users only."]}  # fmt: skip
    assert not Claim.objects.exists()


def test_the_mail_gateway_is_never_made_owner_of_an_action(after_sales_user):
    claim = make_claim(by=after_sales_user)
    data = {"kind": "corrective", "description": "Revisar", "owner": gateway_user().pk}
    with pytest.raises(InvalidInput) as refused:
        services.action_add(claim=claim, by=after_sales_user, data=data)
    assert refused.value.fields == {"owner": ["Choose an active user."]}


# Created


def test_a_new_claim_has_one_created_entry_naming_it(after_sales_user):
    claim = make_claim(by=after_sales_user, subject="Rodamientos con holgura")
    created = entries(claim).get()
    assert created.kind == EntryKind.CHANGE
    assert created.data == {"created": {"name": f"{claim.number} Rodamientos con holgura"}, "changes": []}
    assert created.author == after_sales_user
