"""Gateway fixtures: stored files in a temporary media root, mail built with the standard library."""

from email.message import EmailMessage

import pytest

from trato.inbox import handlers
from trato.inbox.models import Source
from trato.inbox.services import message_ingest

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(64)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def no_handlers_left_behind(monkeypatch):
    """Each gateway test starts with no handlers (the apps' own, e.g. claims, included) and leaves the apps'
    registrations as they were: other apps' tests in the same process rely on them."""
    monkeypatch.setattr(handlers, "_aliases", {})
    monkeypatch.setattr(handlers, "_special", {})


def build_mail(
    *,
    sender="Bob Buyer <bob@customer.example>",
    to="sales@crm.example.com",
    subject="Broken pump",
    body="The pump arrived broken.",
    message_id="<m1@customer.example>",
    html=None,
    attachments=(),
    **headers,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    for name, content, mime in attachments:
        maintype, subtype = mime.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


@pytest.fixture
def ingest(db):
    def run(raw: bytes, **kwargs):
        kwargs.setdefault("source", Source.STDIN)
        return message_ingest(raw, **kwargs)

    return run
