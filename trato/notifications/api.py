"""Notifications API: the caller's own notifications, newest first, and marking them read."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from trato.accounts.models import User
from trato.core.access import get_visible_or_404
from trato.core.api import Page, PageIn, paginate
from trato.notifications import registry, services
from trato.notifications.models import Notification

router = Router(tags=["notifications"])


def _caller(request: HttpRequest) -> User:
    """Who the API authenticated (token or session): ninja sets ``request.auth``, which Django's types do not know."""
    user: User = request.auth  # type: ignore[attr-defined]
    return user


class NotificationOut(Schema):
    id: int
    kind: str
    kind_label: str = Field(description="what the kind tells of, in the caller's language")
    text: str = Field(description="the notification, written in the caller's language")
    record_type: str = Field(description='the record\'s type, as in the timeline API ("claims.claim")')
    record_id: int
    url: str = Field(description="the record's page on this site")
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_kind_label(obj: Notification) -> str:
        kind = registry.kind_or_none(obj.kind)
        return str(kind.label) if kind is not None else obj.kind

    @staticmethod
    def resolve_text(obj: Notification) -> str:
        return obj.text


class NotificationFilters(Schema):
    unread: bool = Field(False, description="only the notifications not read yet")


class ReadAllOut(Schema):
    count: int = Field(description="how many notifications were marked read")


@router.get("", response=Page[NotificationOut], summary="List your notifications, newest first")
def list_notifications(
    request: HttpRequest, filters: Query[NotificationFilters], page: Query[PageIn]
) -> dict[str, Any]:
    notifications = Notification.objects.visible_to(_caller(request)).newest_first()
    if filters.unread:
        notifications = notifications.unread()
    return paginate(notifications, page)


@router.post("/{int:notification_id}/read", response=NotificationOut, summary="Mark one of your notifications read")
def read_notification(request: HttpRequest, notification_id: int) -> Notification:
    notification = get_visible_or_404(Notification, _caller(request), pk=notification_id)
    return services.notification_read(notification=notification, by=_caller(request))


@router.post("/read", response=ReadAllOut, summary="Mark all your notifications read")
def read_all_notifications(request: HttpRequest) -> dict[str, int]:
    return {"count": services.notifications_read_all(by=_caller(request))}
