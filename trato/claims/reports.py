"""The claims section of /reports/: counts per month and dimension, time to close, overdue, supplier ranking, cost.

Registered with the reports app (found by its autodiscovery of ``<app>/reports.py``). Every figure starts from
``Claim.objects.visible_to(user)``, so a report never counts a claim its reader may not see. Each table is one or two
aggregate queries (GROUP BY month and dimension), whatever the number of claims; only the 90th percentile of time to
close is computed in Python, because SQLite has no percentile function.
"""

import datetime
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from trato.accounts.roles import AFTER_SALES, PURCHASING, SALES, Role, roles_of
from trato.claims.models import Claim, Kind, OriginType, Repair, State
from trato.reports import registry
from trato.reports.periods import Period, month_label
from trato.reports.tables import Chart, Column, ColumnType, Table

OPEN_STATES = (State.DRAFT, State.OPEN)
ZERO = Decimal("0.00")
NO_CLAIMS = gettext_lazy("No claims in this period.")
COUNT, AMOUNT, DAYS, PERCENT = ColumnType.COUNT, ColumnType.AMOUNT, ColumnType.DAYS, ColumnType.PERCENT


class ClaimsReportFilter(forms.Form):
    """The section's own filter (in the query as ``claims-kind``)."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), required=False, choices=[("", gettext_lazy("All kinds")), *Kind.choices]
    )


def claims_in(user: Any, period: Period, kind: str = "") -> QuerySet[Claim]:
    claims = Claim.objects.visible_to(user).filter(received_on__gte=period.start, received_on__lte=period.end)
    return claims.filter(kind=kind) if kind else claims


def _month_key(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


# Over time, by dimension -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    key: str
    title: str | Promise
    column: str | Promise
    field: str  # what to group on
    only_kind: str = ""  # the supplier dimension counts supplier claims only, the customer one customer claims
    label: Callable[[object], str] = str
    skip_empty: bool = False  # a claim without a product code is not a product's claim


def _choice_label(choices: list[tuple[Any, Any]]) -> Callable[[object], str]:
    labels: dict[object, object] = dict(choices)
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


def _counts_by(claims: QuerySet[Claim], dimension: Dimension) -> list[dict[str, Any]]:
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


def dimension_table(user: Any, period: Period, kind: str, dimension: Dimension) -> Table:
    months = period.months
    per_value: dict[str, dict[str, Any]] = defaultdict(lambda: {"months": defaultdict(int), "open": 0, "closed": 0})
    for row in _counts_by(claims_in(user, period, kind), dimension):
        value = row[dimension.field]
        if dimension.skip_empty and value in (None, ""):
            continue
        label = dimension.label(value) if value not in (None, "") else _none_label(dimension)
        figures = per_value[label]
        figures["months"][_month_key(row["month"])] += row["total"]
        figures["open"] += row["open"]
        figures["closed"] += row["closed"]
    ranked = sorted(per_value.items(), key=lambda item: (-sum(item[1]["months"].values()), item[0]))
    columns = [
        Column(dimension.column),
        *(Column(month_label(m), COUNT) for m in months),
        Column(pgettext("report count", "Open"), COUNT),
        Column(pgettext("report count", "Closed"), COUNT),
        Column(_("Total"), COUNT),
    ]
    rows = [
        [label, *(f["months"][m] for m in months), f["open"], f["closed"], sum(f["months"].values())]
        for label, f in ranked
    ]
    chart = Chart(
        "bar",
        labels=[month_label(m) for m in months],
        datasets=[{"label": label, "data": [f["months"][m] for m in months]} for label, f in ranked[:CHART_SERIES]],
        stacked=True,
    )
    return Table(dimension.key, dimension.title, columns, rows, chart, empty_message=NO_CLAIMS)


# Received and closed per month -------------------------------------------------------------------------------------


def _per_month(claims: QuerySet[Claim], date_field: str) -> dict[datetime.date, int]:
    counted = (
        claims.annotate(month=TruncMonth(date_field))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by()
        .values_list("month", "count")
    )
    return {_month_key(month): count for month, count in counted}


def overview_table(user: Any, period: Period, kind: str = "") -> Table:
    received = _per_month(claims_in(user, period, kind), "received_on")
    closed = _per_month(_closed_in(user, period, kind), "closed_at")
    rows: list[list[Any]] = [[month_label(m), received.get(m, 0), closed.get(m, 0)] for m in period.months]
    chart = Chart(
        "line",
        labels=[row[0] for row in rows],
        datasets=[
            {"label": pgettext("report count", "Received"), "data": [row[1] for row in rows]},
            {"label": pgettext("report count", "Closed"), "data": [row[2] for row in rows]},
        ],
    )
    columns = [
        Column(_("Month")),
        Column(pgettext("report count", "Received"), COUNT),
        Column(pgettext("report count", "Closed"), COUNT),
    ]
    return Table("overview", _("Received and closed per month"), columns, rows, chart, empty_message=NO_CLAIMS)


def _closed_in(user: Any, period: Period, kind: str = "") -> QuerySet[Claim]:
    """Claims closed within the period (whenever they were received)."""
    claims = Claim.objects.visible_to(user).filter(
        state=State.CLOSED, closed_at__date__gte=period.start, closed_at__date__lte=period.end
    )
    return claims.filter(kind=kind) if kind else claims


# Time to close ----------------------------------------------------------------------------------------------------


def percentile(values: list[datetime.timedelta], fraction: float) -> datetime.timedelta | None:
    """The nearest-rank percentile of ``values`` (None when empty): the smallest value ≥ that share of them."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def average(values: list[datetime.timedelta]) -> datetime.timedelta | None:
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


