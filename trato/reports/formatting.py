"""Figures written for people, in the reader's language: amounts with their currency, days, percentages.

Numbers go through Django's localisation (``number_format`` with grouping), so separators follow the language:
"1.234,50 €" in Spanish, "€1,234.50" in English. CSV downloads do not use this module: they keep plain numbers.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import formats, translation

NBSP = "\u00a0"  # keeps "1.234,50 €" and "75,0 %" on one line in a narrow table cell
SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
SYMBOL_FIRST = {"en"}  # languages that write the currency before the amount
PERCENT_SPACED = {"es"}  # Spanish writes "75,0 %", English "75.0%"


def default_currency() -> str:
    return str(getattr(settings, "TRATO_CURRENCY", "EUR"))


def _language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def _number(value: int | Decimal | float, decimals: int | None) -> str:
    if decimals is not None:  # number_format cuts extra decimals off; a reader expects 2.675 to show as 2.68
        value = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def format_amount(amount: Decimal | int | float, currency: str = "") -> str:
    """Two decimals and the currency's symbol (its code when it has no symbol we know), where the language puts it."""
    currency = currency or default_currency()
    number = _number(amount, 2)
    symbol = SYMBOLS.get(currency, currency)
    if _language() not in SYMBOL_FIRST:
        return f"{number}{NBSP}{symbol}"
    sign, digits = ("-", number[1:]) if number.startswith("-") else ("", number)
    separator = NBSP if symbol == currency else ""  # "CHF 1,234.50" but "€1,234.50"
    return f"{sign}{symbol}{separator}{digits}"


def format_count(count: int) -> str:
    return _number(count, 0)


def format_days(days: Decimal | int | float) -> str:
    return _number(days, 1)


def format_percent(percent: Decimal | int | float) -> str:
    separator = NBSP if _language() in PERCENT_SPACED else ""
    return f"{_number(percent, 1)}{separator}%"
