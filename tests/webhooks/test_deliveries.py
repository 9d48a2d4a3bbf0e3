"""Events become signed deliveries to the endpoints that chose them, with retries, backoff and redelivery, and
only with what the endpoint's owner may see."""

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from standardwebhooks import Webhook

from tests.claims.support import make_claim
from tests.partners.factories import PartnerFactory
from trato.claims import services as claim_services
from trato.partners import services as partner_services
from trato.webhooks import delivery, services
from trato.webhooks.models import Delivery, DeliveryState, Endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    """The log keeps errors in the language the worker runs in (the site's, Spanish by default); here, English."""
    with translation.override("en"):
        yield


def endpoint_for(owner, url="https://erp.example.com/hooks", events=("claim.opened",), **fields) -> Endpoint:
    return Endpoint.objects.create(url=url, events=list(events), owner=owner, created_by=owner, **fields)


def open_claim(claim, by):
    claim_services.claim_move(claim=claim, by=by, move="open")


def test_a_delivery_posts_the_event_signed_so_the_receiver_verifies_it(receiver, administrator):
    endpoint = endpoint_for(administrator, url=receiver.url, allow_private_addresses=True)
    queued = services.endpoint_send_test(endpoint=endpoint, by=administrator)

    state = delivery.attempt(queued.pk)

    assert state == DeliveryState.DELIVERED
    (request,) = receiver.requests
    assert request["path"] == "/trato/events?source=crm"
    verified = Webhook(endpoint.secret).verify(request["body"], request["headers"])
    assert verified["type"] == "webhook.test"
    assert request["headers"]["webhook-id"] == queued.message_id
    queued.refresh_from_db()
    assert (queued.attempts, queued.last_status_code, queued.last_error) == (1, 204, "")


def test_a_failing_endpoint_is_retried_with_growing_delays_then_given_up(receiver, administrator):
    receiver.status = 503
    endpoint = endpoint_for(administrator, url=receiver.url, allow_private_addresses=True)
    queued = services.endpoint_send_test(endpoint=endpoint, by=administrator)
    now = timezone.now()
    delays = []
    for _ in range(len(delivery.RETRY_DELAYS)):
        assert delivery.attempt(queued.pk, now) == DeliveryState.RETRYING
        queued.refresh_from_db()
        delays.append(queued.next_attempt_at - now)
        assert delivery.attempt(queued.pk, now) is None  # not due yet
        now = queued.next_attempt_at

    assert delivery.attempt(queued.pk, now) == DeliveryState.GIVEN_UP
    queued.refresh_from_db()
    assert delays == delivery.RETRY_DELAYS
    assert (queued.attempts, queued.last_status_code) == (8, 503)
    assert queued.last_error == "The endpoint answered 503."
    assert len(receiver.requests) == 8
    assert len({r["headers"]["webhook-id"] for r in receiver.requests}) == 1


def test_redeliver_sends_a_given_up_delivery_again_with_the_same_id(receiver, administrator):
    receiver.status = 500
    endpoint = endpoint_for(administrator, url=receiver.url, allow_private_addresses=True)
    queued = services.endpoint_send_test(endpoint=endpoint, by=administrator)
    delivery.attempt(queued.pk)
    Delivery.objects.filter(pk=queued.pk).update(state=DeliveryState.GIVEN_UP, next_attempt_at=None)
    receiver.status = 200

    services.delivery_redeliver(delivery=queued, by=administrator)

    assert delivery.attempt(queued.pk) == DeliveryState.DELIVERED
    assert [r["headers"]["webhook-id"] for r in receiver.requests] == [queued.message_id] * 2


def test_the_sweep_attempts_what_is_due_and_leaves_the_rest(receiver, administrator):
    endpoint = endpoint_for(administrator, url=receiver.url, allow_private_addresses=True)
    due = services.endpoint_send_test(endpoint=endpoint, by=administrator)
    later = services.endpoint_send_test(endpoint=endpoint, by=administrator)
    Delivery.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + datetime.timedelta(hours=1))

    assert delivery.attempt_due() == 1
    assert Delivery.objects.get(pk=due.pk).state == DeliveryState.DELIVERED
    assert Delivery.objects.get(pk=later.pk).state == DeliveryState.PENDING


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "192.168.1.20", "172.16.0.5", "169.254.169.254", "::1", "fc00::1", "0.0.0.0",
     "::ffff:127.0.0.1", "100.64.0.1"],
)  # fmt: skip
def test_an_internal_address_is_refused_at_delivery(public_dns, administrator, address):
    public_dns["erp.example.com"] = address
    endpoint = endpoint_for(administrator, url="http://erp.example.com/hooks")
    queued = services.endpoint_send_test(endpoint=endpoint, by=administrator)

    assert delivery.attempt(queued.pk) == DeliveryState.RETRYING
    queued.refresh_from_db()
    assert queued.last_error.startswith("erp.example.com is an internal address")
    assert queued.last_status_code is None


def test_a_name_that_resolves_to_loopback_after_saving_is_refused(public_dns, administrator):
    public_dns["erp.example.com"] = "93.184.215.14"
    endpoint = services.endpoint_create(
        by=administrator, data={"url": "https://erp.example.com/hooks", "events": ["claim.opened"]}
    )
    public_dns["erp.example.com"] = "127.0.0.1"  # DNS rebinding
    queued = services.endpoint_send_test(endpoint=endpoint, by=administrator)

    delivery.attempt(queued.pk)

    assert "internal address (127.0.0.1)" in Delivery.objects.get(pk=queued.pk).last_error


