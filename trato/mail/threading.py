"""Threading replies back to their record: a short signed token per record, in the Reply-To and the subject.

A token is ``<4-letter code of the record type><pk in base 36><8-letter signature>``, lowercase letters and
digits only, because mail systems may change the case of an address's local part and a token must survive in
both a plus-address (``trato+k3xa16x7d2mq4p@example.com``) and a subject tag (``[#k3xa16x7d2mq4p]``). The
signature (40 bits of an HMAC keyed with SECRET_KEY) stops anyone from filing mail on a record by guessing.
"""

import base64
import hashlib
import hmac
import re
from email.utils import parseaddr

from django.conf import settings
from django.utils.encoding import force_bytes

from trato.timeline import registry

CODE_LENGTH = 4
SIGNATURE_LENGTH = 8
TOKEN_PATTERN = r"[a-z2-7]{4}[0-9a-z]{1,13}[a-z2-7]{8}"
_TOKEN_RE = re.compile(rf"^{TOKEN_PATTERN}$")
_SUBJECT_RE = re.compile(rf"\[#({TOKEN_PATTERN})\]", re.IGNORECASE)
_SALT = b"trato.mail.threading"


def _base32(data: bytes) -> str:
    return base64.b32encode(data).decode().lower().rstrip("=")


def _type_code(key: str) -> str:
    return _base32(hashlib.sha256(force_bytes(key)).digest())[:CODE_LENGTH]


def _signature(key: str, pk: int) -> str:
    secret = hashlib.sha256(_SALT + force_bytes(settings.SECRET_KEY)).digest()
    digest = hmac.new(secret, force_bytes(f"{key}:{pk}"), hashlib.sha256).digest()
    return _base32(digest)[:SIGNATURE_LENGTH]


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, remainder = divmod(number, 36)
        text = digits[remainder] + text
        if not number:
            return text


def record_token(record) -> str:
    """The record's token (the record's model must have a timeline)."""
    key = registry.key_for(record)
    return _type_code(key) + _base36(int(record.pk)) + _signature(key, int(record.pk))


def record_for_token(token: str) -> tuple[str, int] | None:
    """(registry key, pk) of the record a token names, or None when it is malformed or its signature is wrong."""
    token = (token or "").strip().lower()
    if not _TOKEN_RE.match(token):
        return None
    code, pk_text, signature = token[:CODE_LENGTH], token[CODE_LENGTH:-SIGNATURE_LENGTH], token[-SIGNATURE_LENGTH:]
    pk = int(pk_text, 36)
    for registration in registry.registrations():
        if _type_code(registration.key) == code and hmac.compare_digest(_signature(registration.key, pk), signature):
            return registration.key, pk
    return None


def _alias_and_domain() -> tuple[str, str]:
    address = parseaddr(settings.TRATO_MAIL_REPLY_ADDRESS)[1] or "trato@localhost"
    alias, _at, domain = address.rpartition("@")
    return alias.split("+", 1)[0], domain


def reply_address(record) -> str:
    """The plus-address replies to ``record`` go to: ``<alias>+<token>@<domain>``."""
    alias, domain = _alias_and_domain()
    return f"{alias}+{record_token(record)}@{domain}"


def token_from_address(address: str) -> str | None:
    """The token in a plus-address ("claims+<token>@example.com", any alias), or None. Not verified here:
    pass it to record_for_token."""
    local_part = parseaddr(address or "")[1].rpartition("@")[0]
    _alias, plus, token = local_part.partition("+")
    token = token.lower()
    return token if plus and _TOKEN_RE.match(token) else None


def subject_tag(record) -> str:
    return f"[#{record_token(record)}]"


def token_from_subject(subject: str) -> str | None:
    """The token of the first "[#<token>]" tag in a subject, or None. Not verified here."""
    match = _SUBJECT_RE.search(subject or "")
    return match.group(1).lower() if match else None


def subject_without_tag(subject: str) -> str:
    """The subject as people wrote it: the "[#<token>]" tags that thread replies are for machines, not readers."""
    return " ".join(_SUBJECT_RE.sub("", subject or "").split())
