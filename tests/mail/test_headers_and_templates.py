"""Header injection through user data, and templates rendered in the recipient's language."""

import datetime

import pytest

from trato.core.errors import DomainError
from trato.mail import sending
from trato.mail.models import OutboundMessage
from trato.mail.services import language_for, message_queue, message_queue_from_template

pytestmark = pytest.mark.django_db


def test_a_contact_named_with_a_line_break_cannot_add_a_recipient_or_header(smtp_server, customer, administrator):
    sneaky = customer.contacts.create(first_name="Ana\r\nBcc: x@evil", last_name="", email="ana@acme.example")
    message_queue(by=administrator, to=[sneaky], subject="Hi\r\nBcc: y@evil", body_text="Hello", record=customer)
    sending.send_due()
    [received] = smtp_server.mailbox.received
    mail = received.message
    assert received.recipients == ["ana@acme.example"]
    assert mail["Bcc"] is None
    assert "\n" not in str(mail["To"]) and "ana@acme.example" in str(mail["To"])
    assert [address.addr_spec for address in mail["To"].addresses] == ["ana@acme.example"]
    assert mail["Subject"].startswith("Hi Bcc: y@evil")
    assert b"\nBcc:" not in received.raw


@pytest.mark.parametrize(
    "address",
    ["victim@example.com\r\nBcc: x@evil.example", "not an address", "a@example.com, b@example.com", ""],
)
def test_a_bad_address_is_refused_with_a_clear_error(address, administrator):
    with pytest.raises(DomainError) as refused:
        message_queue(by=administrator, to=[address], subject="Hi", body_text="Hello")
    assert "to" in refused.value.fields
    assert OutboundMessage.objects.count() == 0


def test_a_message_needs_a_subject_and_a_text(administrator):
    with pytest.raises(DomainError) as refused:
        message_queue(by=administrator, to=["a@example.com"], subject=" \r\n ", body_text="Hello")
    assert "subject" in refused.value.fields
    with pytest.raises(DomainError) as refused:
        message_queue(by=administrator, to=["a@example.com"], subject="Hi", body_text="  ")
    assert "body_text" in refused.value.fields


@pytest.fixture
def greeting_template(settings, tmp_path):
    folder = tmp_path / "templates" / "mail" / "greeting"
    folder.mkdir(parents=True)
    (folder / "subject.txt").write_text(
        '{% autoescape off %}{{ record.name }} · {{ due|date:"F" }}{% endautoescape %}\n'
    )
    (folder / "body.txt").write_text(
        '{% autoescape off %}{{ record.name }} & co: {{ due|date:"j F Y" }} {{ True|yesno }}{% endautoescape %}\n'
    )
    (folder / "body.html").write_text(
        '{% extends "mail/_layout.html" %}{% block content %}<p>{{ record.name }}: {{ due|date:"j F Y" }}</p>'
        "{% endblock %}"
    )
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}]
    settings.TEMPLATES = templates
    return "greeting"


@pytest.mark.parametrize(
    ("language", "month", "yes"),
    [("es", "enero", "sí"), ("en", "January", "yes")],
)
def test_a_template_is_rendered_in_the_recipients_language_with_the_records_data(
    greeting_template, smtp_server, customer, contact, language, month, yes
):
    customer.name = "Acme <Foods>"
    customer.save()
    message = message_queue_from_template(
        template=greeting_template,
        context={"due": datetime.date(2026, 1, 15)},
        to=[contact],
        language=language,
        record=customer,
        by=None,
        automatic=True,
    )
    assert message.subject.startswith(f"Acme <Foods> · {month}")
    sending.send_due()
    mail = smtp_server.mailbox.received[0].message
    assert mail["Content-Language"] == language
    assert mail["Auto-Submitted"] == "auto-generated"
    text = mail.get_body(("plain",)).get_content()
    assert f"Acme <Foods> & co: 15 {month} 2026 {yes}" in text  # plain text is not HTML-escaped
    html = mail.get_body(("html",)).get_content()
    assert f'<html lang="{language}">' in html
    assert f"Acme &lt;Foods&gt;: 15 {month} 2026" in html  # HTML is


def test_the_language_is_the_contacts_else_the_companys(customer, contact):
    assert language_for(contact) == "es"
    contact.language = ""
    customer.language = "en"
    assert language_for(contact) == "en"
    contact.language = "en"
    customer.language = "es"
    assert language_for(contact) == "en"


def test_an_unknown_language_is_refused(administrator):
    with pytest.raises(DomainError):
        message_queue(by=administrator, to=["a@example.com"], subject="Hi", body_text="x", language="fr")
