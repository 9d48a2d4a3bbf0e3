"""Hostile mail, forged tokens and the gateway's own account: what a review found, kept fixed."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.inbox.conftest import PDF, build_mail
from tests.partners.factories import ContactFactory, PartnerFactory
from trato.accounts.models import ApiToken, User
from trato.accounts.tokens import hash_secret, new_secret, user_for_token
from trato.inbox.models import InboundMessage, State
from trato.inbox.parsing import parse_message
from trato.inbox.system import GATEWAY_USERNAME, gateway_user
from trato.mail import threading
from trato.timeline.models import Attachment, Entry

NESTED = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i) for i in range(10_000))
HOSTILE = {
    "empty": b"",
    "binary garbage": bytes(range(256)) * 50,
    "10 000 nested multiparts": NESTED,
    "a 100 000 character header": b"Subject: " + b"A" * 100_000 + b"\r\nFrom: a@b.example\r\n\r\nhi",
    "an unknown charset": b"From: a@b.example\r\nContent-Type: text/plain; charset=x-unknown\r\n\r\nhola",
    "base64 with garbage": (
        b"From: a@b.example\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!@@@###$$\r\n"
    ),
    "a Message-ID with spaces and no brackets": b"Message-ID: abc def@x y\r\nFrom: a@b.example\r\n\r\nhi",
}


@pytest.mark.parametrize("raw", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_mail_is_kept_and_never_crashes_the_gateway(ingest, raw):
    inbound = ingest(raw)

    assert InboundMessage.objects.filter(pk=inbound.pk).exists()
    assert inbound.raw.open("rb").read() == raw
    assert ingest(raw).pk == inbound.pk  # a second delivery files nothing new


def test_a_message_id_without_angle_brackets_is_stored_in_canonical_form(ingest):
    inbound = ingest(build_mail(message_id="abc@Customer.Example"))

    assert inbound.message_id == "<abc@customer.example>"


def test_the_same_message_id_with_a_differently_cased_domain_files_once(ingest):
    ContactFactory(email="bob@customer.example")

    first = ingest(build_mail(message_id="<m1@customer.example>"))
    second = ingest(build_mail(message_id="<m1@CUSTOMER.EXAMPLE>"))

    assert second.pk == first.pk
    assert InboundMessage.objects.count() == 1
    assert Entry.objects.filter(kind="email").count() == 1


def test_message_ids_differing_in_the_case_of_their_left_part_are_different_messages(ingest):
    # Generators put base64 there; "AbC" and "abc" are two messages.
    ingest(build_mail(message_id="<AbC@customer.example>"))
    ingest(build_mail(message_id="<abc@customer.example>"))

    assert InboundMessage.objects.count() == 2


@pytest.mark.parametrize(
    "disposition, expected",
    [
        ('attachment; filename="../../etc/passwd.pdf"', "passwd.pdf"),
        ('attachment; filename="..\\\\..\\\\boot.pdf"', "boot.pdf"),
        ("attachment; filename*=UTF-8''..%2F..%2Finvoice%0D%0ABcc%3A%20x.pdf", "invoice Bcc_ x.pdf"),
        ("attachment; filename*=UTF-8''factura%20espa%C3%B1a.pdf", "factura españa.pdf"),
    ],
)
def test_attachment_names_from_mail_are_never_paths_nor_control_characters(disposition, expected):
    raw = (
        b"From: a@b.example\r\nContent-Type: multipart/mixed; boundary=X\r\n\r\n--X\r\n"
        b"Content-Type: text/plain\r\n\r\nsee attached\r\n--X\r\nContent-Type: application/pdf\r\n"
        b"Content-Disposition: " + disposition.encode() + b"\r\n\r\n" + PDF + b"\r\n--X--\r\n"
    )

    assert [attachment.name for attachment in parse_message(raw).attachments] == [expected]


def test_a_traversing_attachment_name_is_kept_under_its_clean_name_on_the_record(ingest):
    contact = ContactFactory(email="bob@customer.example")

    ingest(build_mail(attachments=[("../../../settings.pdf", PDF, "application/pdf")]))

    assert list(Attachment.objects.of_record(contact.partner).values_list("name", flat=True)) == ["settings.pdf"]


def test_a_forged_plus_address_token_files_nothing_on_the_record(ingest, settings):
    partner = PartnerFactory()
    real = threading.record_token(partner)
    forged = real[:-8] + ("a" * 8 if real[-8:] != "a" * 8 else "b" * 8)

    inbound = ingest(build_mail(sender="eve@elsewhere.example", to=f"trato+{forged}@crm.example.com"))

    assert inbound.state == State.TRIAGE
    assert not Entry.objects.of_record(partner).exists()


def test_a_forged_subject_token_for_another_record_files_nothing(ingest):
    partner, other = PartnerFactory(), PartnerFactory()
    token_of_other = threading.record_token(other)
    # The signature of one record pasted onto the number of another.
    forged = token_of_other[:4] + threading._base36(partner.pk) + token_of_other[-8:]

    inbound = ingest(build_mail(sender="eve@elsewhere.example", subject=f"Hello [#{forged}]"))

    assert inbound.state == State.TRIAGE
    assert not Entry.objects.of_record(partner).exists()


def test_mail_from_someone_posing_as_a_known_contact_is_only_logged_on_the_company(ingest):
    contact = ContactFactory(email="bob@customer.example")
    users_before = User.objects.count()

    inbound = ingest(build_mail(sender="Bob <bob@customer.example>", to="anything@crm.example.com"))

    assert inbound.handler == "contact"
    assert list(Entry.objects.values_list("kind", "record_id")) == [("email", contact.partner_id)]
    assert User.objects.count() == users_before + 1  # only the gateway's own account: mail grants no access


def signs_in(username: str, password: str) -> bool:
    client = Client()
    with translation.override("en"):  # the login page activates a language; keep it from leaking into other tests
        client.post(reverse("accounts:login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_nobody_can_sign_in_as_the_gateway():
    gateway = gateway_user()

    assert not gateway.has_usable_password()
    assert not gateway.is_staff and not gateway.is_superuser
    assert not signs_in(GATEWAY_USERNAME, "")


@pytest.mark.django_db
def test_a_password_or_staff_flag_set_on_the_gateway_by_hand_is_taken_away_when_it_next_files_mail():
    gateway = gateway_user()
    gateway.set_password("guessable")
    gateway.is_staff = gateway.is_superuser = True
    gateway.save()
    assert signs_in(GATEWAY_USERNAME, "guessable")  # as anyone could, until the gateway files mail again

    gateway = gateway_user()

    assert not gateway.has_usable_password()
    assert not gateway.is_staff and not gateway.is_superuser
    assert not signs_in(GATEWAY_USERNAME, "guessable")


@pytest.mark.django_db
def test_an_api_token_made_for_the_gateway_never_works_and_is_revoked_when_it_next_files_mail():
    secret = new_secret()
    token = ApiToken.objects.create(
        user=gateway_user(), name="sneaky", secret_hash=hash_secret(secret), prefix=secret[:12]
    )
    assert user_for_token(secret) is None

    gateway_user()

    token.refresh_from_db()
    assert token.revoked_at is not None
