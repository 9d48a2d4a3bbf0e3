"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and records to write mail about."""

import email
import email.parser
import email.policy
import socket
import threading
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from trato.mail import sending
from trato.partners.models import Contact, Partner
from trato.timeline import registry


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    sender: str
    recipients: list[str]
    raw: bytes
    peer: tuple = ()  # the client's (host, port): one per connection
    message_id: str = ""

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)


@dataclass
class Mailbox:
    """The handler: stores each accepted message; answers can be set per recipient or for DATA."""

    received: list[Received] = field(default_factory=list)
    rcpt_answers: dict[str, str] = field(default_factory=dict)
    data_answer: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.rcpt_answers.get(address)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_answer:
            return self.data_answer
        headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(envelope.original_content)
        item = Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content, tuple(session.peer))
        item.message_id = str(headers["Message-ID"])
        with self.lock:
            self.received.append(item)
        return "250 2.0.0 Accepted"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [item.message_id for item in self.received]


class SmtpServer:
    """Can be stopped (connections refused) and started again on the same port."""

    def __init__(self):
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(settings):
    """A running server, and settings that send to it through Trato's two-phase backend."""
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "trato.mail.backends.TwoPhaseSMTPBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def partners_have_timelines():
    registry.register(Partner)
    registry.register(Contact)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def customer(db) -> Partner:
    return Partner.objects.create(name="Acme Foods", is_customer=True, language="es", email="info@acme.example")


@pytest.fixture
def contact(customer) -> Contact:
    return Contact.objects.create(
        partner=customer, first_name="Lucía", last_name="Pérez", email="lucia@acme.example", language="es"
    )


@pytest.fixture
def english_contact(customer) -> Contact:
    return Contact.objects.create(
        partner=customer, first_name="John", last_name="Smith", email="john@acme.example", language="en"
    )


@pytest.fixture(autouse=True)
def no_outcomes_left_unwritten():
    """Outcomes a lost database kept from being written live in the process: none may leak from test to test."""
    sending._unwritten.clear()
    yield
    sending._unwritten.clear()
