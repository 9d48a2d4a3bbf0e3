"""Timeline API: a record's entries, notes, communications and attachments, addressed by key and pk.

A record the caller may not see answers 404 with the error body, whether or not it exists.
"""

import zoneinfo
from datetime import datetime
from typing import Literal
from uuid import UUID

from django.urls import reverse
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from trato.core.access import get_visible_or_404
from trato.core.api import IsoDateTime, Page, PageIn, paginate
from trato.timeline import registry, services
from trato.timeline.models import Attachment, Channel, Direction, Entry, EntryKind
from trato.timeline.views import attachment_response

router = Router(tags=["timeline"])


class PersonOut(Schema):
    id: int
    name: str


def _person(user) -> dict | None:
    return {"id": user.pk, "name": str(user)} if user else None


class AttachmentOut(Schema):
    id: UUID
    name: str
    size: int
    content_type: str
    sha256: str
    created_at: datetime
    uploaded_by: PersonOut | None
    download_url: str

    @staticmethod
    def resolve_uploaded_by(obj) -> dict | None:
        return _person(obj.uploaded_by)

    @staticmethod
    def resolve_download_url(obj) -> str:
        return reverse("api-1:timeline_attachment_download", kwargs={"attachment_id": obj.pk})


class ChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str


class StateOut(Schema):
    old: str
    old_label: str
    new: str
    new_label: str


class EntryOut(Schema):
    id: int
    kind: str
    author: PersonOut | None
    occurred_at: datetime
    created_at: datetime
    body: str
    channel: str
    direction: str
    contact_id: int | None
    contact_name: str
    changes: list[ChangeOut]
    state: StateOut | None
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_author(obj) -> dict | None:
        return _person(obj.author)

    @staticmethod
    def resolve_contact_name(obj) -> str:
        return obj.contact_display

    @staticmethod
    def resolve_changes(obj) -> list[dict]:
        return [{**row, "label": str(row["label"])} for row in obj.change_rows()]

    @staticmethod
    def resolve_state(obj) -> dict | None:
        if obj.kind != EntryKind.STATE:
            return None
        old_label, new_label = obj.state_labels()
        return {
            "old": obj.data.get("old", ""),
            "old_label": old_label,
            "new": obj.data.get("new", ""),
            "new_label": new_label,
        }

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())


class NoteIn(Schema):
    body: str = Field(..., min_length=1, max_length=services.MAX_TEXT_LENGTH)


class CommunicationIn(Schema):
    # Built from the choices when the module loads, for pydantic to check; mypy cannot read such a Literal.
    channel: Literal[tuple(Channel.values)]  # type: ignore[valid-type]
    direction: Literal[tuple(Direction.values)]  # type: ignore[valid-type]
    occurred_at: IsoDateTime = Field(..., description="ISO 8601; without an offset, the caller's time zone.")
    summary: str = Field(..., min_length=1, max_length=services.MAX_TEXT_LENGTH)
    contact_id: int | None = None


def _record(request, key: str, pk: int):
    return get_visible_or_404(registry.model_for(key), request.auth, pk=pk)


def _aware(moment: datetime, user) -> datetime:
    if timezone.is_aware(moment):
        return moment
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_default_timezone()
    return timezone.make_aware(moment, zone)


def _contact(record, user, contact_id: int | None):
    """The contact named by ``contact_id``, refused on that field unless the record's communications may name it."""
    if contact_id is None:
        return None
    contact = services.contacts_allowed(record, user).filter(pk=contact_id).first()
    if contact is None:
        raise services.invalid_contact("contact_id")
    return contact


@router.get("/{key}/{pk}/entries", response=Page[EntryOut], summary="List a record's timeline, newest first")
def list_entries(request, key: str, pk: int, page: Query[PageIn]):
    record = _record(request, key, pk)
    return paginate(Entry.objects.for_record(record), page)


@router.post("/{key}/{pk}/notes", response={201: EntryOut}, summary="Add a note")
def add_note(request, key: str, pk: int, payload: NoteIn):
    record = _record(request, key, pk)
    return Status(201, services.note_add(record=record, by=request.auth, body=payload.body))


@router.post("/{key}/{pk}/communications", response={201: EntryOut}, summary="Log an email, call, letter or visit")
def log_communication(request, key: str, pk: int, payload: CommunicationIn):
    record = _record(request, key, pk)
    entry = services.communication_log(
        record=record,
        by=request.auth,
        channel=payload.channel,
        direction=payload.direction,
        occurred_at=_aware(payload.occurred_at, request.auth),
        summary=payload.summary,
        contact=_contact(record, request.auth, payload.contact_id),
    )
    return Status(201, entry)


@router.get("/{key}/{pk}/attachments", response=Page[AttachmentOut], summary="List a record's attachments")
def list_attachments(request, key: str, pk: int, page: Query[PageIn]):
    record = _record(request, key, pk)
    return paginate(Attachment.objects.for_record(record), page)


@router.post("/{key}/{pk}/attachments", response={201: list[AttachmentOut]}, summary="Upload files (multipart)")
def upload_attachments(request, key: str, pk: int, files: File[list[UploadedFile]], note: Form[str] = ""):
    record = _record(request, key, pk)
    return Status(201, services.attachments_add(record=record, by=request.auth, files=files, note=note))


@router.get("/attachments/{attachment_id}/download", url_name="timeline_attachment_download", summary="Download a file")
def download_attachment(request, attachment_id: UUID):
    return attachment_response(get_visible_or_404(Attachment, request.auth, pk=attachment_id))


@router.delete("/attachments/{attachment_id}", response={204: None}, summary="Delete a file")
def delete_attachment(request, attachment_id: UUID):
    attachment = get_visible_or_404(Attachment, request.auth, pk=attachment_id)
    services.attachment_delete(attachment=attachment, by=request.auth)
    return Status(204, None)
