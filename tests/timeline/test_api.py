from datetime import UTC, datetime

import pytest
from django.urls import reverse

from tests.timeline.conftest import BLIND_TO_CUSTOMERS, HTML, PDF, PNG, SEES_CUSTOMERS, stored_files, upload
from trato.accounts.services import api_token_create
from trato.timeline.models import Attachment, Entry
from trato.timeline.services import attachments_add, changes_record, note_add

BASE = "/api/v1/timeline/partners.partner"


def bearer(user) -> dict:
    _token, secret = api_token_create(user=user, name="tests")
    return {"Authorization": f"Bearer {secret}"}


def assert_not_found(response):
    assert response.status_code == 404
    assert response.json() == {"status": 404, "code": "not_found", "message": response.json()["message"], "fields": {}}


@pytest.mark.parametrize("persona", SEES_CUSTOMERS, indirect=True)
def test_who_sees_a_customer_lists_its_timeline_newest_first(client, customer, persona, author):
    note_add(record=customer, by=author, body="first")
    note_add(record=customer, by=author, body="second")
    response = client.get(f"{BASE}/{customer.pk}/entries", headers=bearer(persona))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["body"] for item in body["items"]] == ["second", "first"]
    assert body["items"][0]["author"] == {"id": author.pk, "name": str(author)}


@pytest.mark.parametrize("persona", BLIND_TO_CUSTOMERS, indirect=True)
def test_who_cannot_see_a_customer_gets_404_everywhere_in_its_timeline(client, customer, persona, author):
    (attachment,) = attachments_add(record=customer, by=author, files=[upload("a.pdf", PDF)])
    headers = bearer(persona)
    assert_not_found(client.get(f"{BASE}/{customer.pk}/entries", headers=headers))
    assert_not_found(client.get(f"{BASE}/{customer.pk}/attachments", headers=headers))
    assert_not_found(
        client.post(f"{BASE}/{customer.pk}/notes", {"body": "x"}, content_type="application/json", headers=headers)
    )
    assert_not_found(
        client.post(f"{BASE}/{customer.pk}/attachments", {"files": [upload("b.png", PNG)]}, headers=headers)
    )
    assert_not_found(client.get(f"/api/v1/timeline/attachments/{attachment.pk}/download", headers=headers))
    assert_not_found(client.delete(f"/api/v1/timeline/attachments/{attachment.pk}", headers=headers))
    assert Entry.objects.count() == 1 and Attachment.objects.count() == 1


def test_an_unknown_record_type_or_record_is_404(client, sales_user, customer):
    headers = bearer(sales_user)
    assert_not_found(client.get(f"/api/v1/timeline/accounts.user/{sales_user.pk}/entries", headers=headers))
    assert_not_found(client.get(f"{BASE}/{customer.pk + 999}/entries", headers=headers))


def test_without_credentials_the_api_answers_401(client, customer):
    assert client.get(f"{BASE}/{customer.pk}/entries").status_code == 401


def test_a_note_is_added_through_the_api(client, customer, sales_user):
    response = client.post(
        f"{BASE}/{customer.pk}/notes", {"body": "By API"}, content_type="application/json", headers=bearer(sales_user)
    )
    assert response.status_code == 201
    assert response.json()["kind"] == "note" and response.json()["body"] == "By API"
    assert Entry.objects.get().author == sales_user


def test_an_empty_note_is_a_validation_error(client, customer, sales_user):
    response = client.post(
        f"{BASE}/{customer.pk}/notes", {"body": ""}, content_type="application/json", headers=bearer(sales_user)
    )
    assert response.status_code == 422
    assert ["This value is too short."] in response.json()["fields"].values()


def test_a_communication_is_logged_through_the_api(client, customer, contact, sales_user):
    payload = {
        "channel": "visit",
        "direction": "outbound",
        "occurred_at": "2025-03-01T10:00:00",
        "summary": "Showroom visit",
        "contact_id": contact.pk,
    }
    response = client.post(
        f"{BASE}/{customer.pk}/communications", payload, content_type="application/json", headers=bearer(sales_user)
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["channel"], body["direction"], body["contact_id"], body["contact_name"]) == (
        "visit",
        "outbound",
        contact.pk,
        "Lucía Pérez",
    )
    # A time without an offset is in the caller's time zone (Madrid, UTC+1 in March).
    assert datetime.fromisoformat(body["occurred_at"]) == datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "change,status,field",
    [
        ({"channel": "fax"}, 422, "channel"),
        ({"occurred_at": "2025-13-45T10:00"}, 422, "occurred_at"),
        ({"occurred_at": "2999-01-01T10:00:00Z"}, 400, "occurred_at"),
        ({"contact_id": 999999}, 400, "contact_id"),
    ],
)
def test_bad_communications_are_refused_with_field_errors(client, customer, sales_user, change, status, field):
    payload = {
        "channel": "phone",
        "direction": "inbound",
        "occurred_at": "2025-03-01T10:00:00Z",
        "summary": "s",
    } | change
    response = client.post(
        f"{BASE}/{customer.pk}/communications", payload, content_type="application/json", headers=bearer(sales_user)
    )
    assert response.status_code == status
    assert field in response.json()["fields"]
    assert not Entry.objects.exists()


def test_malformed_json_is_a_400(client, customer, sales_user):
    response = client.post(
        f"{BASE}/{customer.pk}/notes", "{not json", content_type="application/json", headers=bearer(sales_user)
    )
    assert response.status_code == 400


