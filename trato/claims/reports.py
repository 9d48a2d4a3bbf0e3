"""The claims section of /reports/: counts per month and dimension, time to close, overdue, supplier ranking, cost.

Registered with the reports app (found by its autodiscovery of ``<app>/reports.py``). Every figure starts from
``Claim.objects.visible_to(user)``, so a report never counts a claim its reader may not see. Every table is a fixed
number of aggregate queries whatever the period and the number of claims: the tables per dimension and the supplier
ranking are rankings (trato/reports/ranking.py), whose first rows the page shows with one "Others" row, and whose
download streams every row from the database.
"""

import datetime
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Avg, Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from trato.accounts.roles import AFTER_SALES, PURCHASING, SALES, Role, roles_of
from trato.claims.models import Claim, Kind, OriginType, Repair, State
from trato.partners.models import Partner
from trato.reports import registry
from trato.reports.periods import Period, month_label
from trato.reports.ranking import Group, Measure, Ranking, as_month
from trato.reports.tables import Chart, Column, ColumnType, Table, others_label

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
    field: str  # the value that makes a row (a category's name, a partner's id and then its name, a product code)
    only_kind: str = ""  # the supplier dimension counts supplier claims only, the customer one customer claims
    label: Callable[[object], str] = str
    skip_empty: bool = False  # a claim without a product code is not a product's claim
    # A claim may have several values (documents, products): it counts once under each of them, and the total may
    # be more than the number of claims.
    several: bool = False
    # The facts repeat a claim under one value (two invoices): its id is counted once per cell. Products need not:
    # ClaimProduct holds each of a claim's products once, and plain counts rank them faster (docs/bench.md).
    repeats: bool = False
    note: str | Promise = ""


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
        several=True,
        repeats=True,
        note=gettext_lazy(
            "A claim with documents of several types counts once under each, so the total can be more than the "
            "number of claims."
        ),
    ),  # fmt: skip
    Dimension("supplier", gettext_lazy("By supplier"), gettext_lazy("Supplier"), "partner", Kind.SUPPLIER),
    Dimension("customer", gettext_lazy("By customer"), gettext_lazy("Customer"), "partner", Kind.CUSTOMER),
    Dimension(
        "product",
        gettext_lazy("By product"),
        gettext_lazy("Product code"),
        "products__product_code",
        skip_empty=True,
        several=True,
        note=gettext_lazy(
            "A claim with several products counts once under each, so the total can be more than the number of claims."
        ),
    ),  # fmt: skip
]
CHART_SERIES = 8  # more series than this make a chart unreadable; the table has the top rows, the download all
# Per cell (a value and a month): the claims received, and how many of them are open and closed now. A claim with
# two documents of one type is two facts: counted once per cell through its id.
COUNTS = (
    Measure("received"),
    Measure("open", only=("state", OPEN_STATES)),
    Measure("closed", only=("state", (State.CLOSED,))),
)
DISTINCT_COUNTS = (
    Measure("received", distinct="claim"),
    Measure("open", only=("state", OPEN_STATES), distinct="claim"),
    Measure("closed", only=("state", (State.CLOSED,)), distinct="claim"),
)


def dimension_ranking(claims: QuerySet[Claim], dimension: Dimension) -> Ranking:
    if dimension.only_kind:
        claims = claims.filter(kind=dimension.only_kind)
    if dimension.skip_empty:
        claims = claims.filter(**{f"{dimension.field}__gt": ""})
    fields: dict[str, Any] = {"key": F(dimension.field), "month": TruncMonth("received_on")}
    counts = COUNTS
    if dimension.repeats:  # one fact per document: the claim's id counts it once per cell
        fields["claim"], counts = F("pk"), DISTINCT_COUNTS
    facts = claims.values("state", **fields)
    labels = partner_names() if dimension.field == "partner" else None
    return Ranking(facts, "key", counts, "received", across="month", convert_across=as_month, labels=labels)


def partner_names() -> QuerySet[Partner, Any]:
    """What a ranking of partners shows for their ids: read for the rows it returns only."""
    return Partner.objects.values(key=F("pk"), label=F("name"))


def _none_label(dimension: Dimension) -> str:
    return _("(none)") if dimension.key != "origin_type" else _("(no origin document)")


def _dimension_row(label: str, group: Group, months: list[datetime.date]) -> list[Any]:
    received = [group.value("received", month) for month in months]
    return [label, *received, group.sum("open"), group.sum("closed"), sum(received)]


def _dimension_label(dimension: Dimension, group: Group) -> str:
    return dimension.label(group.label) if group.label not in (None, "") else _none_label(dimension)


