# ruff: noqa: E501  (SQL reads best one clause a line, even a long one)
"""What `make bench` times for claims: the list (sorts, filters, deep pages, groups), the board, the claim page, the
export and the API, each against the raw SQL returning the same rows (trato/bench/)."""

from urllib.parse import urlencode

from django.db import connection

from trato.bench.context import BenchContext, scalar
from trato.bench.registry import Operation, RawQuery, register
from trato.bench.registry import url as _url
from trato.bench.sql import COUNT_LIMIT, PAGE_SIZE, claims_visible
from trato.claims.models import Claim
from trato.core.listing import cursor_after
from trato.partners.bench import picked

ROW_COLUMNS = (
    "c.id, c.number, c.kind, c.subject, c.state, c.priority, c.received_on, c.deadline, "
    "p.id, p.name, u.id, u.username, u.first_name, u.last_name, cat.id, cat.name"
)
ROW_JOINS = (
    "claims_claim c LEFT JOIN partners_partner p ON p.id = c.partner_id "
    "LEFT JOIN accounts_user u ON u.id = c.responsible_id LEFT JOIN claims_category cat ON cat.id = c.category_id"
)
NEWEST = "c.received_on DESC, c.id DESC"
OPEN_STATES = "c.state IN ('draft', 'open')"


# Sample values, the same for Trato and its baseline


def _newest_claim(ctx: BenchContext) -> int:
    return scalar(f"SELECT c.id FROM claims_claim c WHERE {claims_visible(ctx)} ORDER BY {NEWEST} LIMIT 1", _p(ctx))


def _a_document(ctx: BenchContext) -> str:
    sql = f"""SELECT d.number FROM claims_origindocument d JOIN claims_claim c ON c.id = d.claim_id
              WHERE {claims_visible(ctx)} ORDER BY md5(d.id::text) LIMIT 1"""
    return scalar(sql, _p(ctx))


def _a_partner(ctx: BenchContext) -> int:
    sql = f"""SELECT c.partner_id FROM claims_claim c WHERE {claims_visible(ctx)} AND c.partner_id IS NOT NULL
              ORDER BY md5(c.id::text) LIMIT 1"""
    return scalar(sql, _p(ctx))


DEEP = (2000 - 1) * PAGE_SIZE  # the API's page 2000


def _deep_row(ctx: BenchContext) -> tuple:
    """The received date and id of the last row before the API's page 2000 for this role (or of the last page's
    when the role sees fewer claims)."""
    visible = claims_visible(ctx)
    depth = f"LEAST({DEEP - 1}, GREATEST(0, (SELECT count(*) FROM claims_claim c WHERE {visible}) - {PAGE_SIZE + 1}))"
    sql = f"SELECT c.received_on, c.id FROM claims_claim c WHERE {visible} ORDER BY {NEWEST} LIMIT 1 OFFSET {depth}"
    with connection.cursor() as cursor:
        cursor.execute(sql, _p(ctx))
        return cursor.fetchone()


def deep_cursor(ctx: BenchContext) -> str:
    received_on, pk = ctx.sample("deep_row", _deep_row)
    return cursor_after(Claim(received_on=received_on, pk=pk), ["-received_on", "-pk"])


def after_deep_row(ctx: BenchContext) -> list[RawQuery]:
    """Page 2000 by its keys: the rows after the last one of page 1999, through the (received_on, id) index."""
    received_on, pk = ctx.sample("deep_row", _deep_row)
    return page_of(ctx, "(c.received_on, c.id) < (%(received)s, %(id)s)", received=received_on, id=pk)[:1] + [
        (f"SELECT count(*) FROM (SELECT 1 FROM claims_claim c WHERE {claims_visible(ctx)} LIMIT {COUNT_LIMIT + 1}) n",
         _p(ctx))
    ]  # fmt: skip


def _p(ctx: BenchContext, **extra: object) -> dict:
    return {"uid": ctx.uid, **extra}


