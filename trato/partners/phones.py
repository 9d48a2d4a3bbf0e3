"""Phone numbers: parse what people type into E.164, keep the raw text when that is impossible.

Pure functions, no database. Numbers are parsed against settings.TRATO_PHONE_REGION unless a region is given.
"""

import functools
import re
from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from phonenumbers import NumberParseException, PhoneNumberFormat

MATCH_DIGITS = 9  # trailing digits of the national significant number tried when the exact E.164 does not match

_LETTER = re.compile(r"[^\W\d_]")
_TEL_SCHEME = re.compile(r"^tel:", re.IGNORECASE)


def default_region() -> str:
    return getattr(settings, "TRATO_PHONE_REGION", "ES") or "ES"


def _region(region: str | None) -> str:
    """A partner's ISO country when phonenumbers knows it ("es" works too), else the default region."""
    region = (region or "").strip().upper()
    return region if region in phonenumbers.SUPPORTED_REGIONS else default_region()


@functools.lru_cache(maxsize=4096)
def _parse_e164(e164: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(e164, None)
    except NumberParseException:
        return None


@dataclass(frozen=True)
class Phone:
    raw: str
    e164: str  # "" when it cannot be parsed

    @property
    def is_valid(self) -> bool:
        return bool(self.e164)

    def _formatted(self, fmt: int) -> str:
        number = _parse_e164(self.e164) if self.e164 else None
        return phonenumbers.format_number(number, fmt) if number else self.raw

    @property
    def national(self) -> str:
        return self._formatted(PhoneNumberFormat.NATIONAL)

    @property
    def international(self) -> str:
        return self._formatted(PhoneNumberFormat.INTERNATIONAL)

    @property
    def display(self) -> str:
        """National format for our own region's numbers, international for foreign ones (a French "01…" is
        ambiguous to a Spanish reader), the raw text when invalid."""
        number = _parse_e164(self.e164) if self.e164 else None
        if number is None:
            return self.raw
        if phonenumbers.region_code_for_number(number) == default_region():
            return self.national
        return self.international

    @property
    def tel_uri(self) -> str:
        return f"tel:{self.e164}" if self.e164 else ""


def _has_letters_outside_extension(raw: str, number: phonenumbers.PhoneNumber) -> bool:
    """phonenumbers turns letters into digits ("612abc678" becomes valid); we only accept letters that introduce
    an extension ("ext. 12", "x 12"), so a typo never becomes somebody else's number."""
    letter = _LETTER.search(raw)
    if not letter:
        return False
    trailing_digits = re.sub(r"\D", "", raw[letter.start() :])
    return not (number.extension and trailing_digits == number.extension)


def _to_e164(text: str, region: str) -> str:
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return ""
    if _has_letters_outside_extension(text, number):
        return ""
    if not (phonenumbers.is_possible_number(number) and phonenumbers.is_valid_number(number)):
        return ""
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def normalise(raw: str, region: str | None = None) -> Phone:
    """The E.164 form of a typed number (extension dropped), or e164 "" with the raw text kept.

    `region` is the ISO country national numbers are read in (a partner's country); unknown or empty means
    settings.TRATO_PHONE_REGION."""
    text = (raw or "").strip()
    if not text:
        return Phone("", "")
    return Phone(text, _to_e164(_TEL_SCHEME.sub("", text).strip(), _region(region)))


def phone_from_e164(e164: str, raw: str = "") -> Phone:
    """A Phone for a stored value; an E.164 that no longer parses is treated as invalid, raw kept."""
    e164 = (e164 or "").strip()
    number = _parse_e164(e164) if e164 else None
    if number is None or not phonenumbers.is_valid_number(number):
        return Phone(raw or e164, "")
    return Phone(raw or e164, phonenumbers.format_number(number, PhoneNumberFormat.E164))


def match_keys(raw: str, region: str | None = None) -> list[str]:
    """What to look a caller up by, best first: the exact E.164, then the national significant number's trailing
    digits (which survive a missing or wrong country prefix from the phone system)."""
    phone = normalise(raw, region)
    if not phone.is_valid:
        # A PBX may prepend an outside-line digit ("0 912…"): its trailing digits still identify the caller.
        digits = re.sub(r"\D", "", phone.raw)
        return [digits[-MATCH_DIGITS:]] if len(digits) >= MATCH_DIGITS else []
    parsed = _parse_e164(phone.e164)
    assert parsed is not None  # a valid phone's E.164 form always parses
    national_number = phonenumbers.national_significant_number(parsed)
    return list(dict.fromkeys([phone.e164, national_number[-MATCH_DIGITS:]]))
