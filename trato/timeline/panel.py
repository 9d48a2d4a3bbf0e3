"""What the timeline panel template needs, shared by the template tag and the views."""

from django.conf import settings
from django.urls import reverse

from trato.core.access import can_change
from trato.timeline import registry
from trato.timeline.forms import AttachmentForm, CommunicationForm, NoteForm
from trato.timeline.models import Entry
from trato.timeline.services import contacts_offered

PAGE_SIZE = 20


def record_url(record) -> str:
    """Where to go back to: the record's own page, or its timeline page if it has none."""
    if hasattr(record, "get_absolute_url"):
        return record.get_absolute_url()
    return reverse("timeline:page", args=[registry.key_for(record), record.pk])


def panel_id(record) -> str:
    return "timeline-" + registry.key_for(record).replace(".", "-") + f"-{record.pk}"


def entries_page(record, page: int) -> tuple[list[Entry], bool]:
    """One page of entries, newest first, and whether older ones follow (no COUNT needed)."""
    start = (page - 1) * PAGE_SIZE
    entries = list(Entry.objects.for_record(record)[start : start + PAGE_SIZE + 1])
    return entries[:PAGE_SIZE], len(entries) > PAGE_SIZE


def entries_context(request, record, *, page: int = 1) -> dict:
    entries, has_more = entries_page(record, page)
    return {
        "request": request,
        "user": request.user,
        "record": record,
        "timeline_key": registry.key_for(record),
        "panel_id": panel_id(record),
        "entries": entries,
        "page": page,
        "has_more": has_more,
        "next_page": page + 1,
        "can_change_record": can_change(request.user, record),
    }


def panel_context(request, record, *, page=1, forms=None, next_url=None, status="", error="", open_form="note"):
    forms = forms or {}
    contacts = contacts_offered(record)
    return {
        **entries_context(request, record, page=page),
        "record_label": registry.registration_for(record).label,
        "record_url": record_url(record),
        "next_url": next_url or record_url(record),
        "note_form": forms.get("note") or NoteForm(),
        "communication_form": forms.get("communication") or CommunicationForm(contacts=contacts),
        "attachment_form": forms.get("attachment") or AttachmentForm(),
        "open_form": open_form,
        "status_message": status,
        "error_message": error,
        "max_upload_bytes": settings.TRATO_ATTACHMENT_MAX_BYTES,
    }
