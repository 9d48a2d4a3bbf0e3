"""Writes of notifications: telling people (``notify``), marking read, and each user's channel per kind.

``notify`` is called when the change it tells of has committed (from an event listener, a periodic job, or a
service through ``transaction.on_commit``); called inside a transaction it waits for that transaction to commit,
so a rolled-back change tells nobody. It never tells the person who did the thing, nor anyone who may not see the
record (its model's ``visible_to``). Each recipient's channel is their preference for the kind, else the kind's
default: a notification shown in the app, a mail queued in the outbox (trato/mail, sent by the worker, in the
recipient's language), both, or nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trato.accounts.models import User
from trato.core.access import access_queryset
from trato.core.errors import InvalidInput, NotAllowed, NotFound
from trato.core.services import service_transaction
from trato.core.types import AnyUser
from trato.notifications import registry
from trato.notifications.models import SENT_BY_EMAIL, SHOWN_IN_APP, Channel, Notification, Preference

logger = logging.getLogger(__name__)

Recipient = User | int | None  # a user, a user's pk, or nobody (an empty responsible field)


def _pk(value: models.Model | int | None) -> int | None:
    return value.pk if isinstance(value, models.Model) else value


def _plain(value: Any) -> Any:
    """Parameters are stored as JSON: numbers and text as they are, anything else (a date, a lazy text) as text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def record_key(record: models.Model | type[models.Model]) -> str:
    """A record's (or a model's) type as the timeline names it: "claims.claim"."""
    return record._meta.label_lower


def notify(
    *,
    kind: str,
    recipients: Iterable[Recipient],
    record: models.Model,
    by: AnyUser | None = None,
    key: str = "",
    **params: Any,
) -> None:
    """Tell ``recipients`` about ``record`` (``kind``'s text with ``params``), once the caller's transaction commits.

    ``by``: who did the thing; never told. ``key``: a once-only notice ("2026-03-02" for a deadline): a recipient
    already told of this kind, record and key is not told again."""
    registry.kind(kind)  # an undeclared kind is a programming error: raise in the caller, not after commit
    by_pk = by.pk if by is not None and by.is_authenticated else None
    pks = sorted({pk for pk in map(_pk, recipients) if pk is not None and pk != by_pk})
    if not pks:
        return
    get_url = getattr(record, "get_absolute_url", None)
    url = get_url() if callable(get_url) else ""
    clean = {name: _plain(value) for name, value in params.items()}
    deliver = partial(_deliver, kind, pks, type(record), record.pk, str(url)[:500], key, clean)
    transaction.on_commit(deliver, robust=True)


def _deliver(
    kind: str, pks: list[int], model: type[models.Model], record_id: int, url: str, key: str, params: dict[str, Any]
) -> list[Notification]:
    users = list(User.objects.filter(pk__in=pks, is_active=True))
    if key:  # a once-only notice: leave out who has had it
        told = Notification.objects.notices(kind=kind, record_type=record_key(model), key=key).filter(
            record_id=record_id
        )
        already = set(told.values_list("recipient_id", flat=True))
        users = [user for user in users if user.pk not in already]
    channels = channels_for(users, kind)
    visible = access_queryset(model)
    made = []
    for user in users:
        channel = channels[user.pk]
        if channel == Channel.NONE or user.is_machine or not visible.visible_to(user).filter(pk=record_id).exists():
            continue
        target = Notification(
            recipient=user, kind=kind, record_type=record_key(model), record_id=record_id,
            params=params, url=url, key=key,
        )  # fmt: skip
        notice = _notice(target, user, channel)
        if notice is not None:
            made.append(notice)
    return made


def _notice(notice: Notification, user: User, channel: str) -> Notification | None:
    """Store one user's notice and queue its mail, in one transaction; None when a once-only notice was given."""
    by_email = channel in SENT_BY_EMAIL and bool(user.email)
    # Email only, without an address to send to: shown in the app rather than lost.
    notice.in_app = channel in SHOWN_IN_APP or not by_email
    notice.emailed = by_email
    try:
        with transaction.atomic():
            notice.save()
            if by_email:
                _queue_mail(notice, user)
    except IntegrityError:
        if notice.key:  # told already (another worker ran the same job at the same moment)
            return None
        raise
    return notice


def _queue_mail(notice: Notification, user: User) -> None:
    from trato.mail.services import message_queue_from_template  # the mail machinery: keep this module light

    # No record: the mail is the user's, not part of the record's correspondence (its timeline, its replies).
    message_queue_from_template(
        template="notification",
        context={"notification": notice, "recipient": user},
        to=[(user.get_full_name() or user.username, user.email)],
        language=user.language or settings.LANGUAGE_CODE,
        by=None,
        automatic=True,
    )


# Preferences


def channels_for(users: Iterable[User], kind: str) -> dict[int, str]:
    """Each user's channel for ``kind`` (their preference, else the kind's default), in one query."""
    users = list(users)
    chosen = dict(
        Preference.objects.filter(user__in=users, kind=kind).values_list("user_id", "channel")
    )  # fmt: skip
    default = registry.kind(kind).default_channel
    return {user.pk: chosen.get(user.pk, default) for user in users}


def preferences_of(user: User) -> dict[str, str]:
    """The user's channel for every declared kind."""
    chosen = dict(Preference.objects.visible_to(user).values_list("kind", "channel"))
    return {kind.key: chosen.get(kind.key, kind.default_channel) for kind in registry.kinds()}


def preferences_save(*, user: User, by: User, channels: Mapping[str, str]) -> dict[str, str]:
    """Set ``user``'s channel per kind; a choice equal to the kind's default is stored as no choice at all."""
    if by.pk != user.pk:
        raise NotAllowed(_("Only you choose how you are told."))
    errors = {
        key: [_("Choose one of the channels offered.")]
        for key, value in channels.items()
        if value not in Channel.values
    }
    errors |= {key: [_("Unknown kind of notification.")] for key in channels if registry.kind_or_none(key) is None}
    if errors:
        raise InvalidInput(fields=errors)
    with service_transaction():
        for key, channel in channels.items():
            if channel == registry.kind(key).default_channel:
                Preference.objects.filter(user=user, kind=key).delete()
            else:
                Preference.objects.update_or_create(user=user, kind=key, defaults={"channel": channel})
    return preferences_of(user)


# Reading


def notification_read(*, notification: Notification, by: AnyUser) -> Notification:
    """Mark one of ``by``'s notifications read (once: the first time counts). Another user's is NotFound."""
    if not Notification.objects.visible_to(by).filter(pk=notification.pk).exists():
        raise NotFound()
    if notification.read_at is None:
        now = timezone.now()
        with service_transaction():
            Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_read_all(*, by: AnyUser) -> int:
    """Mark every unread notification of ``by`` read; how many were."""
    with service_transaction():
        return Notification.objects.visible_to(by).unread().update(read_at=timezone.now())
