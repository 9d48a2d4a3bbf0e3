"""GET /api/v1/notifications (the caller's own, paginated like every list) and marking them read."""

import pytest

from trato.notifications.models import Notification

API = "/api/v1/notifications"


@pytest.fixture
def mine(claim_of, ana, bruno):
    claim = claim_of(responsible=ana)
    params = {"number": claim.number, "subject": claim.subject}
    rows = [
        Notification(recipient=user, kind="claims.assigned", record_type="claims.claim", record_id=claim.pk,
                     params=params, url=claim.get_absolute_url())
        for user in (ana, ana, ana, bruno)
    ]  # fmt: skip
    Notification.objects.bulk_create(rows)
    return claim


def test_the_list_is_the_callers_own_paginated(client_for, ana, mine):
    body = client_for(ana).get(API, {"page_size": 2}).json()

    assert (body["count"], body["has_next"], len(body["items"])) == (3, True, 2)
    item = body["items"][0]
    assert item["text"] == f"Claim {mine.number} is yours: {mine.subject}"
    assert (item["kind"], item["record_type"], item["record_id"], item["read_at"]) == (
        "claims.assigned", "claims.claim", mine.pk, None,
    )  # fmt: skip
    assert item["kind_label"] == "A claim is given to me (responsible or assigned)"


def test_marking_read_one_then_all(client_for, ana, bruno, mine):
    client = client_for(ana)
    first = client.get(API).json()["items"][0]["id"]

    read = client.post(f"{API}/{first}/read")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    assert client.get(API, {"unread": "true"}).json()["count"] == 2

    assert client.post(f"{API}/read").json() == {"count": 2}
    assert client.get(API, {"unread": "true"}).json()["count"] == 0
    assert Notification.objects.filter(recipient=bruno, read_at__isnull=True).count() == 1


def test_without_login_the_api_answers_401(client, mine):
    assert client.get(API).status_code == 401
