import pytest
from django.db import transaction

from tests.timeline.conftest import PDF, PNG, stored_files, upload
from trato.partners.models import Partner
from trato.timeline.models import Attachment, Entry
from trato.timeline.services import attachments_add, note_add


def fill(record, user):
    note_add(record=record, by=user, body="note")
    attachments_add(record=record, by=user, files=[upload("a.png", PNG), upload("b.pdf", PDF)])


def test_deleting_a_record_deletes_its_timeline_and_stored_files(
    customer, administrator, media_root, django_capture_on_commit_callbacks
):
    fill(customer, administrator)
    assert len(stored_files(media_root)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        customer.delete()
    assert not Entry.objects.exists()
    assert not Attachment.objects.exists()
    assert stored_files(media_root) == []


def test_deleting_a_record_leaves_other_timelines_alone(
    customer, supplier, administrator, media_root, django_capture_on_commit_callbacks
):
    fill(customer, administrator)
    fill(supplier, administrator)
    with django_capture_on_commit_callbacks(execute=True):
        customer.delete()
    assert Entry.objects.count() == 2 and Attachment.objects.count() == 2
    assert len(stored_files(media_root)) == 2
    assert all(a.record_id == supplier.pk for a in Attachment.objects.all())


def test_a_deletion_that_is_rolled_back_keeps_the_files(
    customer, administrator, media_root, django_capture_on_commit_callbacks
):
    fill(customer, administrator)
    pk = customer.pk
    capture = django_capture_on_commit_callbacks(execute=True)
    with capture as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        customer.delete()
        raise RuntimeError("changed my mind")
    assert callbacks == []
    assert Partner.objects.filter(pk=pk).exists()
    assert Attachment.objects.count() == 2 and len(stored_files(media_root)) == 2


def test_deleting_many_records_at_once_cleans_every_timeline(
    administrator, media_root, django_capture_on_commit_callbacks
):
    partners = [Partner.objects.create(name=f"P{n}", is_customer=True) for n in range(3)]
    for partner in partners:
        fill(partner, administrator)
    with django_capture_on_commit_callbacks(execute=True):
        Partner.objects.filter(pk__in=[p.pk for p in partners]).delete()
    assert not Entry.objects.exists() and stored_files(media_root) == []
