"""Numbers as people type them: "412,50" in Spanish is 412.50, and so is "412.50" (never 41250).

Django's localized number fields take the language's separators literally: in Spanish "412.50" has a thousands
separator, and becomes 41250. People copy amounts from English sources, from the ERP and from calculators, so Trato
reads a typed number by what it can only mean: with both "," and ".", the last one is the decimal separator; with one
of them written once, it is the decimal separator unless exactly three digits follow it and it is the language's
thousands separator ("1.234" in Spanish, "1,234" in English); written more than once, it separates thousands.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

_SPACES = re.compile(r"[\s\u00a0\u202f'’]")  # spaces, no-break and thin spaces, Swiss apostrophes
_CURRENCY = re.compile(r"[€$£]|EUR|USD|GBP", re.IGNORECASE)


def parse_number(text: str, *, thousands: str | None = None) -> Decimal | None:
    """The number ``text`` means, or None when it is not one. ``thousands``: the language's thousands separator
    (the active language's by default)."""
    if thousands is None:
        thousands = formats.get_format("THOUSAND_SEPARATOR")
    plain = _as_plain(_CURRENCY.sub("", _SPACES.sub("", text)), thousands)
    if plain is None or not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", plain):
        return None
    try:
        return Decimal(plain)
    except InvalidOperation:
        return None


def _as_plain(value: str, thousands: str) -> str | None:
    """``value`` with "." as its only separator, the decimal one."""
    commas, dots = value.count(","), value.count(".")
    if commas and dots:
        decimal = "," if value.rfind(",") > value.rfind(".") else "."
        grouping = "." if decimal == "," else ","
        if value.count(decimal) > 1 or value.rfind(grouping) > value.rfind(decimal):
            return None
        return value.replace(grouping, "").replace(",", ".")
    separator = "," if commas else "." if dots else ""
    if not separator:
        return value
    if value.count(separator) > 1:
        return value.replace(separator, "") if _grouped(value, separator) else None
    digits_after = len(value) - value.rfind(separator) - 1
    if digits_after == 3 and separator == thousands:
        return value.replace(separator, "")
    return value.replace(",", ".")


def _grouped(value: str, separator: str) -> bool:
    """Whether ``separator`` splits ``value`` in groups of three digits, as thousands are written."""
    head, *groups = value.lstrip("+-").split(separator)
    return 1 <= len(head) <= 3 and all(len(group) == 3 for group in groups)


class NumberField(forms.DecimalField):
    """A decimal field that reads what people type in either language (``parse_number``) and shows its value in
    the reader's: a text input with a decimal keyboard on phones."""

    default_error_messages = {"invalid": _("Enter a number, such as 412,50 or 412.50.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs["localize"] = True
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # the stubs say int
        if value in self.empty_values:
            return None
        number = parse_number(str(value).strip())
        if number is None or not number.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number
