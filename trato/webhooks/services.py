"""Writes for webhook endpoints and deliveries, and the listener that turns domain events into deliveries.

Endpoints are configured by administrators only. An event becomes one delivery per active endpoint subscribed to
it whose owner may see the record; the payload holds what that owner may see. Deliveries are sent by the worker
(tasks.py) after the transaction that created them commits."""

import uuid
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trato.accounts.models import User
from trato.core import events
from trato.core.errors import InvalidInput, NotAllowed
from trato.core.services import lock_for_change, service_transaction
from trato.core.validation import model_errors, raise_if_any, unknown_fields
from trato.webhooks import access, payloads
from trato.webhooks.addresses import AddressRefused, target
from trato.webhooks.models import Delivery, DeliveryState, Endpoint, new_secret

ENDPOINT_FIELDS = ("url", "description", "events", "is_active", "owner", "allow_private_addresses")
TEST_EVENT = "webhook.test"


def _check_may_configure(by: User) -> None:
    if not access.may_configure(by):
        raise NotAllowed(_("Only administrators manage webhook endpoints."))


def _endpoint_errors(endpoint: Endpoint) -> dict[str, list[str]]:
    errors = model_errors(endpoint, exclude=["created_by", "version", "secret"], check_dates=False)
    unknown = [name for name in endpoint.events if not events.is_declared(name)]
    if not endpoint.events or unknown:
        errors["events"] = [_("Choose at least one event from the list.")]
    if endpoint.owner_id and not endpoint.owner.is_active:
        errors["owner"] = [_("Choose an active user.")]
    if "url" not in errors:
        try:
            target(endpoint.url, allow_private=endpoint.allow_private_addresses)
        except AddressRefused as refused:
            errors["url"] = [str(refused)]
    return errors


def _apply(endpoint: Endpoint, data: dict[str, Any]) -> None:
    unknown_fields(data, ENDPOINT_FIELDS)
    for name, value in data.items():
        setattr(endpoint, name, value)
    endpoint.events = sorted(set(endpoint.events or ()))


def endpoint_create(*, by: User, data: dict[str, Any]) -> Endpoint:
    _check_may_configure(by)
    endpoint = Endpoint(created_by=by, owner=data.get("owner") or by)
    _apply(endpoint, {key: value for key, value in data.items() if key != "owner" or value})
    raise_if_any(_endpoint_errors(endpoint))
    with service_transaction():
        endpoint.save()
    return endpoint


def endpoint_update(*, endpoint: Endpoint, by: User, data: dict[str, Any], version: int | None) -> Endpoint:
    _check_may_configure(by)
    with service_transaction():
        locked = lock_for_change(endpoint, by=by, version=version)
        _apply(locked, {**data, "owner": data.get("owner") or by} if "owner" in data else data)
        raise_if_any(_endpoint_errors(locked))
        locked.version += 1
        locked.save()
    return locked


def endpoint_secret_rotate(*, endpoint: Endpoint, by: User) -> Endpoint:
    """A new signing secret from now on; deliveries already queued are signed with it too."""
    _check_may_configure(by)
    with service_transaction():
        locked = lock_for_change(endpoint, by=by)
        locked.secret = new_secret()
        locked.version += 1
        locked.save(update_fields=["secret", "version", "updated_at"])
    return locked


def endpoint_send_test(*, endpoint: Endpoint, by: User) -> Delivery:
    """Queue a ``webhook.test`` event to the endpoint, whatever events it chose."""
    _check_may_configure(by)
    data = {"endpoint": endpoint.pk, "by": by.get_username()}
    with service_transaction():
        return _queue(endpoint, TEST_EVENT, data)


def delivery_redeliver(*, delivery: Delivery, by: User) -> Delivery:
    """Send again now, with a fresh series of attempts; the receiver sees the same ``webhook-id``."""
    _check_may_configure(by)
    with service_transaction():
        locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
        if locked.state in {DeliveryState.PENDING} and locked.attempts == 0:
            raise InvalidInput(_("This delivery has not been attempted yet."))
        locked.state, locked.attempts, locked.next_attempt_at = DeliveryState.PENDING, 0, timezone.now()
        locked.save(update_fields=["state", "attempts", "next_attempt_at"])
        transaction.on_commit(partial(_enqueue, locked.pk), robust=True)
    return locked


# Events → deliveries


def _envelope(name: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": name, "timestamp": timezone.now().isoformat(), "data": data}


def _queue(endpoint: Endpoint, name: str, data: dict[str, Any]) -> Delivery:
    delivery = Delivery.objects.create(
        endpoint=endpoint, event=name, message_id=f"msg_{uuid.uuid4().hex}",
        payload=_envelope(name, data), next_attempt_at=timezone.now(),
    )  # fmt: skip
    transaction.on_commit(partial(_enqueue, delivery.pk), robust=True)
    return delivery


def _enqueue(delivery_pk: int) -> None:
    """After commit. Should enqueueing fail, the periodic sweep delivers anyway."""
    from trato.webhooks.tasks import webhook_deliver

    webhook_deliver.enqueue(delivery_pk=delivery_pk)


def _payload_for(event: events.Event, owner: User) -> dict[str, Any] | None:
    """The event's data as ``owner`` may see it, or None when ``owner`` may not see the record at all."""
    serializer = payloads.serializer_for(event.record)
    if serializer is None or not payloads.related_visible(event.record, owner):
        return None
    return serializer(event.record, owner)


def on_event(event: events.Event) -> None:
    """The listener (events.listen in apps.py), run after the event's transaction committed."""
    deliveries_for_event(event)


def deliveries_for_event(event: events.Event) -> list[Delivery]:
    """One delivery per active endpoint that chose the event and whose owner may see the record."""
    endpoints = Endpoint.objects.filter(is_active=True).select_related("owner")
    queued = []
    with service_transaction():
        for endpoint in endpoints:
            if event.name not in endpoint.events or not endpoint.owner.is_active:
                continue
            data = _payload_for(event, endpoint.owner)
            if data is not None:
                queued.append(_queue(endpoint, event.name, data))
    return queued
