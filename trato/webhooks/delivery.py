"""Sending one delivery: signed as Standard Webhooks specifies, to the checked address, with retries and backoff.

A worker first claims the delivery (counts the attempt and pushes ``next_attempt_at`` past a lease, in a short
transaction that skips a row another worker holds), then posts outside any transaction, then records the answer. A
worker killed mid-post leaves the delivery due again when the lease ends, so it is retried, never lost; receivers
deduplicate on ``webhook-id``, which stays the same across attempts."""

import datetime
import http.client
import json
import socket
import ssl
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.utils import exclusive_transaction
from standardwebhooks import Webhook

from trato.webhooks.addresses import AddressRefused, target
from trato.webhooks.models import Delivery, DeliveryState

# After attempt n fails, the next comes RETRY_DELAYS[n - 1] later; after the last, the delivery is given up.
RETRY_DELAYS = [datetime.timedelta(minutes=m) for m in (1, 5, 30, 120, 300, 600, 600)]
LEASE = datetime.timedelta(minutes=2)
MAX_ERROR = 500


def body_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def signed_headers(delivery: Delivery, body: bytes, now: datetime.datetime) -> dict[str, str]:
    signature = Webhook(delivery.endpoint.secret).sign(msg_id=delivery.message_id, timestamp=now, data=body)
    return {
        "Content-Type": "application/json",
        "User-Agent": "Trato-Webhooks/1",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to by now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)  # the certificate must name the host


def post(url: str, body: bytes, headers: dict[str, str], *, allow_private: bool) -> int:
    """POST and return the HTTP status; redirects are not followed (a 3xx is a failed attempt)."""
    host, port, address = target(url, allow_private=allow_private)
    kind = _PinnedHTTPSConnection if url.lower().startswith("https:") else _PinnedHTTPConnection
    connection = kind(host, port, address, settings.TRATO_WEBHOOK_TIMEOUT_SECONDS)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def claim(pk: int, now: datetime.datetime) -> Delivery | None:
    """Take a due delivery for one attempt, or None when it is not due or another worker holds it."""
    # SKIP LOCKED on PostgreSQL; on SQLite an exclusive transaction, so two workers never both count the attempt.
    with exclusive_transaction(Delivery.objects.db):
        due = Delivery.objects.select_for_update(skip_locked=True).due(now).select_related("endpoint")
        delivery: Delivery | None = due.filter(pk=pk).first()
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.next_attempt_at = now + LEASE
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    return delivery


def _record(delivery: Delivery, now: datetime.datetime, status: int | None, error: str) -> None:
    delivery.last_status_code = status
    delivery.last_error = error[:MAX_ERROR]
    if status is not None and 200 <= status < 300:
        delivery.state, delivery.delivered_at, delivery.next_attempt_at = DeliveryState.DELIVERED, now, None
    elif delivery.attempts > len(RETRY_DELAYS) or not delivery.endpoint.is_active:
        delivery.state, delivery.next_attempt_at = DeliveryState.GIVEN_UP, None
    else:
        delivery.state = DeliveryState.RETRYING
        delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
    fields = ["state", "last_status_code", "last_error", "delivered_at", "next_attempt_at"]
    delivery.save(update_fields=fields)


def attempt(pk: int, now: datetime.datetime | None = None) -> str | None:
    """One attempt at delivery ``pk`` if it is due; the state it ends in (None when it was not due)."""
    now = now or timezone.now()
    delivery = claim(pk, now)
    if delivery is None:
        return None
    if delivery.endpoint.is_active:
        status, error = _send(delivery, now)
    else:  # paused since the event: what it would have received is not sent (_record gives it up)
        status, error = None, _("The endpoint is paused.")
    _record(delivery, now, status, error)
    return delivery.state


def _send(delivery: Delivery, now: datetime.datetime) -> tuple[int | None, str]:
    """The receiver's status (None when there was no answer) and the error to log ("" for a 2xx)."""
    body = body_bytes(delivery.payload)
    try:
        status = post(delivery.endpoint.url, body, signed_headers(delivery, body, now),
                      allow_private=delivery.endpoint.allow_private_addresses)  # fmt: skip
    except AddressRefused as exc:
        return None, str(exc)
    except (OSError, http.client.HTTPException) as exc:
        detail = exc.__class__.__name__ + (f": {exc}" if str(exc) else "")
        return None, _("Could not deliver: %(error)s") % {"error": detail}
    if not 200 <= status < 300:
        return status, _("The endpoint answered %(status)s.") % {"status": status}
    return status, ""


def attempt_due(now: datetime.datetime | None = None, limit: int = 100) -> int:
    """Every due delivery, oldest first (the periodic sweep); how many were attempted."""
    now = now or timezone.now()
    pks = list(Delivery.objects.due(now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in pks if attempt(pk, now) is not None)
