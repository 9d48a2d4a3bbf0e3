# ruff: noqa: E501  (SQL reads best one clause a line, even a long one)
"""What `make bench` times for /reports/: the claims section for the last 12 months and for five years. Its bound is
absolute (≤ 1 s); the raw SQL beside it is the core of the same figures (counts per month, per customer and per
product with the top rows, time to close, costs), for scale."""

import datetime
from collections.abc import Callable

from trato.bench.context import BenchContext
from trato.bench.registry import Operation, RawQuery, register
from trato.bench.sql import claims_visible


def figures(months: int) -> Callable[[BenchContext], list[RawQuery]]:
    def raw(ctx: BenchContext) -> list[RawQuery]:
        since = datetime.date.today().replace(day=1) - datetime.timedelta(days=31 * (months - 1))
        params = {"uid": ctx.uid, "since": since.replace(day=1)}
        period = f"{claims_visible(ctx)} AND c.received_on >= %(since)s"
        return [
            (
                f"SELECT date_trunc('month', c.received_on), c.kind, count(*) FROM claims_claim c WHERE {period} GROUP BY 1, 2",
                params,
            ),
            (
                f"SELECT date_trunc('month', c.closed_at), count(*), avg(c.time_to_close) FROM claims_claim c WHERE {claims_visible(ctx)} AND c.closed_at >= %(since)s GROUP BY 1",
                params,
            ),
            (
                f"SELECT c.partner_id, count(*) AS n FROM claims_claim c WHERE {period} GROUP BY 1 ORDER BY n DESC LIMIT 10",
                params,
            ),
            (
                f"SELECT c.category_id, date_trunc('month', c.received_on), count(*) FROM claims_claim c WHERE {period} GROUP BY 1, 2",
                params,
            ),
            (
                f"SELECT l.product_code, count(DISTINCT c.id) AS n FROM claims_claim c JOIN claims_origindocument d ON d.claim_id = c.id JOIN claims_originline l ON l.document_id = d.id WHERE {period} GROUP BY 1 ORDER BY n DESC LIMIT 10",
                params,
            ),
            (
                f"SELECT c.kind, sum(c.resolution_cost), (SELECT sum(r.cost) FROM claims_repair r JOIN claims_claim c2 ON c2.id = r.claim_id WHERE c2.received_on >= %(since)s) FROM claims_claim c WHERE {period} GROUP BY 1",
                params,
            ),
        ]

    return raw


def _first_month(months: int) -> str:
    first = datetime.date.today().replace(day=1)
    for _ in range(months - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first.strftime("%Y-%m")


def _query(months: int) -> str:
    return "" if months == 12 else f"?start={_first_month(60)}&end={datetime.date.today():%Y-%m}"


# The rankings the page loads after it is shown (Section.later), each a request of its own as the browser makes it
# (htmx), against the raw core of its figures: the top rows of that dimension over the period.
LATER_RAW = {
    "category": "SELECT c.category_id, count(*) AS n FROM claims_claim c WHERE {period} GROUP BY 1 ORDER BY n DESC LIMIT 10",
    "origin_type": "SELECT d.doc_type, count(DISTINCT c.id) AS n FROM claims_claim c LEFT JOIN claims_origindocument d ON d.claim_id = c.id WHERE {period} GROUP BY 1 ORDER BY n DESC LIMIT 10",
    "supplier": "SELECT c.partner_id, count(*) AS n FROM claims_claim c WHERE {period} AND c.kind = 'supplier' GROUP BY 1 ORDER BY n DESC LIMIT 10",
    "customer": "SELECT c.partner_id, count(*) AS n FROM claims_claim c WHERE {period} AND c.kind = 'customer' GROUP BY 1 ORDER BY n DESC LIMIT 10",
    "product": "SELECT l.product_code, count(DISTINCT c.id) AS n FROM claims_claim c JOIN claims_origindocument d ON d.claim_id = c.id JOIN claims_originline l ON l.document_id = d.id WHERE {period} GROUP BY 1 ORDER BY n DESC LIMIT 10",
    "supplier_ranking": "SELECT c.partner_id, count(*) AS n, sum(c.resolution_cost) FROM claims_claim c WHERE {period} AND c.kind = 'supplier' AND c.partner_id IS NOT NULL GROUP BY 1 ORDER BY n DESC LIMIT 10",
}


def later_raw(table: str, months: int) -> Callable[[BenchContext], list[RawQuery]]:
    def raw(ctx: BenchContext) -> list[RawQuery]:
        since = _first_month(months) + "-01"
        period = f"{claims_visible(ctx)} AND c.received_on >= %(since)s"
        return [(LATER_RAW[table].format(period=period), {"uid": ctx.uid, "since": since})]

    return raw


def later_url(table: str, months: int) -> Callable[[BenchContext], str]:
    return lambda ctx: f"/reports/claims/{table}/{_query(months)}"


register(
    Operation("reports.claims.12_months", "report", lambda ctx: "/reports/", figures(12)),
    Operation("reports.claims.5_years", "report",
              lambda ctx: f"/reports/?start={_first_month(60)}&end={datetime.date.today():%Y-%m}", figures(60)),
    *(
        Operation(f"reports.claims.{table}.{label}", "report", later_url(table, months), later_raw(table, months),
                  headers={"HX-Request": "true"})
        for table in LATER_RAW
        for months, label in ((12, "12_months"), (60, "5_years"))
    ),
)  # fmt: skip
