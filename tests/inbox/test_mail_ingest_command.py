"""``manage.py mail_ingest`` for a mail server's pipe: 0 when stored, 75 (retry later) when it could not store."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from tests.inbox.conftest import build_mail
from trato.inbox.models import InboundMessage, Source, State


def _run(raw: bytes, *args) -> str:
    out = io.StringIO()
    call_command("mail_ingest", *args, stdin=io.BytesIO(raw), stdout=out)
    return out.getvalue()


def test_a_message_piped_in_is_stored_and_reported(db):
    output = _run(build_mail())

    inbound = InboundMessage.objects.get()
    assert (inbound.source, inbound.state) == (Source.STDIN, State.TRIAGE)
    assert "<m1@customer.example>" in output
    assert "triage" in output


def test_the_alias_option_reaches_the_alias_handler(db):
    from tests.partners.factories import PartnerFactory
    from trato.inbox import handlers

    partner = PartnerFactory()
    handlers.register_alias("claims", lambda message, inbound: partner)

    _run(build_mail(to="undisclosed-recipients:;"), "--alias", "claims")

    assert InboundMessage.objects.get().handler == "alias:claims"


def test_when_storage_fails_it_exits_75_so_the_mail_server_retries(db, monkeypatch):
    def broken_save(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(default_storage, "save", broken_save)

    with pytest.raises(CommandError) as failure:
        _run(build_mail())

    assert failure.value.returncode == 75
    assert not InboundMessage.objects.exists()


def test_garbage_on_stdin_is_still_stored_with_exit_0(db):
    _run(b"\x00\x01 not a mail")

    assert InboundMessage.objects.get().state == State.TRIAGE
