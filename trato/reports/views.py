"""/reports/: every section the reader may see, over one period; /reports/<section>/<table>.csv downloads a table."""

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from trato.reports import registry
from trato.reports.downloads import csv_response
from trato.reports.selection import Selection, preset_links, read_selection
from trato.reports.tables import Table


@dataclass(frozen=True)
class SectionReport:
    section: registry.Section
    tables: list[Table]

    @property
    def summary(self) -> Table | None:
        return next((t for t in self.tables if t.key == self.section.summary), None)

    @property
    def others(self) -> list[Table]:
        return [t for t in self.tables if t.key != self.section.summary]


def _report(section: registry.Section, user: Any, selection: Selection) -> SectionReport:
    return SectionReport(section, section.build(user, selection.period, selection.filters_of(section)))


def _chart_data(reports: list[SectionReport]) -> dict[str, Any]:
    """What trato/reports.js draws, keyed "section.table": read from a json_script block (no inline script)."""
    return {
        f"{report.section.key}.{table.key}": table.chart.as_json()
        for report in reports
        for table in report.tables
        if table.chart
    }


@require_GET
def report_index(request: HttpRequest) -> HttpResponse:
    sections = registry.sections_for(request.user)
    if not sections:
        return render(request, "reports/index.html", {"reports": []})
    selection = read_selection(request.GET, sections)
    reports = [_report(section, request.user, selection) for section in sections]
    context = {
        "selection": selection,
        "form": selection.form,
        "period": selection.period,
        "reports": reports,
        "presets": preset_links(request.GET, selection.preset),
        "charts": _chart_data(reports),
        "report_query": request.GET.urlencode(),  # not "query": base.html fills the search box with that
    }
    return render(request, "reports/index.html", context)


@require_GET
def table_csv(request: HttpRequest, section: str, table: str) -> StreamingHttpResponse:
    found = registry.section_for(request.user, section)  # a section the reader may not see does not exist
    if found is None or table not in found.tables:
        raise Http404
    selection = read_selection(request.GET, [found])
    figures = found.download(table, request.user, selection.period, selection.filters_of(found))
    if figures is None:
        raise Http404
    period = selection.period
    return csv_response(figures, f"{slugify(str(found.title))}-{table}-{period.start}-{period.end}")