def _dimension_rows(ranking: Ranking, dimension: Dimension, months: list[datetime.date]) -> Iterator[list[Any]]:
    """Every row of the download, then the total, summed while the rows go by."""
    total = Group(None, None, _("Total"), members=0)
    for group in ranking.all():
        total.add(group)
        yield _dimension_row(_dimension_label(dimension, group), group, months)
    if total.members:
        yield _dimension_row(_("Total"), total, months)


def dimension_table(user: Any, period: Period, kind: str, dimension: Dimension, top: int | None) -> Table:
    months = period.months
    ranking = dimension_ranking(claims_in(user, period, kind), dimension)
    columns = [
        Column(dimension.column),
        *(Column(month_label(m), COUNT) for m in months),
        Column(pgettext("report count", "Open"), COUNT),
        Column(pgettext("report count", "Closed"), COUNT),
        Column(_("Total"), COUNT),
    ]
    table = Table(dimension.key, dimension.title, columns, empty_message=NO_CLAIMS, note=dimension.note)
    if top is None:
        table.stream = lambda: _dimension_rows(ranking, dimension, months)
        return table
    found = ranking.top(top)
    table.rows = [_dimension_row(_dimension_label(dimension, group), group, months) for group in found.rows]
    if found.others is not None:
        table.others = _dimension_row(others_label(found.others.members), found.others, months)
    if table.rows:
        table.total = _dimension_row(_("Total"), found.total, months)
    table.chart = Chart(
        "bar",
        labels=[month_label(m) for m in months],
        datasets=[{"label": row[0], "data": row[1 : len(months) + 1]} for row in table.rows[:CHART_SERIES]],
        stacked=True,
    )
    return table


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
    total: list[Any] = [_("Total"), sum(row[1] for row in rows), sum(row[2] for row in rows)]
    return Table(
        "overview", _("Received and closed per month"), columns, rows, chart, empty_message=NO_CLAIMS, total=total
    )


def _closed_in(user: Any, period: Period, kind: str = "") -> QuerySet[Claim]:
    """Claims closed within the period (whenever they were received), its days read in the current time zone."""
    start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min))
    # A range on closed_at itself (not on its date in the time zone), so the index on closed_at serves it.
    claims = Claim.objects.visible_to(user).filter(state=State.CLOSED, closed_at__gte=start, closed_at__lt=end)
    return claims.filter(kind=kind) if kind else claims


# Time to close ----------------------------------------------------------------------------------------------------


def _nearest_rank(count: int, fraction: float) -> int:
    return max(math.ceil(fraction * count) - 1, 0)


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
    """Three queries whatever the number of claims: count and average, the 90th percentile's row, overdue now.

    The percentile is the nearest rank, read in SQL as the row at that place in time-to-close order (SQLite has no
    percentile function, and the durations are never all fetched)."""
    durations = _closed_in(user, period, kind).filter(time_to_close__isnull=False)
    figures = durations.aggregate(closed=Count("pk"), average=Avg("time_to_close"))
    closed: int = figures["closed"]
    p90 = None
    if closed:
        ordered = durations.order_by("time_to_close").values_list("time_to_close", flat=True)
        p90 = ordered[_nearest_rank(closed, 0.9)]
    overdue_claims = Claim.objects.visible_to(user).overdue()
    if kind:
        overdue_claims = overdue_claims.filter(kind=kind)
    return Summary(
        closed=closed,
        average_days=days(figures["average"]),
        p90_days=days(p90),
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

MONEY: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=2)


def _repairs_cost() -> Subquery:
    """What a claim's repairs cost, summed in a subquery so that the claim itself is counted once."""
    repairs = Repair.objects.filter(claim=OuterRef("pk"), cost__isnull=False).order_by().values("claim")
    return Subquery(repairs.annotate(cost=Sum("cost")).values("cost"), output_field=MONEY)


def supplier_ranking(claims: QuerySet[Claim]) -> Ranking:
    facts = claims.filter(kind=Kind.SUPPLIER, partner__isnull=False).values(
        key=F("partner"),
        cost=Coalesce("resolution_cost", Value(ZERO), output_field=MONEY)
        + Coalesce(_repairs_cost(), Value(ZERO), output_field=MONEY),
    )
    measures = (Measure("claims"), Measure("cost", sum_of="cost", decimals=2))
    return Ranking(facts, "key", measures, rank_by="claims", labels=partner_names())


def _share(count: int, total: int) -> Decimal:
    return (Decimal(100 * count) / total).quantize(Decimal("0.1"))


def _ranking_row(position: Any, label: str, group: Group, total: int) -> list[Any]:
    count = group.sum("claims")
    return [position, label, count, _share(count, total) if total else None, group.sum("cost")]


