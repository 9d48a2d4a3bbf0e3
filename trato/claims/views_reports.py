"""The claims reports page and its CSV downloads. Figures come from trato.claims.reports (visible_to inside)."""

import datetime

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from trato.claims import reports
from trato.claims.models import Kind
from trato.claims.validation import EARLIEST_DATE, latest_date
from trato.core.export import export_response

MAX_RANGE = datetime.timedelta(days=5 * 366)  # a wider range gives a table nobody can read


class DateInput(forms.DateInput):
    input_type = "date"


class ReportFilterForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("Received from"), widget=DateInput(format="%Y-%m-%d"))
    date_to = forms.DateField(label=pgettext_lazy("date range", "to"), widget=DateInput(format="%Y-%m-%d"))
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), required=False, choices=[("", gettext_lazy("All kinds")), *Kind.choices]
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        earliest, latest = EARLIEST_DATE, latest_date()
        for name in ("date_from", "date_to"):
            if data.get(name) and not earliest <= data[name] <= latest:  # the month arithmetic overflows near 9999
                self.add_error(name, _("Choose a date between %(start)s and %(end)s.") % {
                    "start": formats.date_format(earliest, "SHORT_DATE_FORMAT"),
                    "end": formats.date_format(latest, "SHORT_DATE_FORMAT"),
                })  # fmt: skip
                return data
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        elif start and end and end - start > MAX_RANGE:
            self.add_error("date_to", _("Choose a range of five years at most."))
        return data


def period_from(query) -> tuple[ReportFilterForm, reports.Period]:
    """The filter form and the period it asks for; the default period when the form is empty or wrong."""
    default = reports.default_period()
    initial = {"date_from": default.start, "date_to": default.end, "kind": ""}
    if not any(query.get(name) for name in initial):
        return ReportFilterForm(initial=initial), default
    form = ReportFilterForm({name: query.get(name, "") for name in initial})
    if not form.is_valid():
        return form, default
    data = form.cleaned_data
    return form, reports.Period(start=data["date_from"], end=data["date_to"], kind=data["kind"])


@require_GET
def report_index(request):
    form, period = period_from(request.GET)
    tables = reports.report_tables(request.user, period)
    context = {
        "form": form,
        "period": period,
        "tables": tables,
        "summary": next(t for t in tables if t.key == "time_to_close"),
        "chart_data": reports.chart_data(tables),
        "query": request.GET.urlencode(),
    }
    return render(request, "claims/reports.html", context)


@require_GET
def report_export(request, table: str):
    build = reports.TABLES.get(table)
    if build is None:
        raise Http404
    _form, period = period_from(request.GET)
    figures = build(request.user, period)
    filename = _("claims-%(table)s-%(start)s-%(end)s") % {"table": table, "start": period.start, "end": period.end}
    return export_response(filename=filename, headers=figures.headers, rows=figures.rows, fmt="csv")
