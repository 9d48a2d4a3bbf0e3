import re
from datetime import UTC, datetime

import pytest
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.urls import reverse

from tests.timeline.conftest import BLIND_TO_CUSTOMERS, HTML, PDF, PNG, SEES_CUSTOMERS, stored_files, upload
from trato.timeline.models import Attachment, Entry
from trato.timeline.panel import PAGE_SIZE, record_url
from trato.timeline.services import attachments_add, changes_record, note_add

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, record, *more):
    return reverse(f"timeline:{name}", args=["partners.partner", record.pk, *more])


def render_panel(record, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load timeline %}{% timeline_panel record %}").render(
        RequestContext(request, {"record": record})
    )


@pytest.mark.parametrize("persona", SEES_CUSTOMERS, indirect=True)
def test_everyone_who_sees_a_customer_sees_its_timeline(client_for, customer, persona, author):
    note_add(record=customer, by=author, body="Prefers calls in the morning")
    response = client_for(persona).get(url("page", customer))
    assert response.status_code == 200
    assert "Prefers calls in the morning" in response.text


@pytest.mark.parametrize("persona", BLIND_TO_CUSTOMERS, indirect=True)
def test_who_cannot_see_a_customer_gets_404_on_its_timeline(client_for, customer, persona, author):
    note_add(record=customer, by=author, body="secret")
    client = client_for(persona)
    call = {"channel": "phone", "direction": "inbound", "occurred_at": "2025-02-03T09:30", "summary": "s"}
    assert client.get(url("page", customer)).status_code == 404
    assert client.get(url("page", customer) + "?page=2", **HTMX).status_code == 404
    assert client.post(url("note_add", customer), {"body": "hi", "next": "/partners/"}).status_code == 404
    assert client.post(url("note_add", customer), {"body": "hi"}, **HTMX).status_code == 404
    assert client.post(url("communication_log", customer), call).status_code == 404
    assert client.post(url("attachments_add", customer), {"files": [upload("a.png", PNG)]}).status_code == 404
    assert Entry.objects.count() == 1


def test_an_unknown_record_type_or_record_is_404(client_for, administrator, customer):
    client = client_for(administrator)
    assert client.get(reverse("timeline:page", args=["accounts.user", administrator.pk])).status_code == 404
    assert client.get(reverse("timeline:page", args=["partners.partner", customer.pk + 999])).status_code == 404


def test_the_panel_renders_nothing_for_someone_who_cannot_see_the_record(customer, purchasing_user):
    assert render_panel(customer, purchasing_user).strip() == ""


def test_the_panel_offers_the_record_contacts_when_logging_a_communication(customer, contact, sales_user):
    html = render_panel(customer, sales_user)
    assert "Lucía Pérez" in html
    assert 'enctype="multipart/form-data"' in html and "multiple" in html


def test_a_note_posted_without_javascript_returns_to_the_record(client_for, customer, sales_user):
    response = client_for(sales_user).post(url("note_add", customer), {"body": "Wants samples"}, follow=False)
    assert response.status_code == 302
    assert response.url == record_url(customer)
    assert Entry.objects.get().body == "Wants samples"


def test_a_safe_next_address_is_followed_and_a_foreign_one_ignored(client_for, customer, sales_user):
    client = client_for(sales_user)
    response = client.post(url("note_add", customer), {"body": "a", "next": "/partners/?q=acme"})
    assert response.url == "/partners/?q=acme"
    response = client.post(url("note_add", customer), {"body": "b", "next": "https://evil.example/phish"})
    assert response.url == record_url(customer)


