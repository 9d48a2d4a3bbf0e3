"""vCard import (2.1, 3.0, 4.0) and export (3.0, which every client imports). Pure functions, no database.

Each card is parsed on its own, and a card vobject refuses is read again property by property: one bad property
(or value) is left out of its card and named in `CardData.dropped`, never the card. A card is skipped only when
its frame is broken or nothing names it.
"""

import re
from dataclasses import dataclass, field
from typing import Any

import vobject
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext

SHOWN_VALUE = 80  # a value left out is shown up to this many characters: enough to recognise it
PHONE_KINDS = ("work", "cell", "home", "fax", "other")
_KIND_BY_TYPE = {"fax": "fax", "cell": "cell", "mobile": "cell", "work": "work", "home": "home"}
_KIND_PRIORITY = ("fax", "cell", "work", "home")  # "WORK,FAX" is a fax, "HOME,CELL" a mobile
_TEL_TYPES = {
    "work": ["WORK", "VOICE"],
    "cell": ["CELL"],
    "home": ["HOME", "VOICE"],
    "fax": ["FAX"],
    "other": ["VOICE"],
}

_CARD = re.compile(r"^BEGIN:VCARD[ \t]*$(.*?)(?=^END:VCARD[ \t]*$|^BEGIN:VCARD[ \t]*$|\Z)(END:VCARD[ \t]*)?",
                   re.IGNORECASE | re.MULTILINE | re.DOTALL)  # fmt: skip
