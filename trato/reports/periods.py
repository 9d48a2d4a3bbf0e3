"""The period every report covers: whole months, chosen with presets or a from/to month pair."""

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

# A month before this is a typo (0026 for 2026); far-future months overflow date arithmetic near year 9999.
EARLIEST_MONTH = datetime.date(1990, 1, 1)
YEARS_AHEAD = 10
MAX_MONTHS = 60  # a wider range gives a table nobody can read
MONTH_FORMAT = "%Y-%m"


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: datetime.date
    end: datetime.date

    @property
    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches."""
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = add_months(month, 1)
        return months


def add_months(month: datetime.date, count: int) -> datetime.date:
    """The first day of the month ``count`` months after (or before, if negative) ``month``."""
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def months_period(first: datetime.date, last: datetime.date) -> Period:
    """Whole months: from the first day of ``first``'s month to the last day of ``last``'s."""
    return Period(start=first.replace(day=1), end=month_end(last))


def month_label(month: datetime.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


# Presets -------------------------------------------------------------------------------------------------------------


def last_12_months(today: datetime.date) -> Period:
    """This month and the eleven before it."""
    return months_period(add_months(today.replace(day=1), -11), today)


def this_year(today: datetime.date) -> Period:
    """January to this month: the months still to come have nothing to count yet."""
    return months_period(today.replace(month=1, day=1), today)


def last_year(today: datetime.date) -> Period:
    return months_period(datetime.date(today.year - 1, 1, 1), datetime.date(today.year - 1, 12, 1))


@dataclass(frozen=True)
class Preset:
    key: str
    label: str | Promise
    period: Callable[[datetime.date], Period]


PRESETS = [
    Preset("last_12_months", gettext_lazy("Last 12 months"), last_12_months),
    Preset("this_year", gettext_lazy("This year"), this_year),
    Preset("last_year", gettext_lazy("Last year"), last_year),
]
DEFAULT_PRESET = PRESETS[0]


def preset_period(key: str, today: datetime.date | None = None) -> Period | None:
    preset = next((p for p in PRESETS if p.key == key), None)
    return preset.period(today or timezone.localdate()) if preset else None


def default_period(today: datetime.date | None = None) -> Period:
    return DEFAULT_PRESET.period(today or timezone.localdate())


# The form ------------------------------------------------------------------------------------------------------------


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self) -> None:
        # The placeholder helps where the browser shows a plain text box for type="month".
        super().__init__(format=MONTH_FORMAT, attrs={"placeholder": pgettext_lazy("month input", "YYYY-MM")})


class MonthField(forms.DateField):
    """A month typed as 2026-03 (what <input type="month"> sends); a full date is accepted and stands for its month."""

    widget = MonthInput
    input_formats = [MONTH_FORMAT, "%Y-%m-%d"]

    def to_python(self, value: Any) -> datetime.date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else None


def latest_month() -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year + YEARS_AHEAD, day=1)


class PeriodForm(forms.Form):
    """A preset (the page offers them as links), or a first and last month; then ``period()`` gives the period."""

    preset = forms.ChoiceField(
        label=gettext_lazy("Period"), required=False, choices=[("", ""), *((p.key, p.label) for p in PRESETS)]
    )
    start = MonthField(label=pgettext_lazy("report period", "From"), required=False)
    end = MonthField(label=pgettext_lazy("report period", "To"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("preset") or self.errors:
            return data
        start, end = data.get("start"), data.get("end")
        for name, month in (("start", start), ("end", end)):
            if month is None:
                self.add_error(name, _("Choose a month or a preset period."))
            elif not EARLIEST_MONTH <= month <= latest_month():
                self.add_error(name, _("Choose a month between %(start)s and %(end)s.") % {
                    "start": month_label(EARLIEST_MONTH), "end": month_label(latest_month()),
                })  # fmt: skip
        if self.errors or start is None or end is None:
            return data
        if start > end:
            self.add_error("end", _("The last month is before the first one."))
        elif len(months_period(start, end).months) > MAX_MONTHS:
            self.add_error("end", _("Choose %(count)s months at most.") % {"count": MAX_MONTHS})
        return data

    def period(self) -> Period:
        data = self.cleaned_data
        return preset_period(data["preset"]) or months_period(data["start"], data["end"])
