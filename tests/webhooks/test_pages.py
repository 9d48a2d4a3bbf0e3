"""The administrators' webhook pages: endpoints, secret, test event, delivery log and redeliver."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from trato.core.errors import Conflict
from trato.webhooks import services, views
from trato.webhooks.models import Delivery, DeliveryState, Endpoint

pytestmark = pytest.mark.django_db


def make_endpoint(owner, **fields) -> Endpoint:
    values = {"url": "https://erp.example.com/hooks", "events": ["claim.opened"], "owner": owner, **fields}
    return Endpoint.objects.create(**values)


@pytest.mark.parametrize("persona", ["sales_manager", "purchasing_manager", "quality_manager", "outsider"],
                         indirect=True)  # fmt: skip
def test_only_administrators_reach_the_pages(persona, client_for, administrator):
    endpoint = make_endpoint(administrator)
    client = client_for(persona)

    for url in (reverse("webhooks:list"), reverse("webhooks:create"), reverse("webhooks:detail", args=[endpoint.pk]),
                reverse("webhooks:edit", args=[endpoint.pk])):  # fmt: skip
        assert client.get(url).status_code == 404
    assert client.post(reverse("webhooks:rotate_secret", args=[endpoint.pk])).status_code == 404


def test_an_administrator_registers_an_endpoint_from_the_form(client_for, administrator, public_dns):
    public_dns["erp.example.com"] = "93.184.215.14"
    response = client_for(administrator).post(
        reverse("webhooks:create"),
        {"url": "https://erp.example.com/hooks", "description": "ERP", "events": ["claim.opened", "partner.created"],
         "is_active": "on"},
    )  # fmt: skip

    endpoint = Endpoint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("webhooks:detail", args=[endpoint.pk])
    assert (endpoint.events, endpoint.owner, endpoint.is_active) == (["claim.opened", "partner.created"],
                                                                    administrator, True)  # fmt: skip
    assert endpoint.secret.startswith("whsec_")


@pytest.mark.parametrize(
    "url,field,message",
    [
        ("http://127.0.0.1:8069/hooks", "url", "127.0.0.1 is an internal address (127.0.0.1): an administrator must "
                                               "allow private addresses for this endpoint."),
        ("ftp://erp.example.com/x", "url", "Enter an http or https URL."),
    ],
)  # fmt: skip
def test_an_internal_or_odd_url_is_refused_with_its_reason(client_for, administrator, url, field, message):
    response = client_for(administrator).post(
        reverse("webhooks:create"), {"url": url, "events": ["claim.opened"], "is_active": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert not Endpoint.objects.exists()


def test_an_internal_url_is_accepted_when_private_addresses_are_allowed(client_for, administrator):
    response = client_for(administrator).post(
        reverse("webhooks:create"),
        {"url": "http://127.0.0.1:8069/hooks", "events": ["claim.opened"], "allow_private_addresses": "on"},
    )

    assert response.status_code == 302
    assert Endpoint.objects.get().allow_private_addresses is True


def test_choosing_no_event_is_refused(client_for, administrator):
    response = client_for(administrator).post(reverse("webhooks:create"), {"url": "https://erp.example.com/h"})

    assert "events" in response.context["form"].errors
    assert not Endpoint.objects.exists()


def test_an_edit_from_a_stale_page_is_a_conflict_not_an_overwrite(client_for, administrator):
    endpoint = make_endpoint(administrator, allow_private_addresses=True, url="http://127.0.0.1/a")
    services.endpoint_update(endpoint=endpoint, by=administrator, data={"description": "Nuevo"}, version=1)

    response = client_for(administrator).post(
        reverse("webhooks:edit", args=[endpoint.pk]),
        {"url": "http://127.0.0.1/b", "events": ["claim.opened"], "allow_private_addresses": "on", "version": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"__all__": [str(Conflict.default_message)]}
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.description) == ("http://127.0.0.1/a", "Nuevo")


def test_rotating_the_secret_changes_it(client_for, administrator):
    endpoint = make_endpoint(administrator)
    before = endpoint.secret

    client_for(administrator).post(reverse("webhooks:rotate_secret", args=[endpoint.pk]))

    endpoint.refresh_from_db()
    assert endpoint.secret != before and endpoint.secret.startswith("whsec_")


def test_the_test_button_queues_a_test_delivery(client_for, administrator):
    endpoint = make_endpoint(administrator)

    client_for(administrator).post(reverse("webhooks:test", args=[endpoint.pk]))

    assert list(endpoint.deliveries.values_list("event", "state")) == [("webhook.test", DeliveryState.PENDING)]


def _deliveries(endpoint, count):
    Delivery.objects.bulk_create(
        Delivery(endpoint=endpoint, event="claim.opened", message_id=f"msg_{endpoint.pk}_{n}", payload={},
                 state=DeliveryState.RETRYING, attempts=2, last_status_code=500, last_error="Answered 500.")
        for n in range(count)
    )  # fmt: skip


def test_the_delivery_log_runs_the_same_queries_for_5_and_30_deliveries(client_for, administrator):
    client = client_for(administrator)
    counts = []
    for size in (5, 30):
        endpoint = make_endpoint(administrator)
        _deliveries(endpoint, size)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("webhooks:detail", args=[endpoint.pk]), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
    assert response.content.decode().count(">Redeliver</button>") == views.LOG_PAGE_SIZE


def test_redeliver_from_the_log_queues_the_delivery_again(client_for, administrator):
    endpoint = make_endpoint(administrator)
    _deliveries(endpoint, 1)
    delivery = endpoint.deliveries.get()

    client_for(administrator).post(reverse("webhooks:redeliver", args=[endpoint.pk, delivery.pk]))

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 0)
