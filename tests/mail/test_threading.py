"""Record tokens: replies find their record, forged tokens find nothing."""

import pytest

from trato.mail import threading

pytestmark = pytest.mark.django_db


def test_a_token_names_its_record(customer, contact):
    assert threading.record_for_token(threading.record_token(customer)) == ("partners.partner", customer.pk)
    assert threading.record_for_token(threading.record_token(contact)) == ("partners.contact", contact.pk)


def test_a_token_is_short_lowercase_and_survives_case_changes(customer):
    token = threading.record_token(customer)
    assert token.isalnum() and token == token.lower() and len(token) <= 20
    assert threading.record_for_token(token.upper()) == ("partners.partner", customer.pk)


def test_a_forged_or_altered_token_finds_nothing(customer):
    token = threading.record_token(customer)
    other_pk = token[:4] + "zz" + token[-8:]
    assert threading.record_for_token(other_pk) is None
    assert threading.record_for_token(token[:-1] + ("a" if token[-1] != "a" else "b")) is None
    assert threading.record_for_token("") is None
    assert threading.record_for_token("../../etc") is None


def test_the_reply_address_carries_the_token(settings, customer):
    settings.TRATO_MAIL_REPLY_ADDRESS = "Trato <crm@factory.example>"
    address = threading.reply_address(customer)
    assert address == f"crm+{threading.record_token(customer)}@factory.example"
    assert threading.token_from_address(f"Someone <{address.upper()}>") == threading.record_token(customer)
    assert threading.token_from_address("claims@factory.example") is None
    assert threading.token_from_address("claims+nonsense!@factory.example") is None


def test_the_subject_tag_is_found_in_a_reply(customer):
    tag = threading.subject_tag(customer)
    assert threading.token_from_subject(f"RE: Fwd: Your order {tag}") == threading.record_token(customer)
    assert threading.token_from_subject("RE: Your order") is None
