"""/reports/: every section the reader may see, over one period; /reports/<section>/<table>/ is one table (the page
loads its ``later`` tables from there), /reports/<section>/<table>.csv downloads a table whole."""

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from trato.core.types import HtmxHttpRequest
from trato.reports import registry
from trato.reports.downloads import csv_response
from trato.reports.selection import Selection, preset_links, read_selection
from trato.reports.tables import Table


@dataclass(frozen=True)
class Later:
    """A table the page loads after it is shown, from its own URL (a link where JavaScript does not run)."""

    key: str
    title: str | Promise
    url: str
    is_later: bool = True


@dataclass(frozen=True)
class SectionReport:
    section: registry.Section
    tables: list[Table]
    later: list[Later] = field(default_factory=list)

    @property
    def summary(self) -> Table | None:
        return next((t for t in self.tables if t.key == self.section.summary), None)

    @property
    def others(self) -> list[Table | Later]:
        """Every table but the summary, in the section's order: built ones, and places for the later ones."""
        built: dict[str, Table | Later] = {t.key: t for t in self.tables}
        built.update({later.key: later for later in self.later})
        return [built[key] for key in self.section.tables if key in built and key != self.section.summary]


def _report(section: registry.Section, user: Any, selection: Selection, query: str) -> SectionReport:
    tables = section.build(user, selection.period, selection.filters_of(section))
    suffix = f"?{query}" if query else ""
    later = [
        Later(key, title, reverse("reports:table", args=[section.key, key]) + suffix)
        for key, title in section.later.items()
    ]
    return SectionReport(section, tables, later)


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
    reports = [_report(section, request.user, selection, request.GET.urlencode()) for section in sections]
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
def table_page(request: HtmxHttpRequest, section: str, table: str) -> HttpResponse:
    """One table over the period asked for: the part the reports page swaps in (htmx), or a page of its own."""
    found = registry.section_for(request.user, section)  # a section the reader may not see does not exist
    if found is None or table not in found.tables:
        raise Http404
    selection = read_selection(request.GET, [found])
    figures = found.table(table, request.user, selection.period, selection.filters_of(found))
    report = SectionReport(found, [figures])
    context = {
        "report": report,
        "table": figures,
        "period": selection.period,
        "charts": _chart_data([report]),
        "charts_id": f"report-charts-{found.key}-{figures.key}",
        "report_query": request.GET.urlencode(),
    }
    template = "reports/table.html#table" if request.htmx else "reports/table.html"
    return render(request, template, context)


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
