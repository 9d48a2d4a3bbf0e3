"""The generic workflow engine: moves as values (guard, effect, messages, event), written in code or built from rows
at runtime, checked and applied the same way. Claims stand in for "a record with a state" (they have a timeline)."""

import pytest
from django.db import transaction
from django.utils import translation

from tests.claims.support import make_claim
from trato.claims.models import Claim, State
from trato.core import events
from trato.core.errors import InvalidInput, MoveRefused
from trato.core.workflow import Move, Workflow
from trato.timeline.models import Entry, EntryKind

pytestmark = pytest.mark.django_db


def _needs_subject_word(record, inputs):
    return [] if "urgent" in record.subject else ["the word urgent in the subject"]


def _stamp(record, inputs, now):
    record.opened_at = now
    return ["opened_at"]


REVIEW = Move(
    "review", "Review", frozenset({State.DRAFT}), State.OPEN, guard=_needs_subject_word, effect=_stamp,
    refused="Only a draft can be reviewed.", to_add="To review it, add: %(missing)s.", event="test.reviewed",
)  # fmt: skip
DROP = Move("drop", "Drop", frozenset({State.DRAFT, State.OPEN}), State.CANCELLED, needs_reason=True)
FLOW = Workflow(moves=[REVIEW, DROP])


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def reviewed_event():
    """An event for these tests only: declared while they run, so other tests see the real list."""
    events.declare("test.reviewed", "A record was reviewed")
    yield
    events._types.pop("test.reviewed", None)


@pytest.fixture
def heard():
    """The events listeners received (after commit)."""
    received = []

    def listener(event):
        received.append((event.name, event.record.pk))

    events.listen(listener)
    yield received
    events._listeners.remove(listener)


def _state_entries(record):
    return Entry.objects.filter(record_type="claims.claim", record_id=record.pk, kind=EntryKind.STATE)


def test_available_lists_the_moves_that_leave_the_current_state():
    draft, opened = Claim(state=State.DRAFT), Claim(state=State.OPEN)
    assert [move.name for move in FLOW.available(draft)] == ["review", "drop"]
    assert [move.name for move in FLOW.available(opened)] == ["drop"]


def test_a_move_from_another_state_is_refused_with_its_own_message():
    with pytest.raises(MoveRefused) as refused:
        FLOW.check(Claim(state=State.OPEN, subject="urgent"), "review")
    assert refused.value.message == "Only a draft can be reviewed."
    assert refused.value.missing == []


def test_a_guard_says_what_is_missing_in_the_moves_message():
    with pytest.raises(MoveRefused) as refused:
        FLOW.check(Claim(state=State.DRAFT, subject="calm"), "review")
    assert refused.value.message == "To review it, add: the word urgent in the subject."
    assert refused.value.missing == ["the word urgent in the subject"]
    assert (refused.value.status, refused.value.code) == (400, "move_refused")


def test_a_move_that_needs_a_reason_asks_for_one():
    with pytest.raises(MoveRefused) as refused:
        FLOW.check(Claim(state=State.DRAFT), "drop", {"reason": "   "})
    assert refused.value.missing == ["a reason"]
    assert FLOW.check(Claim(state=State.DRAFT), "drop", {"reason": "duplicate"}) is DROP


def test_an_unknown_move_is_invalid_input_naming_the_moves_there_are():
    with pytest.raises(InvalidInput) as refused:
        FLOW.check(Claim(state=State.DRAFT), "teleport")
    assert refused.value.fields == {"move": ["Choose one of: review, drop."]}


def test_apply_sets_the_state_runs_the_effect_saves_and_writes_the_timeline(
    administrator, heard, django_capture_on_commit_callbacks
):
    claim = make_claim(by=administrator, subject="urgent: leaking valve")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        FLOW.apply(locked, "review", by=administrator, inputs={"reason": "checked by phone"})
        assert heard == []  # listeners hear only after commit
    claim.refresh_from_db()
    assert claim.state == State.OPEN and claim.opened_at is not None
    entry = _state_entries(claim).get()
    assert (entry.data["old"], entry.data["new"], entry.body) == ("draft", "open", "checked by phone")
    assert heard == [("test.reviewed", claim.pk)]


def test_apply_saves_through_the_callers_save_function(administrator):
    claim = make_claim(by=administrator)
    saved = []
    FLOW.apply(claim, "drop", by=administrator, inputs={"reason": "duplicate"}, save=lambda r, f: saved.append(f))
    assert saved == [["state"]]
    claim.refresh_from_db()
    assert claim.state == State.DRAFT  # the save function decides how (here: not at all)


def test_a_refused_apply_changes_nothing_and_announces_nothing(
    administrator, heard, django_capture_on_commit_callbacks
):
    claim = make_claim(by=administrator, subject="calm")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(MoveRefused):
        FLOW.apply(claim, "review", by=administrator)
    claim.refresh_from_db()
    assert (claim.state, claim.opened_at) == (State.DRAFT, None)
    assert not _state_entries(claim).exists()
    assert heard == []


def test_moves_can_be_built_from_rows_when_asked(administrator):
    # Stages stored as rows (a team's pipeline): each row becomes a move into that stage.
    rows = [{"code": State.OPEN, "label": "Qualified"}, {"code": State.CLOSED, "label": "Won"}]

    def moves_for(record):
        states = [row["code"] for row in rows]
        return [
            Move(f"to_{row['code']}", row["label"], frozenset(set(states) | {State.DRAFT}) - {row["code"]}, row["code"])
            for row in rows
        ]

    pipeline = Workflow(moves_for=moves_for)
    claim = make_claim(by=administrator)
    assert [move.label for move in pipeline.available(claim)] == ["Qualified", "Won"]
    pipeline.apply(claim, "to_open", by=administrator)
    assert [move.label for move in pipeline.available(claim)] == ["Won"]
    rows.append({"code": State.CANCELLED, "label": "Lost"})  # a stage added later is offered at once
    assert [move.label for move in pipeline.available(claim)] == ["Won", "Lost"]


def test_a_workflow_takes_fixed_moves_or_a_builder_and_unique_names():
    with pytest.raises(ValueError, match="not both"):
        Workflow(moves=[DROP], moves_for=lambda record: [DROP])
    with pytest.raises(ValueError, match="Two moves"):
        Workflow(moves=[DROP, DROP])
