"""{% unread_notifications as unread %}: the bell's count for the signed-in user, one bounded query per request."""

from dataclasses import dataclass

from django import template
from django.http import HttpRequest

from trato.notifications.models import Notification

register = template.Library()

BELL_LIMIT = 99  # the bell says "99+" past it: counting a forgotten inbox to its end is not worth the query


@dataclass(frozen=True)
class Unread:
    count: int
    is_exact: bool


def unread_for(request: HttpRequest) -> Unread:
    """Counted once per request (the bell may be shown twice), never for an anonymous visitor."""
    cached: Unread | None = getattr(request, "_trato_unread_notifications", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return Unread(0, True)
    found = Notification.objects.visible_to(user).unread().order_by()[: BELL_LIMIT + 1].count()
    unread = Unread(min(found, BELL_LIMIT), found <= BELL_LIMIT)
    request._trato_unread_notifications = unread  # type: ignore[attr-defined]  # a per-request cache
    return unread


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> Unread:
    request = context.get("request")
    return unread_for(request) if request is not None else Unread(0, True)
