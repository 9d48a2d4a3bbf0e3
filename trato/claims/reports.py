"""Claim figures for the reports page: counts per month and dimension, time to close, overdue, supplier ranking, cost.

Every figure starts from ``Claim.objects.visible_to(user)``, so a report never counts a claim its reader may not
see. Each table is one or two aggregate queries (GROUP BY month and dimension), whatever the number of claims;
only the 90th percentile of time to close is computed in Python, because SQLite has no percentile function.
"""

import datetime
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from trato.claims.models import Claim, Kind, OriginType, Repair, State

OPEN_STATES = (State.DRAFT, State.OPEN)
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Period:
    """The report's filter: claims received from ``start`` to ``end`` (inclusive), of one kind or all."""

    start: datetime.date
    end: datetime.date
    kind: str = ""

    @property
    def months(self) -> list[datetime.date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months


def default_period(today: datetime.date | None = None) -> Period:
    """The last twelve months, this one included."""
    today = today or timezone.localdate()
    start = today.replace(day=1)
    for _month in range(11):
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    return Period(start=start, end=today)


@dataclass
class Table:
    """A figure as plain rows: what the page shows, the chart draws and the CSV download contains."""

    key: str
    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    chart: dict | None = None  # {"type", "labels", "datasets": [{"label", "data"}]} for Chart.js


def claims_in(user, period: Period):
    claims = Claim.objects.visible_to(user).filter(received_on__gte=period.start, received_on__lte=period.end)
    return claims.filter(kind=period.kind) if period.kind else claims


def month_label(month: datetime.date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def _month_key(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


# Over time, by dimension -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    key: str
    title: str
    column: str
    field: str  # what to group on
    only_kind: str = ""  # the supplier dimension counts supplier claims only, the customer one customer claims
    label: Callable[[object], str] = str
    skip_empty: bool = False  # a claim without a product code is not a product's claim


def _choice_label(choices) -> Callable[[object], str]:
    labels = dict(choices)
    return lambda value: str(labels.get(value, value))


DIMENSIONS = [
    Dimension("category", gettext_lazy("By category"), gettext_lazy("Category"), "category__name"),
    Dimension(
        "origin_type",
        gettext_lazy("By origin document type"),
        gettext_lazy("Origin document"),
        "origins__doc_type",
        label=_choice_label(OriginType.choices),
    ),  # fmt: skip
    Dimension("supplier", gettext_lazy("By supplier"), gettext_lazy("Supplier"), "partner__name", Kind.SUPPLIER),
    Dimension("customer", gettext_lazy("By customer"), gettext_lazy("Customer"), "partner__name", Kind.CUSTOMER),
    Dimension(
        "product",
        gettext_lazy("By product"),
        gettext_lazy("Product code"),
        "origins__lines__product_code",
        skip_empty=True,
    ),  # fmt: skip
]
CHART_SERIES = 8  # more lines than this make a chart unreadable; the table has every row


def _counts_by(claims, dimension: Dimension) -> list[dict]:
    if dimension.only_kind:
        claims = claims.filter(kind=dimension.only_kind)
    return list(
        claims.annotate(month=TruncMonth("received_on"))
        .values(dimension.field, "month")
        .annotate(
            total=Count("pk", distinct=True),
            open=Count("pk", distinct=True, filter=Q(state__in=OPEN_STATES)),
            closed=Count("pk", distinct=True, filter=Q(state=State.CLOSED)),
        )
        .order_by()
    )


def _none_label(dimension: Dimension) -> str:
    return _("(none)") if dimension.key != "origin_type" else _("(no origin document)")


def dimension_table(user, period: Period, dimension: Dimension) -> Table:
    months = period.months
    per_value: dict[str, dict] = defaultdict(lambda: {"months": defaultdict(int), "open": 0, "closed": 0})
    for row in _counts_by(claims_in(user, period), dimension):
        value = row[dimension.field]
        if dimension.skip_empty and value in (None, ""):
            continue
        label = dimension.label(value) if value not in (None, "") else _none_label(dimension)
        figures = per_value[label]
        figures["months"][_month_key(row["month"])] += row["total"]
        figures["open"] += row["open"]
        figures["closed"] += row["closed"]
    ranked = sorted(per_value.items(), key=lambda item: (-sum(item[1]["months"].values()), item[0]))
    headers = [
        str(dimension.column),
        *map(month_label, months),
        pgettext("report count", "Open"),
        pgettext("report count", "Closed"),
        _("Total"),
    ]
    rows = [
        [label, *(f["months"][m] for m in months), f["open"], f["closed"], sum(f["months"].values())]
        for label, f in ranked
    ]
    chart = {
        "type": "bar",
        "stacked": True,
        "labels": [month_label(m) for m in months],
        "datasets": [{"label": label, "data": [f["months"][m] for m in months]} for label, f in ranked[:CHART_SERIES]],
    }
    return Table(dimension.key, str(dimension.title), headers, rows, chart)


# Received and closed per month -------------------------------------------------------------------------------------


def overview_table(user, period: Period) -> Table:
    months = period.months
    received = dict(
        claims_in(user, period)
        .annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("month", "count")
    )
    closed = dict(
        _closed_in(user, period)
        .annotate(month=TruncMonth("closed_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("month", "count")
    )
    received = {_month_key(k): v for k, v in received.items()}
    closed = {_month_key(k): v for k, v in closed.items()}
    rows = [[month_label(m), received.get(m, 0), closed.get(m, 0)] for m in months]
    chart = {
        "type": "line",
        "labels": [row[0] for row in rows],
        "datasets": [
            {"label": pgettext("report count", "Received"), "data": [row[1] for row in rows]},
            {"label": pgettext("report count", "Closed"), "data": [row[2] for row in rows]},
        ],
    }
    return Table(
        "overview",
        _("Received and closed per month"),
        [_("Month"), pgettext("report count", "Received"), pgettext("report count", "Closed")],
        rows,
        chart,
    )


def _closed_in(user, period: Period):
    """Claims closed within the period (whenever they were received)."""
    claims = Claim.objects.visible_to(user).filter(
        state=State.CLOSED, closed_at__date__gte=period.start, closed_at__date__lte=period.end
    )
    return claims.filter(kind=period.kind) if period.kind else claims


# Time to close ----------------------------------------------------------------------------------------------------


def percentile(values: list, fraction: float):
    """The nearest-rank percentile of ``values`` (None when empty): the smallest value ≥ that share of them."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def average(values: list):
    return sum(values, datetime.timedelta()) / len(values) if values else None


def days(duration: datetime.timedelta | None) -> Decimal | None:
    if duration is None:
        return None
    return (Decimal(duration.total_seconds()) / 86400).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Summary:
    closed: int
    average_days: Decimal | None
    p90_days: Decimal | None
    overdue: int


def summary(user, period: Period) -> Summary:
    durations = [d for d in _closed_in(user, period).values_list("time_to_close", flat=True) if d is not None]
    overdue_claims = Claim.objects.visible_to(user).overdue()
    if period.kind:
        overdue_claims = overdue_claims.filter(kind=period.kind)
    return Summary(
        closed=len(durations),
        average_days=days(average(durations)),
        p90_days=days(percentile(durations, 0.9)),
        overdue=overdue_claims.count(),
    )


def time_to_close_table(user, period: Period) -> Table:
    figures = summary(user, period)
    rows = [
        [_("Claims closed"), figures.closed],
        [_("Average time to close (days)"), figures.average_days],
        [_("90th percentile of time to close (days)"), figures.p90_days],
        [_("Overdue now"), figures.overdue],
    ]
    return Table("time_to_close", _("Time to close and overdue"), [_("Figure"), _("Value")], rows)


# Supplier ranking and cost ---------------------------------------------------------------------------------------


def _repair_cost_by(claims, group_field: str) -> dict:
    repairs = Repair.objects.filter(claim__in=claims.values("pk"), cost__isnull=False)
    return dict(
        repairs.values(f"claim__{group_field}")
        .annotate(cost=Sum("cost"))
        .order_by()
        .values_list(f"claim__{group_field}", "cost")
    )


def supplier_ranking_table(user, period: Period) -> Table:
    """Suppliers by number of non-conformities: count, share of all of them, and what they cost."""
    claims = claims_in(user, period).filter(kind=Kind.SUPPLIER, partner__isnull=False)
    counted = list(
        claims.values("partner", "partner__name")
        .annotate(count=Count("pk"), cost=Sum("resolution_cost"))
        .order_by("-count", "partner__name")
    )
    repair_costs = _repair_cost_by(claims, "partner")
    total = sum(row["count"] for row in counted)
    rows = [
        [
            position,
            row["partner__name"],
            row["count"],
            (Decimal(100 * row["count"]) / total).quantize(Decimal("0.1")),
            (row["cost"] or ZERO) + (repair_costs.get(row["partner"]) or ZERO),
        ]
        for position, row in enumerate(counted, start=1)
    ]
    headers = [_("Rank"), _("Supplier"), _("Claims"), _("Share (%)"), _("Cost")]
    chart = {
        "type": "bar",
        "horizontal": True,
        "labels": [row[1] for row in rows[:10]],
        "datasets": [{"label": _("Claims"), "data": [row[2] for row in rows[:10]]}],
    }
    return Table("supplier_ranking", _("Supplier ranking"), headers, rows, chart)


def cost_table(user, period: Period) -> Table:
    """Resolution cost plus repairs' cost, per month the claims were received."""
    claims = claims_in(user, period)
    resolution = {
        _month_key(month): cost or ZERO
        for month, cost in claims.annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(cost=Sum("resolution_cost"))
        .order_by()
        .values_list("month", "cost")
    }
    repairs: dict[datetime.date, Decimal] = defaultdict(lambda: ZERO)
    for day, cost in _repair_cost_by(claims, "received_on").items():  # per day received; months summed here
        repairs[day.replace(day=1)] += cost or ZERO
    rows = []
    for month in period.months:
        claim_cost = resolution.get(month, ZERO)
        rows.append([month_label(month), claim_cost, repairs[month], claim_cost + repairs[month]])
    rows.append([_("Total"), *(sum((row[i] for row in rows), ZERO) for i in (1, 2, 3))])
    chart = {
        "type": "bar",
        "stacked": True,
        "labels": [row[0] for row in rows[:-1]],
        "datasets": [
            {"label": _("Resolution"), "data": [float(row[1]) for row in rows[:-1]]},
            {"label": _("Repairs"), "data": [float(row[2]) for row in rows[:-1]]},
        ],
    }
    headers = [_("Month"), _("Resolution cost"), _("Repairs cost"), _("Total")]
    return Table("cost", _("Cost of claims"), headers, rows, chart)


# The whole report -------------------------------------------------------------------------------------------------


def _dimension_builder(dimension: Dimension):
    return lambda user, period: dimension_table(user, period, dimension)


TABLES: dict[str, Callable[..., Table]] = {
    "overview": overview_table,
    **{dimension.key: _dimension_builder(dimension) for dimension in DIMENSIONS},
    "time_to_close": time_to_close_table,
    "supplier_ranking": supplier_ranking_table,
    "cost": cost_table,
}


def report_tables(user, period: Period) -> list[Table]:
    return [build(user, period) for build in TABLES.values()]


def chart_data(tables: list[Table]) -> dict:
    """What claims-reports.js draws, keyed by table: read from a json_script block (no inline script)."""
    return {table.key: table.chart for table in tables if table.chart}