def summary(user: Any, period: Period, kind: str = "") -> Summary:
    durations = [d for d in _closed_in(user, period, kind).values_list("time_to_close", flat=True) if d is not None]
    overdue_claims = Claim.objects.visible_to(user).overdue()
    if kind:
        overdue_claims = overdue_claims.filter(kind=kind)
    return Summary(
        closed=len(durations),
        average_days=days(average(durations)),
        p90_days=days(percentile(durations, 0.9)),
        overdue=overdue_claims.count(),
    )


def time_to_close_table(user: Any, period: Period, kind: str = "") -> Table:
    figures = summary(user, period, kind)
    rows: list[list[Any]] = [
        [_("Claims closed"), figures.closed],
        [_("Average time to close (days)"), figures.average_days],
        [_("90th percentile of time to close (days)"), figures.p90_days],
        [_("Overdue now"), figures.overdue],
    ]
    columns = [Column(_("Figure")), Column(_("Value"), COUNT)]
    return Table("time_to_close", _("Time to close and overdue"), columns, rows, value_types=(COUNT, DAYS, DAYS, COUNT))


# Supplier ranking and cost ---------------------------------------------------------------------------------------


def _repair_cost_by(claims: QuerySet[Claim], group_field: str) -> dict[Any, Decimal]:
    repairs = Repair.objects.filter(claim__in=claims.values("pk"), cost__isnull=False)
    return dict(
        repairs.values(f"claim__{group_field}")
        .annotate(cost=Sum("cost"))
        .order_by()
        .values_list(f"claim__{group_field}", "cost")
    )


def supplier_ranking_table(user: Any, period: Period, kind: str = "") -> Table:
    """Suppliers by number of non-conformities: count, share of all of them, and what they cost."""
    claims = claims_in(user, period, kind).filter(kind=Kind.SUPPLIER, partner__isnull=False)
    counted = list(
        claims.values("partner", "partner__name")
        .annotate(count=Count("pk"), cost=Sum("resolution_cost"))
        .order_by("-count", "partner__name")
    )
    repair_costs = _repair_cost_by(claims, "partner")
    total = sum(row["count"] for row in counted)
    rows: list[list[Any]] = [
        [
            position,
            row["partner__name"],
            row["count"],
            (Decimal(100 * row["count"]) / total).quantize(Decimal("0.1")),
            (row["cost"] or ZERO) + (repair_costs.get(row["partner"]) or ZERO),
        ]
        for position, row in enumerate(counted, start=1)
    ]
    top = rows[:10]
    datasets = [{"label": _("Claims"), "data": [row[2] for row in top]}]
    chart = Chart("bar", [row[1] for row in top], datasets, horizontal=True)
    return Table("supplier_ranking", _("Supplier ranking"), _ranking_columns(), rows, chart, empty_message=NO_CLAIMS)


def _ranking_columns() -> list[Column]:
    return [
        Column(_("Rank"), COUNT),
        Column(_("Supplier")),
        Column(_("Claims"), COUNT),
        Column(_("Share (%)"), PERCENT),
        Column(_("Cost"), AMOUNT),
    ]


def cost_table(user: Any, period: Period, kind: str = "") -> Table:
    """Resolution cost plus repairs' cost, per month the claims were received."""
    claims = claims_in(user, period, kind)
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
    rows: list[list[Any]] = []
    for month in period.months:
        claim_cost = resolution.get(month, ZERO)
        rows.append([month_label(month), claim_cost, repairs[month], claim_cost + repairs[month]])
    rows.append([_("Total"), *(sum((row[i] for row in rows), ZERO) for i in (1, 2, 3))])
    chart = Chart(
        "bar",
        labels=[row[0] for row in rows[:-1]],
        datasets=[
            {"label": _("Resolution"), "data": [row[1] for row in rows[:-1]]},
            {"label": _("Repairs"), "data": [row[2] for row in rows[:-1]]},
        ],
        stacked=True,
    )
    columns = [
        Column(_("Month")),
        Column(_("Resolution cost"), AMOUNT),
        Column(_("Repairs cost"), AMOUNT),
        Column(_("Total"), AMOUNT),
    ]
    return Table("cost", _("Cost of claims"), columns, rows, chart, empty_message=NO_CLAIMS)


# The section ------------------------------------------------------------------------------------------------------


def _with_kind(build: Callable[..., Table]) -> registry.Builder:
    return lambda user, period, filters: build(user, period, filters.get("kind", ""))


def _dimension_builder(dimension: Dimension) -> registry.Builder:
    return lambda user, period, filters: dimension_table(user, period, filters.get("kind", ""), dimension)


TABLES: dict[str, registry.Builder] = {
    "overview": _with_kind(overview_table),
    **{dimension.key: _dimension_builder(dimension) for dimension in DIMENSIONS},
    "time_to_close": _with_kind(time_to_close_table),
    "supplier_ranking": _with_kind(supplier_ranking_table),
    "cost": _with_kind(cost_table),
}

# The roles claims/access.py's visible_condition gives some claims to; the figures themselves still go through
# visible_to, so this only decides whether the section is worth showing.
CLAIMS_ROLES = AFTER_SALES | SALES | PURCHASING | {Role.QUALITY_MANAGER, Role.ADMINISTRATOR}


def may_see_claims_reports(user: Any) -> bool:
    """Whoever a role lets see some claims, and anyone assigned to one (internal non-conformities)."""
    if roles_of(user) & CLAIMS_ROLES:
        return True
    return bool(user.is_authenticated) and Claim.objects.filter(Q(responsible=user) | Q(assignees=user)).exists()


registry.register(
    registry.Section(
        key="claims",
        title=gettext_lazy("Claims"),
        may_see=may_see_claims_reports,
        tables=TABLES,
        filter_form=ClaimsReportFilter,
        summary="time_to_close",
    )
)