def _sample(name, compute):
    return lambda ctx: ctx.sample(name, compute)


newest_claim = _sample("claim", _newest_claim)
a_document = _sample("document", _a_document)
a_partner = _sample("partner", _a_partner)
A_PRODUCT = "PRD-00042"
A_RESPONSIBLE = "bench_person001"


# The baselines


def filter_choices(ctx: BenchContext) -> list[RawQuery]:
    """The list's drop-downs: the categories of the kinds this role sees, the people who may be responsible."""
    kinds = {
        "admin": "('customer', 'supplier', 'internal')",
        "aftersales": "('customer', 'internal')",
        "sales": "('customer', 'internal')",
        "purchasing": "('supplier', 'internal')",
        "quality": "('supplier', 'internal')",
    }[ctx.role]
    return [
        (f"SELECT id, name FROM claims_category WHERE kind IN {kinds} ORDER BY kind, name", {}),
        ("SELECT id, username, first_name, last_name FROM accounts_user WHERE is_active ORDER BY first_name, username", {}),
    ]  # fmt: skip


def saved_filters(ctx: BenchContext) -> RawQuery:
    """The list's menu of saved filters: the reader's own and the shared ones (trato/core/saved_filters.py)."""
    return (
        "SELECT f.*, u.username, u.first_name, u.last_name FROM core_savedfilter f JOIN accounts_user u ON u.id = f.owner_id "
        "WHERE f.list_key = 'claims' AND (f.owner_id = %(uid)s OR f.shared) ORDER BY f.name, f.id LIMIT 100",
        _p(ctx),
    )


def page_of(ctx: BenchContext, where: str = "TRUE", order: str = NEWEST, offset: int = 0, **params) -> list[RawQuery]:
    """One page of rows with what a row shows, and the count of all matching rows."""
    condition = f"{claims_visible(ctx)} AND {where}"
    return [
        (f"SELECT {ROW_COLUMNS} FROM {ROW_JOINS} WHERE {condition} ORDER BY {order} LIMIT {PAGE_SIZE} OFFSET {offset}",
         _p(ctx, **params)),
        (f"SELECT count(*) FROM (SELECT 1 FROM claims_claim c WHERE {condition} LIMIT {COUNT_LIMIT + 1}) counted",
         _p(ctx, **params)),
    ]  # fmt: skip


def list_page(where: str = "TRUE", order: str = NEWEST, offset: int = 0, **params):
    def raw(ctx: BenchContext) -> list[RawQuery]:
        values = {name: value(ctx) if callable(value) else value for name, value in params.items()}
        return page_of(ctx, where, order, offset, **values) + [saved_filters(ctx)] + filter_choices(ctx)

    return raw


GROUP_NAMES = {  # what names a group of each column, joined to the few groups shown
    "c.state": ("", ""),
    "c.responsible_id": (", u.username, u.first_name, u.last_name", "LEFT JOIN accounts_user u ON u.id = g.k"),
    "c.partner_id": (", p.name", "LEFT JOIN partners_partner p ON p.id = g.k"),
}


def grouped(column: str, where: str = "TRUE"):
    """The list grouped by ``column``: the first 25 groups by size, with the total and the number of groups (window
    sums over the groups), and their names."""

    def raw(ctx: BenchContext) -> list[RawQuery]:
        names, join = GROUP_NAMES[column]
        groups = (
            f"SELECT {column} AS k, count(*) AS n, sum(count(*)) OVER () AS total, count(*) OVER () AS n_groups "
            f"FROM claims_claim c WHERE {claims_visible(ctx)} AND {where} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 25"
        )
        return [
            (f"WITH g AS ({groups}) SELECT g.*{names} FROM g {join}", _p(ctx)),
            saved_filters(ctx),
        ] + filter_choices(ctx)

    return raw


BOARD_ORDER = {
    "draft": "c.deadline ASC NULLS LAST, c.received_on DESC, c.id DESC",
    "open": "c.deadline ASC NULLS LAST, c.received_on DESC, c.id DESC",
    "closed": NEWEST,
    "cancelled": NEWEST,
}


