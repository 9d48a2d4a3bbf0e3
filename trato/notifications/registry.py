"""The kinds of notification: each app declares its own in its ``notifications.py`` (found by autodiscovery, as the
reports' sections are) or in its ``AppConfig.ready()``::

    ASSIGNED = registry.register(NotificationKind(
        "claims.assigned", gettext_lazy("A claim is given to me"),
        gettext_lazy("Claim %(number)s is yours: %(subject)s"), icon="person-check",
    ))

and calls ``services.notify(kind="claims.assigned", recipients=..., record=claim, by=user, number=..., ...)`` after
its change commits (usually from an event listener). The text is a translatable string with the parameters the
caller passes; it is written when shown, in the reader's language.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from trato.notifications.models import Channel


@dataclass(frozen=True)
class NotificationKind:
    key: str  # stored on notifications and preferences: "<app>.<what>"
    label: str | Promise  # the line of the preferences form: what the user is told about
    text: str | Promise  # the notification itself, with %(name)s parameters
    default_channel: str = Channel.IN_APP  # for users who have not chosen
    icon: str = "bell"  # a Bootstrap icon name

    def render(self, params: Mapping[str, Any]) -> str:
        try:
            return str(self.text) % dict(params)
        except (KeyError, TypeError, ValueError):  # parameters of an older version of the text
            return str(self.label)


_kinds: dict[str, NotificationKind] = {}


def register(kind: NotificationKind) -> NotificationKind:
    """Declare a kind; declaring a different kind under a key already taken is a programming error."""
    if kind.default_channel not in Channel.values:
        raise ValueError(f"Notification kind {kind.key!r}: unknown default channel {kind.default_channel!r}")
    known = _kinds.setdefault(kind.key, kind)
    if known != kind:
        raise ValueError(f"A notification kind {kind.key!r} is already registered")
    return kind


def unregister(key: str) -> None:
    _kinds.pop(key, None)


def kind(key: str) -> NotificationKind:
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(f"Undeclared notification kind {key!r}: register it in the app's notifications.py") from None


def kind_or_none(key: str) -> NotificationKind | None:
    return _kinds.get(key)


def kinds() -> list[NotificationKind]:
    """Every kind, in the order the apps declared them (the preferences form's order)."""
    return list(_kinds.values())


def render(key: str, params: Mapping[str, Any]) -> str:
    """A notification's text in the active language; a kind no longer declared still reads as something."""
    known = _kinds.get(key)
    return known.render(params) if known is not None else _("Notification")