_VOBJECT_END_MARK = "\\eof"
# A property line's name, its parameters (a quoted value may hold ";" or ":") and its value.
_PROPERTY_LINE = re.compile(r'^([^;:]+)((?:;(?:[^";:]|"[^"]*")*)*):(.*)$', re.DOTALL)
_PARAMETER = re.compile(r';((?:[^";]|"[^"]*")*)')
_KNOWN_PARAMETERS = {"TYPE", "PREF", "VALUE", "ENCODING", "CHARSET", "LANGUAGE"}
_FN_LINE = re.compile(r"^FN(?:;[^:\n]*)?:(.+)$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Dropped:
    """A value left out of a card: its vCard property ("" for a line that is no property), the value as written
    and why, in words."""

    property: str
    value: str
    reason: str

    def __str__(self) -> str:
        value = self.value if len(self.value) <= SHOWN_VALUE else self.value[: SHOWN_VALUE - 1] + "…"
        if not self.property:
            return gettext("the line “%(value)s”: %(reason)s") % {"value": value, "reason": self.reason}
        return gettext("%(property)s “%(value)s”: %(reason)s") % {
            "property": self.property, "value": value, "reason": self.reason}  # fmt: skip


@dataclass
class CardData:
    uid: str = ""
    first_name: str = ""
    last_name: str = ""
    full_name: str = ""
    organization: str = ""
    job_title: str = ""
    department: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[tuple[str, str]] = field(default_factory=list)  # (kind, number), kind in PHONE_KINDS
    note: str = ""
    street: str = ""
    city: str = ""
    postal_code: str = ""
    region: str = ""
    country: str = ""
    dropped: list[Dropped] = field(default_factory=list)  # what was left out of this card, and why
    number: int = field(default=0, compare=False)  # the card's place in its file, counted from 1, for reports


# Reading


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    utf16 = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ()  # some Outlook exports
    for encoding in (*utf16, "utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # never fails: every byte is a character


def _normalise_line_ends(text: str) -> str:
    """One kind of line end for vobject. Thunderbird on Windows writes "\\r\\r\\n", old Macs a bare "\\r"; some
    address books put a bare "\\r" inside a value for a line break: kept as one (an escaped newline)."""
    if "\n" not in text:
        return text.replace("\r", "\n")
    return re.sub(r"\r+\n", "\n", text).replace("\r", "\\n")


def _text(value) -> str:
    if isinstance(value, list | tuple):
        return " ".join(_text(part) for part in value if _text(part))
    text = str(value or "").replace("\r\n", "\n")
    if text.endswith(_VOBJECT_END_MARK):  # vobject leaves its end marker after a value's last lone backslash
        text = text.removesuffix(_VOBJECT_END_MARK) + "\\"
    return text.strip()


def _types(prop) -> set[str]:
    """TYPE values, whether written TYPE=a,b (3.0/4.0), TYPE="a,b" (4.0) or bare ;WORK;VOICE (2.1)."""
    raw = list(prop.params.get("TYPE", [])) + list(getattr(prop, "singletonparams", []))
    return {part.strip().strip('"').lower() for value in raw for part in value.split(",") if part.strip()}


def _phone_kind(prop) -> str:
    kinds = {_KIND_BY_TYPE[t] for t in _types(prop) if t in _KIND_BY_TYPE}
    return next((kind for kind in _KIND_PRIORITY if kind in kinds), "other")


def _props(component, name: str) -> list:
    return component.contents.get(name.lower(), [])


def _first(component, name: str) -> str:
    props = _props(component, name)
    return _text(props[0].value) if props else ""


def _strip_scheme(value: str, scheme: str) -> str:
    return value[len(scheme) :] if value.lower().startswith(scheme) else value


def _read_name(card: CardData, component) -> None:
    names = _props(component, "n")
    if names and isinstance(names[0].value, vobject.vcard.Name):
        name = names[0].value
        card.first_name = " ".join(filter(None, [_text(name.given), _text(name.additional)]))
        card.last_name = _text(name.family)
    card.full_name = _first(component, "fn") or " ".join(filter(None, [card.first_name, card.last_name]))


def _read_org(card: CardData, component) -> None:
    orgs = _props(component, "org")
    if orgs:
        parts = orgs[0].value if isinstance(orgs[0].value, list) else [orgs[0].value]
        card.organization = _text(parts[0]) if parts else ""
        card.department = " ".join(_text(part) for part in parts[1:] if _text(part))
    card.job_title = _first(component, "title")


def _email_refusal(email: str) -> str:
    """Why Django's EmailValidator refuses the address, "" when it accepts it."""
    try:
        validate_email(email)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def _read_contacts(card: CardData, component) -> None:
    emails = [_strip_scheme(_text(prop.value), "mailto:") for prop in _props(component, "email")]
    for email in filter(None, emails):
        if reason := _email_refusal(email):
            card.dropped.append(Dropped("EMAIL", email, reason))
        elif email not in card.emails:
            card.emails.append(email)
    for prop in _props(component, "tel"):
        number = _strip_scheme(_text(prop.value), "tel:")
        if number:
            card.phones.append((_phone_kind(prop), number))


def _read_address(card: CardData, component) -> None:
    addresses = [prop for prop in _props(component, "adr") if isinstance(prop.value, vobject.vcard.Address)]
    if not addresses:
        return
    chosen = next((prop for prop in addresses if "work" in _types(prop)), addresses[0]).value
    card.street = ", ".join(filter(None, [_text(chosen.street), _text(chosen.extended), _text(chosen.box)]))
    card.city, card.region = _text(chosen.city), _text(chosen.region)
    card.postal_code, card.country = _text(chosen.code), _text(chosen.country)


def _card_from_component(component) -> CardData:
    card = CardData(uid=_first(component, "uid"), note=_first(component, "note"))
    _read_name(card, component)
    _read_org(card, component)
    _read_contacts(card, component)
    _read_address(card, component)
    if not card.full_name:
        card.full_name = card.organization or (card.emails[0] if card.emails else "")
    return card


def card_label(number: int, name: str) -> str:
    """How a report names a card: its place in the file, and its name when it has one."""
    if name:
        return gettext("Contact %(number)d (“%(name)s”)") % {"number": number, "name": name[:SHOWN_VALUE]}
    return gettext("Contact %(number)d") % {"number": number}


def _describe(block: str, number: int) -> str:
    match = _FN_LINE.search(block)
    return card_label(number, match.group(1).strip() if match else "")


def _logical_lines(block: str) -> list[str]:
    """The card's properties one per line: folded lines joined (RFC 6350 3.2), and 2.1 quoted-printable soft
    breaks ("=" at the end of a line) too."""
    lines: list[str] = []
    for line in block.split("\n"):
        if lines and line[:1] in {" ", "\t"}:
            lines[-1] += line[1:]
        elif lines and lines[-1].endswith("=") and "QUOTED-PRINTABLE" in lines[-1].upper():
            lines[-1] = lines[-1][:-1] + line
        elif line.strip():
            lines.append(line)
    return lines


def _reads(line: str) -> bool:
    """Whether vobject reads this one property, values included (an ADR or a PHOTO may be broken inside)."""
    try:
        component = vobject.readOne(f"BEGIN:VCARD\nVERSION:3.0\nFN:x\n{line}\nEND:VCARD", allowQP=True)
        _card_from_component(component)
    except Exception:  # vobject raises many kinds (ParseError, ValueError, binascii…)
        return False
    return True


def _known_parameters_only(line: str) -> str:
    """The line without the parameters we do not use (`TEL;X-FOO=bar:`, `EMAIL;X-=;:`): unknown parameters are
    ignored, never a reason to lose the value. 2.1's bare type words (`TEL;WORK;VOICE:`) are kept."""
    match = _PROPERTY_LINE.match(line)
    if not match:
        return line
    name, parameters, value = match.groups()
    kept = [
        parameter
        for parameter in _PARAMETER.findall(parameters)
        if parameter.partition("=")[0].strip().upper() in _KNOWN_PARAMETERS or re.fullmatch(r"[A-Za-z0-9-]+", parameter)
    ]
    return "".join([name, *(f";{parameter}" for parameter in kept), ":", value])


def _unreadable(line: str) -> Dropped:
    """What a line vobject refuses is, for the report: a property with a broken value, or no property at all."""
    name, colon, value = line.partition(":")
    if not colon:
        return Dropped("", line.strip(), gettext("it is not a vCard property (there is no “:” before a value)"))
    return Dropped(re.split(r"[;:]", name, maxsplit=1)[0].strip().upper(), value.strip(),
                   gettext("it could not be read"))  # fmt: skip


def _read_leniently(block: str) -> tuple[Any, list[Dropped]]:
    """The card without the properties vobject cannot read, and what those were."""
    frame = ("BEGIN:", "END:", "VERSION:")
    kept: list[str] = []
    dropped: list[Dropped] = []
    for line in _logical_lines(block):
        if line.upper().startswith(frame) or _reads(line):
            kept.append(line)
        elif _reads(cleaned := _known_parameters_only(line)):
            kept.append(cleaned)
        else:
            dropped.append(_unreadable(line))
    return vobject.readOne("\n".join(kept), allowQP=True), dropped


def _component(block: str) -> tuple[Any, list[Dropped]]:
    """(component, what was left out of it): nothing is left out when the whole card reads."""
    try:
        component = vobject.readOne(block, allowQP=True)
        _card_from_component(component)
    except Exception:  # one bad property must not lose the card: read it property by property
        return _read_leniently(block)
    return component, []


def _parse_block(block: str, number: int) -> tuple[CardData | None, str]:
    try:
        component, dropped = _component(block)
        card = _card_from_component(component)
    except Exception:  # even property by property: the card's frame itself is broken
        return None, gettext("%(card)s could not be read and was skipped: the file is damaged there.") % {
            "card": _describe(block, number)
        }
    card.number = number
    card.dropped[:0] = dropped  # lines first, in file order, then the values refused among those read
    if not card.full_name:
        return None, gettext("%(card)s has no name, company or email address and was skipped.") % {
            "card": _describe(block, number)
        }
    return card, ""


def parse_vcards(data: bytes | str) -> tuple[list[CardData], list[str]]:
    """Every contact in a .vcf file, and a readable message for each card that had to be skipped."""
    text = _normalise_line_ends(_decode(data))
    cards, errors = [], []
    for number, match in enumerate(_CARD.finditer(text), start=1):
        block = match.group(0) if match.group(2) else match.group(0).rstrip("\n") + "\nEND:VCARD"
        card, error = _parse_block(block, number)
        if card:
            cards.append(card)
        else:
            errors.append(error)
    if not cards and not errors:
        errors.append(gettext("The file contains no contacts (vCard) to import."))
    return cards, errors


# Writing


def _fallback_full_name(card: CardData) -> str:
    return (
        card.full_name
        or " ".join(filter(None, [card.first_name, card.last_name]))
        or card.organization
        or (card.emails[0] if card.emails else "")
    )


def _add(component, name: str, value, types: list[str] | None = None) -> None:
    prop = component.add(name)
    prop.value = value
    if types:
        prop.params["TYPE"] = types  # a list is written TYPE=WORK,VOICE; one "WORK,VOICE" string would be quoted


def _add_address(component, card: CardData) -> None:
    if any([card.street, card.city, card.postal_code, card.region, card.country]):
        address = vobject.vcard.Address(
            street=card.street, city=card.city, region=card.region, code=card.postal_code, country=card.country
        )
        _add(component, "adr", address, ["WORK"])


def card_to_vcard(card: CardData) -> str:
    """One vCard 3.0. The UID is written as given so re-importing the file updates instead of duplicating."""
    component = vobject.vCard()
    _add(component, "version", "3.0")
    if card.uid:
        _add(component, "uid", card.uid)
    _add(component, "fn", _fallback_full_name(card))
    _add(component, "n", vobject.vcard.Name(family=card.last_name, given=card.first_name))
    if card.organization:
        _add(component, "org", [card.organization, card.department] if card.department else [card.organization])
    if card.job_title:
        _add(component, "title", card.job_title)
    for email in card.emails:
        _add(component, "email", email, ["INTERNET"])
    for kind, number in card.phones:
        _add(component, "tel", number, _TEL_TYPES.get(kind, ["VOICE"]))
    _add_address(component, card)
    if card.note:
        _add(component, "note", card.note)
    return component.serialize()


def cards_to_vcf(cards) -> str:
    return "".join(card_to_vcard(card) for card in cards)