def board(ctx: BenchContext) -> list[RawQuery]:
    """Per column: its bounded count and its first 50 cards."""
    visible = claims_visible(ctx)
    statements = []
    for state, order in BOARD_ORDER.items():
        condition = f"{visible} AND c.state = '{state}'"
        statements += [
            (f"SELECT count(*) FROM (SELECT 1 FROM claims_claim c WHERE {condition} LIMIT {COUNT_LIMIT + 1}) n",
             _p(ctx)),
            (f"SELECT {ROW_COLUMNS} FROM {ROW_JOINS} WHERE {condition} ORDER BY {order} LIMIT 50", _p(ctx)),
        ]  # fmt: skip
    return statements + filter_choices(ctx)


def claim_page(ctx: BenchContext) -> list[RawQuery]:
    params = _p(ctx, claim=newest_claim(ctx))
    return [
        (f"""SELECT c.*, p.name, ct.first_name, u.username, t.name, cat.name FROM claims_claim c
             LEFT JOIN partners_partner p ON p.id = c.partner_id LEFT JOIN partners_contact ct ON ct.id = c.contact_id
             LEFT JOIN accounts_user u ON u.id = c.responsible_id LEFT JOIN accounts_salesteam t ON t.id = c.team_id
             LEFT JOIN claims_category cat ON cat.id = c.category_id WHERE c.id = %(claim)s AND {claims_visible(ctx)}""",
         params),
        ("SELECT u.id, u.username FROM accounts_user u JOIN claims_claim_assignees a ON a.user_id = u.id "
         "WHERE a.claim_id = %(claim)s", params),
        ("SELECT d.*, l.* FROM claims_origindocument d LEFT JOIN claims_originline l ON l.document_id = d.id "
         "WHERE d.claim_id = %(claim)s ORDER BY d.id, l.id", params),
        ("SELECT * FROM claims_cause WHERE claim_id = %(claim)s ORDER BY id", params),
        ("SELECT a.*, u.username FROM claims_action a LEFT JOIN accounts_user u ON u.id = a.owner_id "
         "WHERE a.claim_id = %(claim)s ORDER BY a.id", params),
        ("SELECT * FROM claims_repair WHERE claim_id = %(claim)s ORDER BY id", params),
        ("SELECT e.*, u.username FROM timeline_entry e LEFT JOIN accounts_user u ON u.id = e.author_id "
         "WHERE e.record_type = 'claims.claim' AND e.record_id = %(claim)s ORDER BY e.occurred_at DESC, e.id DESC "
         "LIMIT 21", params),
    ]  # fmt: skip


EXPORT_SQL = f"""
    SELECT c.number, c.kind, c.state, c.subject, p.name, u.username, cat.name, c.priority, c.channel, c.received_on,
           c.deadline, ({OPEN_STATES} AND c.deadline < current_date) AS overdue,
           (SELECT string_agg(d.doc_type || ' ' || d.number, ', ' ORDER BY d.id) FROM claims_origindocument d
             WHERE d.claim_id = c.id) AS documents,
           c.resolution, c.resolution_cost, c.closed_at
      FROM {ROW_JOINS} WHERE {{visible}} ORDER BY {NEWEST}"""


def export(ctx: BenchContext) -> RawQuery:
    return EXPORT_SQL.format(visible=claims_visible(ctx)), _p(ctx)


def _list(key: str, where: str = "TRUE", order: str = NEWEST, offset: int = 0, query=None, **params) -> Operation:
    return Operation(f"claims.list{key}", "list", _url("/claims/", **(query or {})),
                     list_page(where, order, offset, **params))  # fmt: skip


