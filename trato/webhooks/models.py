"""Webhook endpoints the ERP (or any program) registers, and each delivery of an event to one of them."""

import base64
import datetime
import secrets
from typing import Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from trato.core.access import AccessQuerySet
from trato.core.concurrency import VersionedModel
from trato.webhooks import access


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64, as the libraries expect."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class EndpointQuerySet(AccessQuerySet["Endpoint"]):
    access = access


class Endpoint(VersionedModel):
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret)
    events = models.JSONField(_("events"), default=list, help_text=_("the event names this endpoint receives"))
    is_active = models.BooleanField(_("active"), default=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("sent as"),
        help_text=_("Only records this user may see are sent, and only what this user may see of them."),
    )
    allow_private_addresses = models.BooleanField(
        _("allow private addresses"),
        default=False,
        help_text=_("Deliver to loopback, private or link-local addresses (an ERP on the internal network)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["url", "pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.description or self.url


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    RETRYING = "retrying", _("Failed, will retry")
    DELIVERED = "delivered", _("Delivered")
    GIVEN_UP = "given_up", _("Given up")


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def due(self, now: datetime.datetime) -> Self:
        """Waiting for an attempt whose time has come (a claimed one is not due until its lease ends)."""
        return self.filter(state__in=[DeliveryState.PENDING, DeliveryState.RETRYING], next_attempt_at__lte=now)


class Delivery(models.Model):
    endpoint = models.ForeignKey(Endpoint, models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=60)
    message_id = models.CharField(max_length=64, unique=True)
    payload = models.JSONField()
    state = models.CharField(_("state"), max_length=12, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(fields=["endpoint", "-created_at", "-id"], name="webhook_delivery_log"),
            models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.state})"
