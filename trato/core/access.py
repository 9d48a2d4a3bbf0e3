"""The one place that answers "which records may this user see, which may they change".

Every model that users reach gets a queryset class deriving from AccessQuerySet. Views, API
endpoints, search, counts, exports, feeds and downloads fetch records only through
``visible_to`` and check writes only through ``editable_by``; a record the user may not see
answers 404 so that its existence does not leak.
"""

from functools import wraps

from django.db import models
from django.http import Http404

from trato.accounts.roles import is_admin
from trato.core.errors import NotAllowed


class AccessQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AccessQuerySet":
        raise NotImplementedError

    def editable_by(self, user) -> "AccessQuerySet":
        raise NotImplementedError


def _queryset(model_or_queryset):
    if isinstance(model_or_queryset, models.QuerySet):
        return model_or_queryset
    return model_or_queryset._default_manager.all()


def get_visible_or_404(model_or_queryset, user, **lookup):
    """The record if ``user`` may see it; otherwise 404, whether or not it exists."""
    try:
        return _queryset(model_or_queryset).visible_to(user).get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def can_change(user, record) -> bool:
    return type(record)._default_manager.editable_by(user).filter(pk=record.pk).exists()


def ensure_can_change(user, record) -> None:
    if not can_change(user, record):
        raise NotAllowed()


def admin_only(view):
    """Pages for administrators only: anyone else gets 404, as if the page did not exist."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_admin(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
