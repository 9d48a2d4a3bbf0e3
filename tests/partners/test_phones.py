import pytest
from django.template import Context, Template
from django.utils import translation

from trato.partners.phones import Phone, match_keys, normalise, phone_from_e164


@pytest.mark.parametrize(
    "typed",
    [
        "91 123 45 67",
        "911234567",
        "91.123.45.67",
        "91-123-45-67",
        "(91) 123 45 67",
        "+34 91 123 45 67",
        "0034 91 123 45 67",
        "+34911234567",
        " 91 123 45 67 ",
    ],
)
def test_a_spanish_landline_typed_any_usual_way_is_stored_as_one_e164(typed):
    phone = normalise(typed)

    assert phone.e164 == "+34911234567"
    assert phone.national == "911 23 45 67"
    assert phone.international == "+34 911 23 45 67"
    assert phone.tel_uri == "tel:+34911234567"
    assert phone.raw == typed.strip()


@pytest.mark.parametrize("typed", ["612345678", "612 34 56 78", "612.345.678", "612-345-678", "0034 612 345 678"])
def test_a_spanish_mobile_is_recognised(typed):
    assert normalise(typed).e164 == "+34612345678"


def test_an_extension_is_dropped_from_the_e164_but_kept_in_the_raw_text():
    phone = normalise("91 123 45 67 ext. 12")

    assert phone.e164 == "+34911234567"
    assert phone.raw == "91 123 45 67 ext. 12"


@pytest.mark.parametrize(
    ("typed", "e164", "shown"),
    [
        ("+33 1 42 68 53 00", "+33142685300", "+33 1 42 68 53 00"),
        ("0033 1 42 68 53 00", "+33142685300", "+33 1 42 68 53 00"),
        ("+1 212 555 0100", "+12125550100", "+1 212-555-0100"),
    ],
)
def test_a_foreign_number_is_stored_with_its_own_country_and_shown_internationally(typed, e164, shown):
    phone = normalise(typed, region="ES")

    assert phone.e164 == e164
    assert phone.display == shown


def test_our_own_numbers_are_shown_in_national_format():
    assert normalise("+34 612 345 678").display == "612 34 56 78"


@pytest.mark.parametrize("typed", ["anonymous", "1234", "612abc678", "call me", "91 123", "+34 000 000 000"])
def test_what_is_not_a_dialable_number_keeps_its_raw_text_and_no_e164(typed):
    phone = normalise(typed)

    assert phone == Phone(typed, "")
    assert not phone.is_valid
    assert phone.national == typed
    assert phone.tel_uri == ""


def test_an_empty_value_is_an_empty_phone():
    assert normalise("   ") == Phone("", "")
    assert normalise(None) == Phone("", "")


def test_the_default_region_comes_from_settings(settings):
    settings.TRATO_PHONE_REGION = "FR"

    assert normalise("01 42 68 53 00").e164 == "+33142685300"


def test_a_stored_e164_is_shown_readably_with_its_raw_text_kept():
    phone = phone_from_e164("+34911234567", raw="91 123 45 67 ext. 12")

    assert phone.is_valid
    assert phone.national == "911 23 45 67"
    assert phone.raw == "91 123 45 67 ext. 12"


def test_a_stored_value_that_is_not_e164_is_treated_as_invalid():
    assert phone_from_e164("not-a-number", raw="old") == Phone("old", "")


def test_a_caller_is_matched_on_e164_first_then_on_the_trailing_national_digits():
    assert match_keys("0034 912 345 678") == ["+34912345678", "912345678"]
    assert match_keys("+33 1 42 68 53 00") == ["+33142685300", "142685300"]


def test_a_caller_id_with_an_outside_line_prefix_still_yields_its_trailing_digits():
    assert match_keys("0912345678") == ["912345678"]


def test_anonymous_or_internal_callers_have_nothing_to_match():
    assert match_keys("anonymous") == []
    assert match_keys("1234") == []


def _render(raw, e164=""):
    return Template("{% load phones %}{{ raw|phone_link:e164 }}").render(Context({"raw": raw, "e164": e164}))


def test_the_phone_link_filter_links_a_valid_number_in_readable_form():
    assert _render("91 123 45 67", "+34911234567") == '<a href="tel:+34911234567">911 23 45 67</a>'


def test_the_phone_link_filter_parses_raw_text_when_no_e164_is_stored():
    assert _render("612 34 56 78") == '<a href="tel:+34612345678">612 34 56 78</a>'


def test_the_phone_link_filter_flags_an_invalid_number_and_escapes_it():
    with translation.override("en"):
        html = _render('<script>alert("x")</script>')

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<span class="badge text-bg-warning" title="' in html
    assert "not a valid number" in html
    assert "href" not in html


def test_the_phone_link_filter_shows_nothing_for_an_empty_phone():
    assert _render("", "") == ""


def test_a_national_number_is_read_in_the_partners_country():
    assert normalise("01 42 68 53 00", region="FR").e164 == "+33142685300"
    assert normalise("01 42 68 53 00", region="fr").e164 == "+33142685300"


def test_an_unknown_region_falls_back_to_the_default_one():
    assert normalise("91 123 45 67", region="XX").e164 == "+34911234567"
    assert normalise("91 123 45 67", region="").e164 == "+34911234567"
