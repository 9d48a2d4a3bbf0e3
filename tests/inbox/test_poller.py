"""The IMAP poller, against a fake imap-tools client: unseen mail is ingested, then flagged seen."""

import email

import pytest

from tests.inbox.conftest import build_mail
from trato.inbox import tasks
from trato.inbox.models import InboundMessage, Mailbox, Security, Source
from trato.jobs import periodic


class FakeMessage:
    def __init__(self, uid: str, raw: bytes):
        self.uid = uid
        self.obj = email.message_from_bytes(raw)


class FakeMailBox:
    """Stands in for imap_tools.MailBox: remembers logins, fetch criteria and flags."""

    instances: list["FakeMailBox"] = []
    messages: list[FakeMessage] = []
    fail_login = False

    def __init__(self, host, port=993, timeout=None):
        self.host, self.port = host, port
        self.flagged: list[str] = []
        self.fetch_kwargs = {}
        FakeMailBox.instances.append(self)

    def login(self, username, password, initial_folder="INBOX"):
        if FakeMailBox.fail_login:
            raise ConnectionRefusedError("no route to host")
        self.login_args = (username, password, initial_folder)
        return self

    def fetch(self, criteria, **kwargs):
        self.criteria, self.fetch_kwargs = str(criteria), kwargs
        return iter(FakeMailBox.messages)

    def flag(self, uid, flags, value):
        self.flagged.append(uid)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.fixture
def fake_imap(monkeypatch):
    FakeMailBox.instances, FakeMailBox.messages, FakeMailBox.fail_login = [], [], False
    monkeypatch.setitem(tasks.CLIENTS, Security.SSL, FakeMailBox)
    return FakeMailBox


@pytest.fixture
def mailbox(db):
    return Mailbox.objects.create(
        name="Claims", host="imap.example.com", username="claims", password="pw", folder="INBOX", alias="claims"
    )


def test_unseen_messages_are_ingested_then_flagged_seen(fake_imap, mailbox):
    fake_imap.messages = [
        FakeMessage("7", build_mail(message_id="<a@x>")),
        FakeMessage("8", build_mail(message_id="<b@x>")),
    ]

    assert tasks.poll_mailbox(mailbox) == 2

    client = fake_imap.instances[0]
    assert client.login_args == ("claims", "pw", "INBOX")
    assert "UNSEEN" in client.criteria
    assert client.fetch_kwargs["mark_seen"] is False
    assert client.flagged == ["7", "8"]
    stored = InboundMessage.objects.order_by("message_id")
    assert [(m.message_id, m.source, m.mailbox_id) for m in stored] == [
        ("<a@x>", Source.IMAP, mailbox.pk),
        ("<b@x>", Source.IMAP, mailbox.pk),
    ]
    mailbox.refresh_from_db()
    assert mailbox.last_polled_at is not None
    assert mailbox.last_error == ""


def test_a_message_fetched_again_files_nothing_new(fake_imap, mailbox):
    fake_imap.messages = [FakeMessage("7", build_mail())]

    tasks.poll_mailbox(mailbox)
    tasks.poll_mailbox(mailbox)

    assert InboundMessage.objects.count() == 1


def test_a_failing_server_is_noted_on_the_mailbox(fake_imap, mailbox):
    fake_imap.fail_login = True

    assert tasks.poll_mailbox(mailbox) == 0

    mailbox.refresh_from_db()
    assert "no route to host" in mailbox.last_error


def test_the_task_polls_only_enabled_mailboxes(fake_imap, mailbox):
    Mailbox.objects.create(name="Off", host="off.example.com", username="u", is_enabled=False)
    fake_imap.messages = [FakeMessage("1", build_mail())]

    tasks.poll_mailboxes.call()

    assert [client.host for client in fake_imap.instances] == ["imap.example.com"]


def test_polling_is_registered_as_a_periodic_job_every_minute():
    schedule = periodic.schedules()["inbox.poll_mailboxes"]

    assert schedule.task is tasks.poll_mailboxes
    assert schedule.every.total_seconds() == 60
