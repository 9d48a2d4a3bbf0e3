"""What the reader asked for in the query string: a period and each section's own filters.

Anything wrong (a bad month, an unknown preset, a filter value that is not a choice) shows its error on the form and
the report falls back to the default period without filters, so a typo never shows figures nobody asked for.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict

from trato.reports.periods import DEFAULT_PRESET, PRESETS, Period, PeriodForm, default_period
from trato.reports.registry import Section

PERIOD_FIELDS = ("preset", "start", "end")


@dataclass
class Selection:
    form: PeriodForm  # as the page shows it: the period's months, or what was typed with its errors
    period: Period
    preset: str  # the preset in use; "" for a custom range or a wrong filter
    filter_forms: dict[str, forms.Form] = field(default_factory=dict)
    filters: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    is_valid: bool = True

    def filters_of(self, section: Section) -> Mapping[str, Any]:
        return self.filters.get(section.key, {})


def _filter_forms(query: QueryDict, sections: Sequence[Section]) -> dict[str, forms.Form]:
    # Prefixed with the section's key ("claims-kind"), so two sections may both have a "kind" filter.
    return {s.key: s.filter_form(query, prefix=s.key) for s in sections if s.filter_form is not None}


def read_selection(query: QueryDict, sections: Sequence[Section]) -> Selection:
    asked = any(query.get(name) for name in PERIOD_FIELDS)
    period_form = PeriodForm(query) if asked else None
    filter_forms = _filter_forms(query, sections)
    # Every form is validated (no short-circuit), so each shows its own errors.
    checked = [form.is_valid() for form in filter_forms.values()] + [period_form is None or period_form.is_valid()]
    valid = all(checked)
    if not valid:
        shown = period_form if period_form is not None and period_form.errors else _showing(default_period())
        return Selection(shown, default_period(), "", filter_forms, is_valid=False)  # no preset looks chosen
    period = period_form.period() if period_form else default_period()
    preset = period_form.cleaned_data["preset"] if period_form else DEFAULT_PRESET.key
    filters: dict[str, Mapping[str, Any]] = {key: form.cleaned_data for key, form in filter_forms.items()}
    return Selection(_showing(period), period, preset, filter_forms, filters)


def _showing(period: Period) -> PeriodForm:
    return PeriodForm(initial={"start": period.start, "end": period.end})


def preset_links(query: QueryDict, active: str) -> list[tuple[str, str, bool]]:
    """(label, query string, is active) per preset, keeping the sections' filters."""
    kept = query.copy()
    for name in PERIOD_FIELDS:
        kept.pop(name, None)
    links = []
    for preset in PRESETS:
        kept["preset"] = preset.key
        links.append((str(preset.label), "?" + kept.urlencode(), preset.key == active))
    return links
