"""Who sees a notification or a preference: its own user, nobody else (not even an administrator).

A notification names a record its recipient could see when it was made; it is theirs to read and mark. Another
user's notification answers 404 like any record one may not see.
"""

from typing import Any

from django.db.models import Q


def _is_active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def visible_condition(user: Any) -> Q:
    """Notifications shown to ``user`` in the app (those sent by email only are kept out of the bell and lists)."""
    return Q(recipient=user, in_app=True) if _is_active(user) else Q(pk__in=[])


def editable_condition(user: Any) -> Q:
    return visible_condition(user)


def preference_condition(user: Any) -> Q:
    return Q(user=user) if _is_active(user) else Q(pk__in=[])
