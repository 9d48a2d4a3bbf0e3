"""Numbers as people type them (trato/core/numbers.py): "412,50" in Spanish is 412.50, and never 41250."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from trato.core.numbers import NumberField, parse_number

SPANISH_AND_ENGLISH = [
    ("412,50", "412.50", "412.50"),
    ("412.50", "412.50", "412.50"),  # an amount copied from an English source: a decimal point, not thousands
    ("1.234,56", "1234.56", "1234.56"),
    ("1,234.56", "1234.56", "1234.56"),
    ("1.234", "1234", "1.234"),  # three digits after the language's thousands separator: thousands
    ("1,234", "1.234", "1234"),
    ("1.234.567", "1234567", "1234567"),
    ("1 234,5", "1234.5", "1234.5"),
    ("1\u00a0234,50 €", "1234.50", "1234.50"),
    ("-3,5", "-3.5", "-3.5"),
    (",5", "0.5", "0.5"),
    ("0", "0", "0"),
    ("12", "12", "12"),
]


@pytest.mark.parametrize(("typed", "in_spanish", "in_english"), SPANISH_AND_ENGLISH)
def test_a_typed_number_means_what_a_reader_of_either_language_means(typed, in_spanish, in_english):
    assert parse_number(typed, thousands=".") == Decimal(in_spanish)
    assert parse_number(typed, thousands=",") == Decimal(in_english)


@pytest.mark.parametrize("typed", ["", "abc", "1,2,3", "1.2.3", "1.234,5.6", "12,34.567,8", "--1", "1e5", "NaN", "∞"])
def test_what_is_not_a_number_is_none(typed):
    assert parse_number(typed, thousands=".") is None


class CostForm(forms.Form):
    cost = NumberField(max_digits=12, decimal_places=2, min_value=0, required=False)


@pytest.mark.parametrize(("language", "typed", "expected"), [("es", "412,50", "412.50"), ("es", "412.50", "412.50"),
                                                              ("en", "1,234.5", "1234.5")])  # fmt: skip
def test_a_number_field_reads_the_readers_language(language, typed, expected):
    with translation.override(language):
        form = CostForm({"cost": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["cost"] == Decimal(expected)


def test_a_number_field_shows_its_value_in_the_readers_language_on_a_decimal_keyboard():
    with translation.override("es"):
        html = str(CostForm(initial={"cost": Decimal("1234.50")})["cost"])
    assert 'value="1234,50"' in html and 'inputmode="decimal"' in html and 'type="text"' in html


def test_a_wrong_number_is_refused_with_an_example_in_the_readers_language():
    with translation.override("es"):
        form = CostForm({"cost": "doce"})
        assert not form.is_valid()
        assert "412,50" in form.errors["cost"][0]
    assert not CostForm({"cost": "-1"}).is_valid()  # the limits still hold