register(
    _list(""),
    _list(".sort.partner", order="p.name ASC, c.id ASC", query={"sort": "partner"}),
    _list(".sort.deadline", order="c.deadline DESC NULLS FIRST, c.id DESC", query={"sort": "-deadline"}),
    _list(".filter.open", "c.state = 'open'", query={"state": "open"}),
    _list(".filter.overdue", f"{OPEN_STATES} AND c.deadline < current_date", query={"overdue": "1"}),
    _list(".filter.responsible", "c.responsible_id = (SELECT id FROM accounts_user WHERE username = %(who)s)", query={"responsible": A_RESPONSIBLE}, who=A_RESPONSIBLE),
    _list(".filter.partner", "c.partner_id = %(partner)s", query={"partner": a_partner}, partner=a_partner),
    _list(
        ".filter.document",
        "c.id IN (SELECT d.claim_id FROM claims_origindocument d WHERE upper(d.number) LIKE %(doc)s || '%%')",
        query={"document": a_document},
        doc=a_document,
    ),
    _list(
        ".filter.product",
        "c.id IN (SELECT d.claim_id FROM claims_originline l JOIN claims_origindocument d ON d.id = l.document_id "
        "WHERE upper(l.product_code) LIKE %(product)s || '%%')",
        query={"product": A_PRODUCT},
        product=A_PRODUCT,
    ),
    _list(".page.last", offset=COUNT_LIMIT - PAGE_SIZE, query={"page": COUNT_LIMIT // PAGE_SIZE}),  # the deepest
    Operation("claims.list.htmx", "list", _url("/claims/", state="open"),
              lambda ctx: page_of(ctx, "c.state = 'open'") + [saved_filters(ctx)], headers={"HX-Request": "true"}),
    # Grouped: every claim the role sees counted per state (for an administrator, every claim: tests/bench/ knows it
    # reads the whole table); the open work per responsible and per partner.
    Operation("claims.list.group.state", "list", _url("/claims/", group="state"), grouped("c.state")),
    Operation("claims.list.group.responsible", "list", _url("/claims/", group="responsible", state="open"),
              grouped("c.responsible_id", "c.state = 'open'")),
    Operation("claims.list.group.partner", "list", _url("/claims/", group="partner", state="open"),
              grouped("c.partner_id", "c.state = 'open'")),
    Operation("claims.board", "board", _url("/claims/board/"), board),
    Operation("claims.page", "record", lambda ctx: f"/claims/{newest_claim(ctx)}/", claim_page),
    Operation("claims.export.csv", "export", _url("/claims/export/", format="csv"), export, copy=True, repeat=5),
    Operation("claims.api.list", "api", _url("/api/v1/claims"), lambda ctx: page_of(ctx)),
    Operation("claims.api.open", "api", _url("/api/v1/claims", state="open"), lambda ctx: page_of(ctx, "c.state = 'open'")),
    Operation("claims.api.page.2000", "api", _url("/api/v1/claims", page=2000),
              lambda ctx: page_of(ctx, offset=(2000 - 1) * PAGE_SIZE)),
    Operation("claims.api.cursor.2000", "api", lambda ctx: "/api/v1/claims?" + urlencode({"cursor": deep_cursor(ctx)}),
              after_deep_row),
    Operation("claims.api.claim", "api", lambda ctx: f"/api/v1/claims/{newest_claim(ctx)}", claim_page),
    # The claim form's partner picker (trato/claims/pickers.py), narrowed to the partners a kind of claim is about.
    Operation("claims.picker.customer", "picker", _url("/pick/claims.partner/", q="talleres", kind="customer"),
              lambda ctx: picked(ctx, "(p.is_customer OR p.is_prospect) AND upper(p.name) LIKE %(a)s", a="%TALLERES%"),
              roles=("admin", "aftersales")),
    Operation("claims.picker.supplier", "picker", _url("/pick/claims.partner/", q="talleres", kind="supplier"),
              lambda ctx: picked(ctx, "p.is_supplier AND upper(p.name) LIKE %(a)s", a="%TALLERES%"),
              roles=("admin", "purchasing", "quality")),
)  # fmt: skip
