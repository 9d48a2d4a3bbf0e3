import dataclasses
import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from trato.core.errors import NotFound
from trato.partners.models import Partner, Tag
from trato.timeline import registry
from trato.timeline.models import EntryKind
from trato.timeline.services import changes_record, created_record, state_change_record


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def rows(entry):
    return [(r["label"], r["old"], r["new"]) for r in entry.change_rows()]


def test_only_fields_that_changed_are_recorded(customer, sales_manager):
    entry = changes_record(
        record=customer,
        by=sales_manager,
        before={"name": "Acme", "city": "Vigo"},
        after={"name": "Acme", "city": "Lugo"},
    )
    assert entry.kind == EntryKind.CHANGE
    assert rows(entry) == [("City", "Vigo", "Lugo")]


def test_nothing_changed_records_nothing(customer, sales_manager):
    assert changes_record(record=customer, by=sales_manager, before={"name": "A"}, after={"name": "A"}) is None


def test_people_and_choices_are_recorded_as_what_users_read(customer, sales_manager, sales_user):
    entry = changes_record(
        record=customer,
        by=sales_manager,
        before={"salesperson": None, "language": "es", "is_archived": False},
        after={"salesperson": sales_user, "language": "en", "is_archived": True},
    )
    assert rows(entry) == [
        ("Salesperson", "", str(sales_user)),
        ("Language", "Spanish", "English"),
        ("Archived", "No", "Yes"),
    ]


def test_a_foreign_key_given_by_its_id_is_shown_by_name(customer, sales_manager, sales_user):
    entry = changes_record(
        record=customer, by=sales_manager, before={"salesperson": None}, after={"salesperson": sales_user.pk}
    )
    assert rows(entry) == [("Salesperson", "", str(sales_user))]


def test_tags_are_compared_as_sets_and_listed_by_name(customer, sales_manager):
    a, b, c = (Tag.objects.create(name=n) for n in ("wine", "export", "vip"))
    assert changes_record(record=customer, by=sales_manager, before={"tags": [a, b]}, after={"tags": [b, a]}) is None
    entry = changes_record(record=customer, by=sales_manager, before={"tags": [a, b]}, after={"tags": [c, b]})
    assert rows(entry) == [("Tags", "export, wine", "export, vip")]


def test_changes_are_shown_in_the_reader_language(customer, sales_manager):
    entry = changes_record(
        record=customer, by=sales_manager, before={"is_archived": False}, after={"is_archived": True}
    )
    with translation.override("es"):
        ((_label, old, new),) = rows(entry)
    assert (old, new) == ("No", "Sí")


def test_dates_are_shown_localised(customer, sales_manager):
    entry = changes_record(
        record=customer,
        by=sales_manager,
        before={"due": datetime.date(2025, 3, 1)},
        after={"due": datetime.date(2025, 3, 9)},
    )
    with translation.override("en"):
        assert rows(entry) == [("Due", "March 1, 2025", "March 9, 2025")]


def test_an_outsider_cannot_write_changes(customer, outsider):
    with pytest.raises(NotFound):
        changes_record(record=customer, by=outsider, before={"name": "A"}, after={"name": "B"})


@pytest.fixture
def language_as_state(monkeypatch):
    """Partners have no workflow; use the language choices to stand in for a state field."""
    registration = registry.registration_for(Partner)
    monkeypatch.setitem(registry._registry, registration.key, dataclasses.replace(registration, state_field="language"))


def test_a_state_change_keeps_codes_labels_and_reason(customer, sales_manager, language_as_state):
    entry = state_change_record(record=customer, by=sales_manager, old="es", new="en", reason="Moved office")
    assert entry.kind == EntryKind.STATE
    assert entry.data == {"old": "es", "old_label": "Spanish", "new": "en", "new_label": "English"}
    assert entry.body == "Moved office"
    with translation.override("es"):
        assert entry.state_labels() == ("Español", "Inglés")


def test_a_first_state_has_no_old_label(customer, sales_manager, language_as_state):
    entry = state_change_record(record=customer, by=sales_manager, old="", new="es")
    assert entry.state_labels() == ("", "Spanish")


def test_an_outsider_cannot_write_a_state_change(customer, outsider):
    with pytest.raises(NotFound):
        state_change_record(record=customer, by=outsider, old="a", new="b")


# A new record: one "created" entry


def test_creation_is_one_entry_naming_the_record(customer, sales_manager):
    entry = created_record(record=customer, by=sales_manager)
    assert (entry.kind, entry.author) == (EntryKind.CHANGE, sales_manager)
    assert entry.data == {"created": {"name": "Acme Foods"}, "changes": []}
    assert entry.change_rows() == []


def test_the_created_entry_reads_created_with_the_name_and_no_field_rows(customer, sales_manager, client_for):
    created_record(record=customer, by=sales_manager)
    page = reverse("timeline:page", args=["partners.partner", customer.pk])
    html = client_for(sales_manager).get(page).content.decode()
    entry = html[html.index("timeline-entry kind-change") :]
    header = " ".join(entry[: entry.index("</div>")].split())
    assert "· Created ·" in header and "Field changes" not in header
    assert '<div class="timeline-created fw-semibold">Acme Foods</div>' in entry
    assert "→" not in entry


def test_an_outsider_cannot_write_a_created_entry(customer, outsider):
    with pytest.raises(NotFound):
        created_record(record=customer, by=outsider)
