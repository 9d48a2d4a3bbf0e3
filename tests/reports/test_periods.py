"""The period of a report: whole months from presets or a from/to pair, refused clearly when wrong."""

import datetime

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation

from trato.reports.periods import (
    Period,
    PeriodForm,
    add_months,
    default_period,
    last_12_months,
    last_year,
    preset_period,
    this_year,
)
from trato.reports.selection import preset_links, read_selection

MARCH_15 = datetime.date(2026, 3, 15)


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def test_the_last_12_months_are_this_month_and_the_eleven_before_it_whole():
    assert last_12_months(MARCH_15) == Period(datetime.date(2025, 4, 1), datetime.date(2026, 3, 31))


def test_this_year_runs_from_january_to_the_end_of_this_month():
    assert this_year(MARCH_15) == Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))


def test_last_year_is_the_whole_previous_calendar_year():
    assert last_year(MARCH_15) == Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def test_the_default_period_is_the_last_12_months():
    assert default_period(MARCH_15) == last_12_months(MARCH_15)
    assert len(default_period(MARCH_15).months) == 12


def test_an_unknown_preset_gives_no_period():
    assert preset_period("last_century", MARCH_15) is None


def test_the_months_of_a_period_are_the_first_days_of_each_month_it_touches():
    period = Period(datetime.date(2025, 11, 20), datetime.date(2026, 2, 3))

    assert period.months == [datetime.date(2025, 11, 1), datetime.date(2025, 12, 1), datetime.date(2026, 1, 1),
                             datetime.date(2026, 2, 1)]  # fmt: skip


def test_adding_months_crosses_years_both_ways():
    assert add_months(datetime.date(2026, 1, 1), -1) == datetime.date(2025, 12, 1)
    assert add_months(datetime.date(2025, 12, 1), 14) == datetime.date(2027, 2, 1)


def test_a_from_and_to_month_give_those_whole_months():
    form = PeriodForm({"start": "2024-02", "end": "2024-04"})

    assert form.is_valid()
    assert form.period() == Period(datetime.date(2024, 2, 1), datetime.date(2024, 4, 30))


def test_a_full_date_stands_for_its_month():
    form = PeriodForm({"start": "2024-02-17", "end": "2024-02-03"})

    assert form.is_valid()
    assert form.period() == Period(datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))


def test_a_preset_wins_over_months():
    form = PeriodForm({"preset": "last_year", "start": "2024-02", "end": "2024-04"})

    assert form.is_valid()
    assert form.period() == last_year(timezone.localdate())


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"start": "2024-05", "end": "2024-01"}, "end", "The last month is before the first one."),
        ({"start": "2020-01", "end": "2025-01"}, "end", "Choose 60 months at most."),
        ({"start": "1989-12", "end": "1990-02"}, "start", "Choose a month between January 1990 and "),
        ({"start": "9999-01", "end": "9999-12"}, "start", "Choose a month between January 1990 and "),
        ({"start": "2024-13", "end": "2024-12"}, "start", "Enter a valid date."),
        ({"start": "2024-01\x00", "end": "2024-12"}, "start", "Enter a valid date."),
        ({"start": "", "end": "2024-12"}, "start", "Choose a month or a preset period."),
        ({"preset": "last_century"}, "preset", "Select a valid choice."),
    ],
)
def test_a_wrong_period_is_refused_with_a_message_on_its_field(data, field, message):
    form = PeriodForm(data)

    assert not form.is_valid()
    assert form.errors[field][0].startswith(message)


def test_sixty_months_are_allowed():
    assert PeriodForm({"start": "2020-01", "end": "2024-12"}).is_valid()


def test_a_wrong_period_falls_back_to_the_default_and_keeps_what_was_typed():
    selection = read_selection(QueryDict("start=2024-05&end=2024-01"), [])

    assert not selection.is_valid
    assert selection.period == default_period()
    assert selection.form["start"].value() == "2024-05"
    assert selection.preset == ""


def test_no_period_in_the_query_is_the_default_shown_as_its_months():
    selection = read_selection(QueryDict(""), [])

    assert selection.is_valid
    assert selection.preset == "last_12_months"
    assert selection.form["start"].value() == default_period().start


def test_preset_links_keep_the_section_filters_and_drop_the_months():
    links = preset_links(QueryDict("start=2024-01&end=2024-02&claims-kind=supplier"), active="this_year")

    assert links == [
        ("Last 12 months", "?claims-kind=supplier&preset=last_12_months", False),
        ("This year", "?claims-kind=supplier&preset=this_year", True),
        ("Last year", "?claims-kind=supplier&preset=last_year", False),
    ]


def test_the_page_marks_the_preset_in_use_and_shows_its_months(administrator, client_for):
    response = client_for(administrator).get(reverse("reports:index"), {"preset": "last_year"})

    html = response.content.decode()
    last = last_year(timezone.localdate())
    assert response.context["period"] == last
    assert 'href="?preset=last_year" aria-current="true"' in html
    assert f'value="{last.start:%Y-%m}"' in html
    assert f'value="{last.end:%Y-%m}"' in html


def test_the_csv_links_carry_the_period_and_the_search_box_stays_empty(administrator, client_for):
    response = client_for(administrator).get(reverse("reports:index"), {"start": "2026-01", "end": "2026-02"})

    html = response.content.decode()
    assert 'href="/reports/claims/overview.csv?start=2026-01&amp;end=2026-02"' in html
    assert 'id="global-search" type="search" name="q" value=""' in html