def supplier_ranking_table(user: Any, period: Period, kind: str = "", top: int | None = None) -> Table:
    """Suppliers by number of non-conformities: count, share of all of them, and what they cost.

    The Others row and the total add the counts and the costs up; their share is recomputed from the counts, and
    they have no rank."""
    ranking = supplier_ranking(claims_in(user, period, kind))
    table = Table("supplier_ranking", str(LATER["supplier_ranking"]), _ranking_columns(), empty_message=NO_CLAIMS)
    if top is None:
        table.stream = lambda: _ranking_rows(ranking, claims_in(user, period, kind))
        return table
    found = ranking.top(top)
    total = found.total
    count = total.sum("claims")
    table.rows = [_ranking_row(group.position, group.label, group, count) for group in found.rows]
    if found.others is not None:
        table.others = _ranking_row("", others_label(found.others.members), found.others, count)
    if table.rows:
        table.total = _ranking_row("", _("Total"), total, count)
    datasets = [{"label": _("Claims"), "data": [row[2] for row in table.rows]}]
    table.chart = Chart("bar", [row[1] for row in table.rows], datasets, horizontal=True)
    return table


def _ranking_rows(ranking: Ranking, claims: QuerySet[Claim]) -> Iterator[list[Any]]:
    """Every supplier, then the total; the share needs the total count first: one small count before the rows."""
    count = claims.filter(kind=Kind.SUPPLIER, partner__isnull=False).count()
    total = Group(None, None, _("Total"), members=0)
    for group in ranking.all():
        total.add(group)
        yield _ranking_row(group.position, group.label, group, count)
    if total.members:
        yield _ranking_row("", _("Total"), total, count)


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
    resolution = _sum_per_month(claims, "received_on", "resolution_cost")
    repairs = _sum_per_month(
        Repair.objects.filter(claim__in=claims.values("pk"), cost__isnull=False), "claim__received_on", "cost"
    )
    rows: list[list[Any]] = []
    for month in period.months:
        claim_cost, repair_cost = resolution.get(month, ZERO), repairs.get(month, ZERO)
        rows.append([month_label(month), claim_cost, repair_cost, claim_cost + repair_cost])
    total: list[Any] = [_("Total"), *(sum((row[i] for row in rows), ZERO) for i in (1, 2, 3))]
    chart = Chart(
        "bar",
        labels=[row[0] for row in rows],
        datasets=[
            {"label": _("Resolution"), "data": [row[1] for row in rows]},
            {"label": _("Repairs"), "data": [row[2] for row in rows]},
        ],
        stacked=True,
    )
    columns = [
        Column(_("Month")),
        Column(_("Resolution cost"), AMOUNT),
        Column(_("Repairs cost"), AMOUNT),
        Column(_("Total"), AMOUNT),
    ]
    return Table("cost", _("Cost of claims"), columns, rows, chart, empty_message=NO_CLAIMS, total=total)


def _sum_per_month(rows: QuerySet[Any], date_field: str, amount: str) -> dict[datetime.date, Decimal]:
    summed = (
        rows.annotate(month=TruncMonth(date_field))
        .values("month")
        .annotate(amount=Sum(amount))
        .order_by()
        .values_list("month", "amount")
    )
    return {_month_key(month): amount or ZERO for month, amount in summed}


# The section ------------------------------------------------------------------------------------------------------


def _with_kind(build: Callable[..., Table]) -> registry.Builder:
    return lambda user, period, filters, top: build(user, period, filters.get("kind", ""))


def _dimension_builder(dimension: Dimension) -> registry.Builder:
    return lambda user, period, filters, top: dimension_table(user, period, filters.get("kind", ""), dimension, top)


TABLES: dict[str, registry.Builder] = {
    "overview": _with_kind(overview_table),
    **{dimension.key: _dimension_builder(dimension) for dimension in DIMENSIONS},
    "time_to_close": _with_kind(time_to_close_table),
    "supplier_ranking": lambda user, period, filters, top: supplier_ranking_table(
        user, period, filters.get("kind", ""), top
    ),
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


# The rankings read every claim of the period (the product and document ones every line and document too): the page
# shows at once the figures per month and loads these after, each with a request of its own.
LATER = {
    **{dimension.key: dimension.title for dimension in DIMENSIONS},
    "supplier_ranking": gettext_lazy("Supplier ranking"),
}

registry.register(
    registry.Section(
        key="claims",
        title=gettext_lazy("Claims"),
        may_see=may_see_claims_reports,
        tables=TABLES,
        filter_form=ClaimsReportFilter,
        summary="time_to_close",
        later=LATER,
    )
)
