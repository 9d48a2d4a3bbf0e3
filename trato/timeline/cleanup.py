"""Deleting a record deletes its timeline and, once the deletion is committed, its stored files."""

from django.db import transaction

from trato.timeline import registry
from trato.timeline.files import delete_stored


def delete_files_after_commit(names: list[str]) -> None:
    """Files go only when the rows that pointed at them are gone for good: a rollback keeps both."""
    if names:
        transaction.on_commit(lambda: delete_stored(names), robust=True)


def delete_timeline_of(sender, instance, **kwargs) -> None:
    """post_delete handler connected by registry.register for each registered model."""
    from trato.timeline.models import Attachment, Entry

    key = registry.key_for(sender)
    attachments = Attachment.objects.filter(record_type=key, record_id=instance.pk)
    names = list(attachments.values_list("file", flat=True))
    attachments.delete()
    Entry.objects.filter(record_type=key, record_id=instance.pk).delete()
    delete_files_after_commit(names)
