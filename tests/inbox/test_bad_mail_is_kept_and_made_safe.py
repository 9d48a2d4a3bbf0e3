"""Bad mail never crashes the gateway and is never lost; automatic mail is flagged; HTML is made safe."""

from email.message import EmailMessage

import pytest

from tests.inbox.conftest import build_mail
from tests.partners.factories import ContactFactory
from trato.inbox.models import InboundMessage, State
from trato.inbox.parsing import parse_message
from trato.inbox.sanitise import fold_quoted, sanitise_html
from trato.timeline.models import Entry


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"Precedence": "list"},
        {"X_Auto_Response_Suppress": "All"},
    ],
)
def test_automatic_mail_is_flagged_but_still_filed(ingest, headers):
    contact = ContactFactory(email="bob@customer.example")

    inbound = ingest(build_mail(**headers))

    assert inbound.is_automatic
    assert inbound.state == State.FILED
    assert Entry.objects.of_record(contact.partner).count() == 1


def test_a_person_s_mail_with_auto_submitted_no_is_not_automatic(ingest):
    assert not ingest(build_mail(Auto_Submitted="no")).is_automatic


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example.com", "postmaster@customer.example"])
def test_mail_from_daemons_is_automatic(ingest, sender):
    assert ingest(build_mail(sender=sender)).is_automatic


def test_a_bounce_report_is_automatic(ingest):
    raw = (
        b"From: Mail Delivery System <bounces@mx.example.com>\r\nTo: sales@crm.example.com\r\n"
        b"Subject: Undelivered Mail\r\nMessage-ID: <bounce-1@mx.example.com>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/plain\r\n\r\nI could not deliver it.\r\n"
        b"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\n"
        b"Final-Recipient: rfc822; nobody@customer.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--b--\r\n"
    )

    assert ingest(raw).is_automatic


def test_a_message_id_of_our_own_domain_is_automatic(ingest, settings):
    settings.TRATO_MAIL_DOMAINS = ["crm.example.com"]

    assert ingest(build_mail(message_id="<loop-1@crm.example.com>")).is_automatic


def test_an_unknown_charset_waits_in_triage_with_the_reason_and_a_readable_body(ingest):
    ContactFactory(email="bob@customer.example")
    raw = (
        b"From: bob@customer.example\r\nTo: sales@crm.example.com\r\nSubject: Hola\r\n"
        b"Message-ID: <cs-1@customer.example>\r\nContent-Type: text/plain; charset=x-klingon\r\n\r\nQapla'\r\n"
    )

    inbound = ingest(raw)

    assert (inbound.state, inbound.reason_code) == (State.TRIAGE, "unknown_charset")
    assert "x-klingon" in inbound.reason
    assert parse_message(raw).text == "Qapla'"


def test_broken_mime_waits_in_triage_with_the_reason(ingest):
    raw = (
        b"From: bob@customer.example\r\nTo: sales@crm.example.com\r\nSubject: Parts\r\n"
        b"Message-ID: <mime-1@customer.example>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="never-used"\r\n\r\nJust text, no parts at all.\r\n'
    )

    inbound = ingest(raw)

    assert (inbound.state, inbound.reason_code) == (State.TRIAGE, "broken_mime")
    assert inbound.raw.open("rb").read() == raw


def test_an_unreadable_date_waits_in_triage_with_the_reason(ingest):
    raw = build_mail().replace(b"Subject:", b"Date: the day after tomorrow\nSubject:")

    inbound = ingest(raw)

    assert (inbound.state, inbound.reason_code) == (State.TRIAGE, "bad_date")
    assert "the day after tomorrow" in inbound.reason


def test_an_oversized_message_is_kept_in_triage_unparsed(ingest, settings):
    ContactFactory(email="bob@customer.example")
    settings.TRATO_INBOX_MAX_BYTES = 1000
    raw = build_mail(body="x" * 5000)

    inbound = ingest(raw)

    assert (inbound.state, inbound.reason_code) == (State.TRIAGE, "too_big")
    assert (inbound.sender, inbound.subject) == ("bob@customer.example", "Broken pump")
    assert inbound.raw.open("rb").read() == raw
    assert ingest(raw).pk == inbound.pk
    assert Entry.objects.count() == 0


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe garbage \x00",
        b"From: \r\nTo: ,,,@@@\r\nSubject: =?x-unknown?q?=FF?=\r\n\r\n",
        b"Content-Type: multipart/mixed; boundary=\r\n\r\n--\r\n--\r\n",
        b"Content-Transfer-Encoding: base64\r\nContent-Type: text/plain\r\n\r\n!!!not base64!!!",
    ],
)
def test_garbage_is_stored_and_never_raises(ingest, raw):
    inbound = ingest(raw)

    assert InboundMessage.objects.filter(pk=inbound.pk, state=State.TRIAGE).exists()


def test_html_is_sanitised():
    dirty = (
        '<p onclick="steal()">Hi <b>there</b></p><script>alert(1)</script><style>p{}</style>'
        '<a href="javascript:alert(1)">x</a><a href="https://ok.example">ok</a>'
        '<img src="https://tracker.example/pixel.gif"><div style="position:fixed">s</div>'
    )

    clean = sanitise_html(dirty)

    for forbidden in ("onclick", "<script", "alert(1)", "<style", "javascript:", "<img", "tracker", "style="):
        assert forbidden not in clean
    assert "<b>there</b>" in clean
    assert 'href="https://ok.example"' in clean


def test_an_html_only_mail_is_filed_as_text_and_shown_sanitised(ingest):
    contact = ContactFactory(email="bob@customer.example")
    message = EmailMessage()
    message["From"], message["To"], message["Message-ID"] = "bob@customer.example", "x@crm.example.com", "<h-1@x>"
    message.set_content("<p>First line</p><p>Second &amp; last</p><script>alert(1)</script>", subtype="html")

    ingest(message.as_bytes())

    assert "<script" not in parse_message(message.as_bytes()).html
    body = Entry.objects.of_record(contact.partner).get().body
    assert body.splitlines()[0] == "First line"
    assert "Second & last" in body
    assert "alert" not in body


def test_quoted_history_is_folded(shared_fixtures):
    text = (shared_fixtures / "email/zapier-reply-parser-email_gmail.txt").read_text()

    folded = fold_quoted(text)

    assert folded.reply == "This is a test for inbox replying to a github message."
    assert "Steven Scott" in folded.quoted
