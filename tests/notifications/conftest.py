"""Claims to be told about, the people they concern, and mail from a customer to one of them."""

import pytest

from tests.claims.support import claims_admin, make_claim
from tests.factories import UserFactory
from tests.inbox.conftest import build_mail
from trato.accounts.roles import Role
from trato.inbox.services import message_ingest
from trato.mail import threading


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin(db):
    return claims_admin()


@pytest.fixture
def ana(db):
    """An after-sales user: may be responsible for customer claims."""
    return UserFactory(username="ana", first_name="Ana", roles=[Role.AFTER_SALES_USER])


@pytest.fixture
def bruno(db):
    return UserFactory(username="bruno", first_name="Bruno", roles=[Role.AFTER_SALES_USER])


@pytest.fixture
def claim_of(admin):
    def make(**data):
        return make_claim(by=admin, **data)

    return make


@pytest.fixture
def mail_to():
    """A customer's mail to a claim's plus-address, stored and filed by the gateway."""

    def send(claim, *, message_id="<reply@customer.example>", **fields):
        fields.setdefault("sender", "Lucía Gómez <lucia@customer.example>")
        fields.setdefault("subject", "Re: su reclamación")
        raw = build_mail(to=threading.reply_address(claim), message_id=message_id, **fields)
        return message_ingest(raw, source="stdin")

    return send