def test_files_are_uploaded_as_multipart_and_listed(client, customer, sales_user, media_root):
    headers = bearer(sales_user)
    response = client.post(
        f"{BASE}/{customer.pk}/attachments",
        {"files": [upload("a.png", PNG), upload("b.pdf", PDF)], "note": "two"},
        headers=headers,
    )
    assert response.status_code == 201
    assert sorted(item["content_type"] for item in response.json()) == ["application/pdf", "image/png"]
    listed = client.get(f"{BASE}/{customer.pk}/attachments", headers=headers).json()
    assert listed["count"] == 2 and len(stored_files(media_root)) == 2
    download = client.get(listed["items"][0]["download_url"], headers=headers)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_refused_upload_answers_400_with_the_reasons(client, customer, sales_user, media_root, settings):
    settings.TRATO_ATTACHMENT_MAX_BYTES = 50
    files = [upload("page.pdf", HTML), upload("empty.png", b""), upload("big.pdf", PDF + b"x" * 60)]
    response = client.post(f"{BASE}/{customer.pk}/attachments", {"files": files}, headers=bearer(sales_user))
    assert response.status_code == 400
    assert len(response.json()["fields"]["files"]) == 3
    assert stored_files(media_root) == [] and not Attachment.objects.exists()


def test_an_upload_without_files_is_a_validation_error(client, customer, sales_user):
    response = client.post(f"{BASE}/{customer.pk}/attachments", {"note": "nothing"}, headers=bearer(sales_user))
    assert response.status_code == 422


def test_the_uploader_deletes_a_file_through_the_api(
    client, customer, sales_user, django_capture_on_commit_callbacks, media_root
):
    (attachment,) = attachments_add(record=customer, by=sales_user, files=[upload("a.png", PNG)])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.delete(f"/api/v1/timeline/attachments/{attachment.pk}", headers=bearer(sales_user))
    assert response.status_code == 204
    assert stored_files(media_root) == []


def test_a_reader_who_did_not_upload_a_file_gets_403_deleting_it(client, customer, sales_manager, quality_manager):
    (attachment,) = attachments_add(record=customer, by=sales_manager, files=[upload("a.png", PNG)])
    response = client.delete(f"/api/v1/timeline/attachments/{attachment.pk}", headers=bearer(quality_manager))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_change_entries_carry_field_labels_and_values(client, customer, sales_manager):
    changes_record(record=customer, by=sales_manager, before={"city": "Vigo"}, after={"city": "Lugo"})
    sales_manager.language = "en"
    sales_manager.save()
    item = client.get(f"{BASE}/{customer.pk}/entries", headers=bearer(sales_manager)).json()["items"][0]
    assert item["changes"] == [{"field": "city", "label": "City", "old": "Vigo", "new": "Lugo"}]


def test_a_page_size_over_the_maximum_is_refused(client, customer, sales_user):
    response = client.get(f"{BASE}/{customer.pk}/entries?page_size=101", headers=bearer(sales_user))
    assert response.status_code == 422


@pytest.mark.parametrize("count", [1, 12])
def test_listing_entries_costs_the_same_queries_whatever_their_number(
    client, customer, sales_user, count, django_assert_num_queries
):
    for n in range(count):
        note_add(record=customer, by=sales_user, body=f"n{n}")
        attachments_add(record=customer, by=sales_user, files=[upload(f"f{n}.png", PNG)])
    headers = bearer(sales_user)
    # token (and its last-used stamp), roles, visibility, count, entries, their attachments
    with django_assert_num_queries(7):
        assert client.get(f"{BASE}/{customer.pk}/entries?page_size=100", headers=headers).status_code == 200


def test_the_api_download_url_is_the_named_route(customer, sales_user):
    (attachment,) = attachments_add(record=customer, by=sales_user, files=[upload("a.png", PNG)])
    assert reverse("api-1:timeline_attachment_download", kwargs={"attachment_id": attachment.pk}).endswith("/download")


def test_the_timeline_endpoints_are_documented_in_the_schema(client, sales_user):
    client.force_login(sales_user)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/timeline/{key}/{pk}/entries" in paths
    assert "/api/v1/timeline/{key}/{pk}/attachments" in paths
    assert "/api/v1/timeline/attachments/{attachment_id}/download" in paths


@pytest.mark.parametrize("count", [1, 12])
def test_listing_attachments_costs_the_same_queries_whatever_their_number(
    client, customer, sales_user, count, django_assert_num_queries
):
    for n in range(count):
        attachments_add(record=customer, by=sales_user, files=[upload(f"f{n}.png", PNG), upload(f"g{n}.pdf", PDF)])
    headers = bearer(sales_user)
    # token (and its last-used stamp), roles, visibility, count, attachments with their uploaders
    with django_assert_num_queries(6):
        response = client.get(f"{BASE}/{customer.pk}/attachments?page_size=100", headers=headers)
    assert response.json()["count"] == 2 * count


def test_attachments_uploaded_together_are_paged_without_overlap(client, customer, sales_user):
    attachments_add(record=customer, by=sales_user, files=[upload("same.png", PNG) for _ in range(5)])
    Attachment.objects.update(created_at=datetime(2025, 1, 1, tzinfo=UTC))
    headers = bearer(sales_user)
    seen = [
        client.get(f"{BASE}/{customer.pk}/attachments?page={page}&page_size=2", headers=headers).json()["items"]
        for page in (1, 2, 3)
    ]
    ids = [item["id"] for items in seen for item in items]
    assert len(ids) == len(set(ids)) == 5
    # The same pages by cursor: the last attachment's date and UUID carry over (a UUID is no JSON value).
    by_cursor, cursor = [], ""
    for _ in range(3):
        query = f"page_size=2&cursor={cursor}" if cursor else "page_size=2"
        answer = client.get(f"{BASE}/{customer.pk}/attachments?{query}", headers=headers).json()
        by_cursor += [item["id"] for item in answer["items"]]
        cursor = answer["next_cursor"]
    assert by_cursor == ids and cursor is None