def test_a_note_posted_with_htmx_swaps_the_panel_in_place(client_for, customer, sales_user):
    response = client_for(sales_user).post(url("note_add", customer), {"body": "Swapped in"}, **HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith(
        f'<section class="card timeline-panel mb-3" id="timeline-partners-partner-{customer.pk}"'
    )
    assert "Swapped in" in response.text
    assert "Note added." in response.text


def test_an_empty_note_shows_the_error_inline_and_saves_nothing(client_for, customer, sales_user):
    client = client_for(sales_user)
    plain = client.post(url("note_add", customer), {"body": "  "})
    assert plain.status_code == 400
    assert "This field is required." in plain.text
    swapped = client.post(url("note_add", customer), {"body": ""}, **HTMX)
    assert swapped.status_code == 200 and "is-invalid" in swapped.text
    assert not Entry.objects.exists()


def test_a_communication_is_logged_from_the_form(client_for, customer, contact, after_sales_user):
    data = {
        "channel": "email",
        "direction": "inbound",
        "occurred_at": "2025-02-03T09:30",
        "contact": contact.pk,
        "summary": "Complaint about a late delivery",
    }
    response = client_for(after_sales_user).post(url("communication_log", customer), data)
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert (entry.channel, entry.direction, entry.contact) == ("email", "inbound", contact)
    assert entry.occurred_at == datetime(2025, 2, 3, 8, 30, tzinfo=UTC)  # typed in the user's Madrid time


def test_a_communication_dated_in_the_future_is_refused_inline(client_for, customer, sales_user):
    data = {"channel": "phone", "direction": "outbound", "occurred_at": "2999-01-01T10:00", "summary": "later"}
    response = client_for(sales_user).post(url("communication_log", customer), data, **HTMX)
    assert "The date cannot be in the future." in response.text
    assert not Entry.objects.exists()


def test_several_files_are_uploaded_from_the_form(client_for, customer, sales_user, media_root):
    files = [upload("photo.png", PNG), upload("offer.pdf", PDF)]
    response = client_for(sales_user).post(url("attachments_add", customer), {"files": files, "note": "fair"}, **HTMX)
    assert response.status_code == 200
    assert "photo.png" in response.text and "offer.pdf" in response.text
    assert Attachment.objects.count() == 2 and len(stored_files(media_root)) == 2


def test_a_refused_upload_says_why_and_stores_nothing(client_for, customer, sales_user, media_root):
    files = [upload("photo.png", PNG), upload("invoice.pdf", HTML)]
    response = client_for(sales_user).post(url("attachments_add", customer), {"files": files})
    assert response.status_code == 400
    assert "could run scripts" in response.text
    assert not Attachment.objects.exists() and stored_files(media_root) == []


@pytest.mark.parametrize("persona", SEES_CUSTOMERS, indirect=True)
def test_who_sees_the_record_downloads_its_files_as_attachments(client_for, customer, persona, author):
    (attachment,) = attachments_add(record=customer, by=author, files=[upload("Oferta año 2025.pdf", PDF)])
    response = client_for(persona).get(reverse("timeline:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Oferta%20a%C3%B1o%202025.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("persona", BLIND_TO_CUSTOMERS, indirect=True)
def test_who_cannot_see_the_record_gets_404_on_its_files(client_for, customer, persona, author):
    (attachment,) = attachments_add(record=customer, by=author, files=[upload("a.pdf", PDF)])
    client = client_for(persona)
    assert client.get(reverse("timeline:attachment_download", args=[attachment.pk])).status_code == 404
    assert client.post(reverse("timeline:attachment_delete", args=[attachment.pk])).status_code == 404
    assert Attachment.objects.exists()


def test_a_download_name_cannot_break_out_of_the_header(client_for, customer, sales_user):
    (attachment,) = attachments_add(record=customer, by=sales_user, files=[upload('x";\r\nSet-Cookie: a=b.png', PNG)])
    response = client_for(sales_user).get(reverse("timeline:attachment_download", args=[attachment.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="x_; Set-Cookie_ a=b.png"'
    assert "Set-Cookie" not in response.cookies


def test_a_missing_stored_file_is_404_not_an_error(client_for, customer, sales_user, media_root):
    (attachment,) = attachments_add(record=customer, by=sales_user, files=[upload("a.png", PNG)])
    (media_root / attachment.file.name).unlink()
    assert client_for(sales_user).get(reverse("timeline:attachment_download", args=[attachment.pk])).status_code == 404


def test_the_uploader_deletes_a_file_from_the_panel(
    client_for, customer, after_sales_user, media_root, django_capture_on_commit_callbacks
):
    (attachment,) = attachments_add(record=customer, by=after_sales_user, files=[upload("a.png", PNG)])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(after_sales_user).post(
            reverse("timeline:attachment_delete", args=[attachment.pk]), **HTMX
        )
    assert response.status_code == 200 and "File deleted." in response.text
    assert not Attachment.objects.exists() and stored_files(media_root) == []


def test_a_reader_who_did_not_upload_a_file_cannot_delete_it(client_for, customer, sales_manager, quality_manager):
    (attachment,) = attachments_add(record=customer, by=sales_manager, files=[upload("a.png", PNG)])
    client = client_for(quality_manager)
    assert "Delete" not in render_panel(customer, quality_manager).split("a.png", 1)[1].split("</li>", 1)[0]
    response = client.post(reverse("timeline:attachment_delete", args=[attachment.pk]), follow=True)
    assert "Only the person who uploaded this file" in response.text
    assert Attachment.objects.exists()


def test_note_markup_never_reaches_the_page_as_markup(client_for, customer, sales_user):
    note_add(
        record=customer,
        by=sales_user,
        body='<script>alert(1)</script><img src=x onerror=alert(2)> <a href="javascript:alert(3)">x</a>',
    )
    html = client_for(sales_user).get(url("page", customer), **HTMX).text
    assert "<script>alert" not in html and "<img" not in html and '<a href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_panel_has_no_inline_script_style_or_handlers(client_for, customer, sales_user):
    attachments_add(record=customer, by=sales_user, files=[upload("a.png", PNG)])
    note_add(record=customer, by=sales_user, body="hello")
    html = client_for(sales_user).post(url("note_add", customer), {"body": "x"}, **HTMX).text
    assert "<script" not in html
    assert " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)


def test_a_change_entry_shows_field_old_and_new(client_for, customer, sales_manager):
    changes_record(record=customer, by=sales_manager, before={"city": "Vigo"}, after={"city": "Lugo"})
    html = client_for(sales_manager).get(url("page", customer)).text
    assert re.search(r"City:</span>\s*Vigo\s*<span aria-hidden=\"true\">→</span>.*Lugo", html)


def test_times_are_shown_in_the_reader_time_zone(client_for, customer, sales_user):
    entry = note_add(record=customer, by=sales_user, body="tz")
    Entry.objects.filter(pk=entry.pk).update(occurred_at=datetime(2025, 1, 15, 12, 0, tzinfo=UTC))
    sales_user.time_zone = "America/New_York"
    sales_user.save()
    html = client_for(sales_user).get(url("page", customer)).text
    assert 'datetime="2025-01-15T07:00:00-05:00"' in html
    assert "7:00" in html


def test_older_entries_load_on_demand(client_for, customer, sales_user):
    for n in range(PAGE_SIZE + 3):
        note_add(record=customer, by=sales_user, body=f"note number {n:02d}")
    client = client_for(sales_user)
    first = client.get(url("page", customer)).text
    assert "note number 22" in first and "note number 03" in first and "note number 02" not in first
    assert "?page=2" in first
    more = client.get(url("page", customer) + "?page=2", **HTMX).text
    assert all(f"note number {n:02d}" in more for n in range(3)) and "note number 03" not in more
    assert "?page=3" not in more


def test_a_page_number_that_is_not_a_number_shows_the_first_page(client_for, customer, sales_user):
    assert client_for(sales_user).get(url("page", customer) + "?page=abc").status_code == 200


def _fill(record, user, count):
    for n in range(count):
        note_add(record=record, by=user, body=f"n{n}")
        attachments_add(record=record, by=user, files=[upload(f"f{n}.png", PNG), upload(f"g{n}.pdf", PDF)])
    changes_record(record=record, by=user, before={"salesperson": None}, after={"salesperson": user})


@pytest.mark.parametrize("count", [1, 9])
def test_the_panel_costs_the_same_queries_whatever_the_number_of_entries(
    client_for, customer, contact, sales_user, count, django_assert_num_queries
):
    _fill(customer, sales_user, count)
    client = client_for(sales_user)
    client.get(url("page", customer))  # warm the session and the user's roles
    request = RequestFactory().get("/")
    request.user = sales_user
    with django_assert_num_queries(5):
        # visibility, can-change, entries, their attachments, contacts
        Template("{% load timeline %}{% timeline_panel record %}").render(RequestContext(request, {"record": customer}))
