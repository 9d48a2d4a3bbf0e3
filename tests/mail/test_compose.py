"""Writing an email from a record's page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from trato.mail import sending, threading
from trato.mail.models import OutboundMessage
from trato.timeline.models import Attachment, Entry, EntryKind
from trato.timeline.services import attachments_add

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def compose_url(record, key="partners.partner"):
    return reverse("mail:compose", args=[key, record.pk])


def test_the_page_offers_the_records_contacts_that_have_an_address(client_for, sales_user, customer, contact):
    customer.contacts.create(first_name="No", last_name="Mail")
    page = client_for(sales_user).get(compose_url(customer))
    assert page.status_code == 200
    html = page.content.decode()
    assert "lucia@acme.example" in html and "info@acme.example" in html
    assert "No Mail" not in html


def test_an_outsider_gets_404(client_for, outsider, customer):
    assert client_for(outsider).get(compose_url(customer)).status_code == 404
    assert client_for(outsider).post(compose_url(customer), {"subject": "x", "body": "y"}).status_code == 404


def test_an_unknown_record_type_is_404(client_for, sales_user, customer):
    assert client_for(sales_user).get(compose_url(customer, "nothing.here")).status_code == 404


def test_sending_from_the_record_threads_replies_back_to_it(
    client_for, smtp_server, sales_user, customer, contact, english_contact
):
    existing = attachments_add(
        record=customer, by=sales_user, files=[SimpleUploadedFile("offer.pdf", PDF, "application/pdf")]
    )[0]
    answer = client_for(sales_user).post(
        compose_url(customer),
        {
            "to": [f"contact-{contact.pk}"],
            "to_other": "Buyer <buyer@acme.example>",
            "cc": "boss@acme.example",
            "subject": "Offer 2026",
            "body": "Please find our offer attached.",
            "language": "en",
            "attachments": [str(existing.pk)],
            "files": [SimpleUploadedFile("terms.pdf", PDF, "application/pdf")],
        },
    )
    assert answer.status_code == 302 and answer["Location"] == customer.get_absolute_url()

    sending.send_due()
    [received] = smtp_server.mailbox.received
    mail = received.message
    assert sorted(received.recipients) == ["boss@acme.example", "buyer@acme.example", "lucia@acme.example"]
    assert mail["Reply-To"] == threading.reply_address(customer)
    assert threading.token_from_subject(mail["Subject"]) == threading.record_token(customer)
    assert sorted(part.get_filename() for part in mail.iter_attachments()) == ["offer.pdf", "terms.pdf"]
    assert "Please find our offer attached." in mail.get_body(("plain",)).get_content()
    assert mail["Content-Language"] == "en"
    # The uploaded file went through the timeline's checks and is now one of the record's files too.
    assert Attachment.objects.for_record(customer).filter(name="terms.pdf").exists()
    entry = Entry.objects.get(kind=EntryKind.EMAIL)
    assert (entry.record_type, entry.record_id, entry.author) == ("partners.partner", customer.pk, sales_user)


def test_a_refused_upload_is_shown_and_nothing_is_queued(client_for, sales_user, customer, contact):
    page = client_for(sales_user).post(
        compose_url(customer),
        {
            "to": [f"contact-{contact.pk}"],
            "subject": "Hi",
            "body": "Hello",
            "language": "es",
            "files": [SimpleUploadedFile("page.html", b"<html><script>alert(1)</script></html>", "text/html")],
        },
    )
    assert page.status_code == 400
    assert "page.html" in page.content.decode()
    assert OutboundMessage.objects.count() == 0


def test_a_typed_address_with_a_line_break_is_refused(client_for, sales_user, customer, contact):
    page = client_for(sales_user).post(
        compose_url(customer),
        {"to_other": "x@acme.example\r\nBcc: victim@evil.example", "subject": "Hi", "body": "Hello", "language": "es"},
    )
    assert page.status_code == 400
    assert "is not a valid email address" in page.content.decode()
    assert OutboundMessage.objects.count() == 0


def test_without_recipients_the_form_says_so(client_for, sales_user, customer):
    page = client_for(sales_user).post(compose_url(customer), {"subject": "Hi", "body": "Hello", "language": "es"})
    assert page.status_code == 400
    assert "Choose at least one recipient" in page.content.decode()


def test_a_contacts_page_writes_to_that_contact(client_for, smtp_server, sales_user, contact):
    url = compose_url(contact, "partners.contact")
    answer = client_for(sales_user).post(
        url, {"to": ["record"], "subject": "Hola", "body": "Buenos días", "language": "es"}
    )
    assert answer.status_code == 302
    sending.send_due()
    [received] = smtp_server.mailbox.received
    assert received.recipients == ["lucia@acme.example"]
    assert received.message["Reply-To"] == threading.reply_address(contact)


def test_the_partner_and_contact_pages_link_to_the_compose_page(client_for, sales_user, customer, contact):
    client = client_for(sales_user)
    assert compose_url(customer) in client.get(customer.get_absolute_url()).content.decode()
    assert compose_url(contact, "partners.contact") in client.get(contact.get_absolute_url()).content.decode()
