from datetime import timedelta

import pytest
from django.utils import timezone

from trato.core.errors import DomainError, NotFound
from trato.partners.models import Contact, Partner
from trato.timeline.models import Entry, EntryKind
from trato.timeline.services import communication_log


def log(record, by, **overrides):
    fields = {
        "channel": "phone",
        "direction": "inbound",
        "occurred_at": timezone.now() - timedelta(hours=2),
        "summary": "Asked for a quote on 200 units.",
    }
    return communication_log(record=record, by=by, **(fields | overrides))


def test_a_phone_call_is_logged_with_its_contact_direction_and_date(customer, contact, after_sales_user):
    when = timezone.now() - timedelta(days=3)
    entry = log(customer, after_sales_user, contact=contact, occurred_at=when, channel="phone", direction="outbound")
    entry.refresh_from_db()
    assert entry.kind == EntryKind.COMMUNICATION
    assert (entry.channel, entry.direction, entry.occurred_at) == ("phone", "outbound", when)
    assert entry.contact == contact
    assert entry.contact_display == "Lucía Pérez"


def test_the_contact_name_stays_when_the_contact_is_deleted(customer, contact, sales_user):
    entry = log(customer, sales_user, contact=contact)
    contact.delete()
    entry.refresh_from_db()
    assert entry.contact is None
    assert entry.contact_display == "Lucía Pérez"


def test_a_contact_of_another_company_is_refused(customer, sales_user):
    other = Partner.objects.create(name="Other", is_customer=True)
    stranger = Contact.objects.create(partner=other, last_name="Stranger")
    with pytest.raises(DomainError) as refused:
        log(customer, sales_user, contact=stranger)
    assert "contact" in refused.value.fields
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"channel": "pigeon"}, "channel"),
        ({"direction": "sideways"}, "direction"),
        ({"occurred_at": timezone.now() + timedelta(days=2)}, "occurred_at"),
        ({"summary": ""}, "summary"),
    ],
)
def test_bad_communication_fields_are_refused(customer, sales_user, overrides, field):
    with pytest.raises(DomainError) as refused:
        log(customer, sales_user, **overrides)
    assert field in refused.value.fields
    assert not Entry.objects.exists()


def test_an_outsider_cannot_log_a_communication(customer, outsider):
    with pytest.raises(NotFound):
        log(customer, outsider)


def test_a_backdated_communication_takes_its_place_in_the_timeline(customer, sales_user):
    from trato.timeline.services import note_add

    note = note_add(record=customer, by=sales_user, body="today")
    call = log(customer, sales_user, occurred_at=timezone.now() - timedelta(days=10))
    assert list(Entry.objects.for_record(customer)) == [note, call]