def test_events_become_deliveries_for_the_endpoints_that_chose_them(administrator, django_capture_on_commit_callbacks):
    opened = endpoint_for(administrator, events=["claim.opened", "claim.closed"])
    partners = endpoint_for(administrator, events=["partner.created", "partner.changed"])
    with django_capture_on_commit_callbacks(execute=True):
        claim = make_claim("customer", by=administrator, responsible=administrator)
        open_claim(claim, administrator)
        partner = partner_services.partner_create(by=administrator, data={"name": "Forjas", "kinds": {"customer"}})
        partner_services.partner_update(partner=partner, by=administrator, data={"city": "Teruel"}, version=1)

    assert list(opened.deliveries.values_list("event", flat=True)) == ["claim.opened"]
    assert sorted(partners.deliveries.values_list("event", flat=True)) == ["partner.changed", "partner.created"]
    data = opened.deliveries.get().payload["data"]
    assert (data["number"], data["state"], data["partner"]["id"]) == (claim.number, "open", claim.partner_id)


def test_closing_and_reopening_a_claim_each_become_a_delivery(administrator, django_capture_on_commit_callbacks):
    endpoint = endpoint_for(administrator, events=["claim.closed", "claim.reopened"])
    with django_capture_on_commit_callbacks(execute=True):
        claim = make_claim("customer", by=administrator, responsible=administrator)
        open_claim(claim, administrator)
        claim_services.cause_add(claim=claim, by=administrator, data={"category": "transport", "description": "Golpe"})
        claim = claim_services.claim_close(claim=claim, by=administrator, resolution="credit_note",
                                           resolution_cost=Decimal("120.50"), closing_note="Abonado")  # fmt: skip
        claim_services.claim_move(claim=claim, by=administrator, move="reopen", reason="Vuelve a fallar")

    closed, reopened = endpoint.deliveries.order_by("pk")
    assert (closed.event, reopened.event) == ("claim.closed", "claim.reopened")
    assert closed.payload["type"] == "claim.closed"
    assert {key: closed.payload["data"][key] for key in ("state", "resolution", "resolution_cost")} == {
        "state": "closed",
        "resolution": "credit_note",
        "resolution_cost": "120.50",
    }
    assert reopened.payload["data"]["state"] == "open"
    assert closed.message_id != reopened.message_id


def test_a_rolled_back_change_announces_nothing(administrator, django_capture_on_commit_callbacks):
    endpoint = endpoint_for(administrator, events=["partner.created"])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(partner_services.InvalidInput):
        partner_services.partner_create(by=administrator, data={"name": "", "kinds": {"customer"}})

    assert not endpoint.deliveries.exists()


def test_an_owner_who_may_not_see_a_supplier_claim_gets_no_delivery(
    administrator, sales_manager, django_capture_on_commit_callbacks
):
    sales = endpoint_for(sales_manager, events=["claim.opened"])
    everything = endpoint_for(administrator, events=["claim.opened"])
    with django_capture_on_commit_callbacks(execute=True):
        open_claim(make_claim("supplier", by=administrator, responsible=administrator), administrator)

    assert not sales.deliveries.exists()
    assert everything.deliveries.count() == 1


def test_the_payload_names_the_partner_only_when_the_owner_may_see_it(
    administrator, after_sales_manager, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(after_sales_manager, events=["claim.opened"])
    both = PartnerFactory(is_customer=True, is_supplier=True)
    with django_capture_on_commit_callbacks(execute=True):
        open_claim(make_claim("customer", by=administrator, partner=both, responsible=administrator), administrator)

    data = endpoint.deliveries.get().payload["data"]
    assert data["partner"]["id"] == both.pk
    assert set(data) == {"id", "number", "kind", "state", "subject", "partner", "category", "priority",
                         "external_ref", "received_on", "deadline", "opened_at", "closed_at", "resolution",
                         "resolution_cost"}  # fmt: skip
    assert json.dumps(data)  # what is stored is plain JSON


def test_a_paused_endpoint_receives_nothing(administrator, django_capture_on_commit_callbacks):
    endpoint = endpoint_for(administrator, events=["partner.created"], is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.partner_create(by=administrator, data={"name": "Forjas", "kinds": {"customer"}})

    assert not endpoint.deliveries.exists()


def test_a_delivery_queued_before_the_endpoint_was_paused_is_given_up_unsent(receiver, administrator):
    endpoint = endpoint_for(administrator, url=receiver.url, allow_private_addresses=True)
    queued = services.endpoint_send_test(endpoint=endpoint, by=administrator)
    Endpoint.objects.filter(pk=endpoint.pk).update(is_active=False)

    assert delivery.attempt(queued.pk) == DeliveryState.GIVEN_UP
    queued.refresh_from_db()
    assert (queued.attempts, queued.last_error, receiver.requests) == (1, "The endpoint is paused.", [])


def test_an_unreachable_receiver_is_logged_and_retried(administrator):
    endpoint = endpoint_for(administrator, url="http://127.0.0.1:9/hooks", allow_private_addresses=True)
    queued = services.endpoint_send_test(endpoint=endpoint, by=administrator)

    assert delivery.attempt(queued.pk) == DeliveryState.RETRYING
    queued.refresh_from_db()
    assert queued.last_error == "Could not deliver: ConnectionRefusedError: [Errno 111] Connection refused"
    assert queued.last_status_code is None


def test_a_redirect_is_not_followed_but_logged_as_a_failed_attempt(receiver, administrator):
    receiver.status = 302
    endpoint = endpoint_for(administrator, url=receiver.url, allow_private_addresses=True)
    queued = services.endpoint_send_test(endpoint=endpoint, by=administrator)

    assert delivery.attempt(queued.pk) == DeliveryState.RETRYING
    queued.refresh_from_db()
    assert (queued.last_status_code, queued.last_error, len(receiver.requests)) == (
        302,
        "The endpoint answered 302.",
        1,
    )
