"""Names, addresses and subjects made safe for mail headers.

Header injection needs a line break inside a header value ("Ana\\r\\nBcc: x@evil"). Texts shown in headers
(subjects, display names) have every control character turned into a space; addresses are refused outright
when they contain one, or when they are not a single valid address: an address is where mail goes, so Trato
never guesses.
"""

import re
from dataclasses import dataclass
from email.utils import getaddresses

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from trato.core.errors import DomainError

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")
MAX_NAME_LENGTH = 200
MAX_ADDRESS_LENGTH = 320


@dataclass(frozen=True)
class Recipient:
    name: str
    address: str
    contact_id: int | None = None

    def formatted(self) -> str:
        """ "Name" <address>, readable; Django encodes non-ASCII names when it writes the header."""
        if not self.name:
            return self.address
        quoted = self.name.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{quoted}" <{self.address}>'


def header_text(text, max_length: int | None = None) -> str:
    """One line of text fit for a header: control characters (CR, LF, tab, ...) become spaces."""
    cleaned = " ".join(_CONTROL.sub(" ", str(text or "")).split())
    return cleaned[:max_length] if max_length else cleaned


def _invalid(field: str, value: str) -> DomainError:
    message = _("“%(value)s” is not a valid email address.") % {"value": header_text(value, 80)}
    return DomainError(message, code="invalid_address", fields={field: [message]})


def checked_address(address: str, field: str = "to") -> str:
    """A single valid address (no display name), or a DomainError naming ``field``."""
    address = str(address or "").strip()
    if _CONTROL.search(address) or len(address) > MAX_ADDRESS_LENGTH:
        raise _invalid(field, address)
    try:
        validate_email(address)
    except ValidationError:
        raise _invalid(field, address) from None
    return address


def parse_one(text: str, field: str = "to") -> Recipient:
    """ "Ana Pérez <ana@example.com>" or "ana@example.com"; anything with a line break is refused."""
    text = str(text or "").strip()
    if _CONTROL.search(text):
        raise _invalid(field, text)
    parsed = getaddresses([text])
    if len(parsed) != 1 or not parsed[0][1]:
        raise _invalid(field, text)
    name, address = parsed[0]
    return Recipient(name=header_text(name, MAX_NAME_LENGTH), address=checked_address(address, field))


def parse_list(text: str, field: str = "to") -> list[Recipient]:
    """Addresses separated by commas or semicolons, as typed in a one-line form field; a line break is refused."""
    text = str(text or "").strip()
    if _CONTROL.search(text):
        raise _invalid(field, text)
    recipients = []
    for part in (part for part in text.split(";") if part.strip()):
        for name, address in getaddresses([part]):
            if not address:
                raise _invalid(field, part)
            recipients.append(Recipient(header_text(name, MAX_NAME_LENGTH), checked_address(address, field)))
    return recipients


def recipient(value, field: str = "to") -> Recipient:
    """A Recipient from a Contact (or any object with ``email``), a (name, address) pair or a text."""
    if isinstance(value, Recipient):
        return Recipient(
            header_text(value.name, MAX_NAME_LENGTH), checked_address(value.address, field), value.contact_id
        )
    if hasattr(value, "email"):
        contact_id = value.pk if value._meta.label_lower == "partners.contact" else None
        return Recipient(header_text(value, MAX_NAME_LENGTH), checked_address(value.email, field), contact_id)
    if isinstance(value, tuple | list) and len(value) == 2:
        return Recipient(header_text(value[0], MAX_NAME_LENGTH), checked_address(value[1], field))
    return parse_one(value, field)
