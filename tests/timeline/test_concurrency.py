"""Two people at once: timeline writes lock what they depend on, so a concurrent change leaves nothing half done.

These need real row locks, so they run on PostgreSQL only (SQLite serialises every write anyway).
"""

import threading

import pytest
from django.db import connection, transaction

from tests.timeline.conftest import PDF, PNG, stored_files, upload
from trato.core.errors import NotFound
from trato.partners.models import Partner
from trato.timeline.models import Attachment, Entry
from trato.timeline.services import attachment_delete, attachments_add, note_add

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]
WAIT = 0.5  # long enough for an unblocked write to finish


def start_in_another_connection(work) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = work()
        except Exception as error:
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_a_note_written_while_its_record_is_being_deleted_leaves_no_orphan(customer, sales_user):
    with transaction.atomic():
        Partner.objects.get(pk=customer.pk).delete()
        writer, outcome = start_in_another_connection(lambda: note_add(record=customer, by=sales_user, body="late"))
        writer.join(WAIT)
        assert writer.is_alive(), "the note must wait for the deletion to commit or roll back"
    writer.join(5)
    assert isinstance(outcome.get("error"), NotFound)
    assert not Entry.objects.exists()


def test_files_uploaded_while_their_record_is_being_deleted_leave_no_orphan(customer, sales_user, media_root):
    with transaction.atomic():
        Partner.objects.get(pk=customer.pk).delete()
        writer, outcome = start_in_another_connection(
            lambda: attachments_add(record=customer, by=sales_user, files=[upload("a.png", PNG)])
        )
        writer.join(WAIT)
    writer.join(5)
    assert isinstance(outcome.get("error"), NotFound)
    assert not Attachment.objects.exists() and not Entry.objects.exists()
    assert stored_files(media_root) == []


def test_deleting_the_last_two_files_of_an_upload_at_once_leaves_no_empty_entry(customer, sales_user):
    first, second = attachments_add(record=customer, by=sales_user, files=[upload("a.png", PNG), upload("b.pdf", PDF)])
    with transaction.atomic():
        attachment_delete(attachment=first, by=sales_user)
        other, outcome = start_in_another_connection(lambda: attachment_delete(attachment=second, by=sales_user))
        other.join(WAIT)
    other.join(5)
    assert "error" not in outcome
    assert not Attachment.objects.exists()
    assert not Entry.objects.exists()
