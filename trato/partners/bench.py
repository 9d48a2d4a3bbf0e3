# ruff: noqa: E501  (SQL reads best one clause a line, even a long one)
"""What `make bench` times for partners: the list (default, a kind, a search, deep), the partner page, the export
and the API, against the raw SQL returning the same rows (trato/bench/)."""

from trato.bench.context import BenchContext, scalar
from trato.bench.registry import Operation, RawQuery, register
from trato.bench.registry import url as _url
from trato.bench.sql import COUNT_LIMIT, PAGE_SIZE, partners_visible

ROW = "SELECT p.id, p.name, p.ref, p.city, p.country, p.phone, p.email, p.is_customer, p.is_supplier, p.is_prospect, s.username, r.username FROM partners_partner p LEFT JOIN accounts_user s ON s.id = p.salesperson_id LEFT JOIN accounts_user r ON r.id = p.purchasing_responsible_id"
BY_NAME = "p.name ASC, p.id ASC"


def _a_partner(ctx: BenchContext) -> int:
    sql = f"SELECT p.id FROM partners_partner p WHERE {partners_visible(ctx)} ORDER BY md5(p.id::text) LIMIT 1"
    return ctx.sample("partner", lambda ctx: scalar(sql, {"uid": ctx.uid}))


def page_of(ctx: BenchContext, where: str = "TRUE", order: str = BY_NAME, offset: int = 0, **params) -> list[RawQuery]:
    condition = f"{partners_visible(ctx)} AND NOT p.is_archived AND {where}"
    values = {"uid": ctx.uid, **params}
    return [
        (f"{ROW} WHERE {condition} ORDER BY {order} LIMIT {PAGE_SIZE} OFFSET {offset}", values),
        (f"SELECT count(*) FROM (SELECT 1 FROM partners_partner p WHERE {condition} LIMIT {COUNT_LIMIT + 1}) n", values),
        ("SELECT t.name FROM partners_tag t ORDER BY t.name", {}),  # the tags (none in the data set) and the tags of the page's partners
        ("SELECT id, username FROM accounts_user WHERE is_active ORDER BY first_name", {}),
    ]  # fmt: skip


def partner_page(ctx: BenchContext) -> list[RawQuery]:
    params = {"uid": ctx.uid, "partner": _a_partner(ctx)}
    return [
        (f"{ROW} WHERE p.id = %(partner)s AND {partners_visible(ctx)}", params),
        ("SELECT * FROM partners_contact WHERE partner_id = %(partner)s ORDER BY is_archived, last_name, first_name, id", params),
        ("SELECT t.name FROM partners_tag t JOIN partners_partner_tags pt ON pt.tag_id = t.id WHERE pt.partner_id = %(partner)s", params),
        ("SELECT e.*, u.username FROM timeline_entry e LEFT JOIN accounts_user u ON u.id = e.author_id "
         "WHERE e.record_type = 'partners.partner' AND e.record_id = %(partner)s ORDER BY e.occurred_at DESC, e.id DESC LIMIT 21", params),
    ]  # fmt: skip


def export(ctx: BenchContext) -> RawQuery:
    sql = f"""SELECT p.ref, p.name, p.is_prospect, p.is_customer, p.is_supplier, p.tax_id, p.email, p.phone, p.mobile, p.street,
                     p.postal_code, p.city, p.state, p.country, s.username, r.username, p.is_archived,
                     (SELECT string_agg(t.name, ', ') FROM partners_tag t JOIN partners_partner_tags pt ON pt.tag_id = t.id WHERE pt.partner_id = p.id)
                FROM partners_partner p LEFT JOIN accounts_user s ON s.id = p.salesperson_id LEFT JOIN accounts_user r ON r.id = p.purchasing_responsible_id
               WHERE {partners_visible(ctx)} AND NOT p.is_archived ORDER BY {BY_NAME}"""
    return sql, {"uid": ctx.uid}


def timeline_api(ctx: BenchContext) -> list[RawQuery]:
    params = {"uid": ctx.uid, "partner": _a_partner(ctx)}
    return [
        (f"SELECT 1 FROM partners_partner p WHERE p.id = %(partner)s AND {partners_visible(ctx)}", params),
        ("SELECT count(*) FROM timeline_entry e WHERE e.record_type = 'partners.partner' AND e.record_id = %(partner)s", params),
        ("SELECT e.*, u.username FROM timeline_entry e LEFT JOIN accounts_user u ON u.id = e.author_id "
         "WHERE e.record_type = 'partners.partner' AND e.record_id = %(partner)s ORDER BY e.occurred_at DESC, e.id DESC LIMIT 25", params),
    ]  # fmt: skip


PICKED = "SELECT p.id, p.name, p.ref, p.city, p.tax_id FROM partners_partner p"


def _a_ref(ctx: BenchContext) -> str:
    """The first five characters of a visible partner's ERP code: what a user types to pick it by code."""
    sql = f"SELECT left(p.ref, 5) FROM partners_partner p WHERE {partners_visible(ctx)} AND p.ref <> '' ORDER BY md5(p.id::text) LIMIT 1"
    return str(ctx.sample("picker.ref", lambda ctx: scalar(sql, {"uid": ctx.uid})))


def picked(ctx: BenchContext, condition: str, **params) -> RawQuery:
    """The first 20 active partners the role sees that meet ``condition``, by name: what a picker offers."""
    where = f"{partners_visible(ctx)} AND NOT p.is_archived AND {condition}"
    return f"{PICKED} WHERE {where} ORDER BY lower(p.name), p.id LIMIT 20", {"uid": ctx.uid, **params}


register(
    Operation("partners.list", "list", _url("/partners/"), lambda ctx: page_of(ctx)),
    Operation("partners.list.suppliers", "list", _url("/partners/", kind="supplier"), lambda ctx: page_of(ctx, "p.is_supplier")),
    Operation("partners.list.sort.city", "list", _url("/partners/", sort="city"), lambda ctx: page_of(ctx, order="p.city ASC, p.id ASC")),
    Operation("partners.list.page.last", "list", _url("/partners/", page=COUNT_LIMIT // PAGE_SIZE),
              lambda ctx: page_of(ctx, offset=COUNT_LIMIT - PAGE_SIZE)),
    Operation("partners.page", "record", lambda ctx: f"/partners/{_a_partner(ctx)}/", partner_page),
    Operation("partners.export.csv", "export", _url("/partners/export/", format="csv"), export, copy=True, repeat=5),
    Operation("partners.api.list", "api", _url("/api/v1/partners"), lambda ctx: page_of(ctx)[:2]),
    # The partner picker (trato/partners/pickers.py): a common word of names, and the beginning of an ERP code.
    Operation("partners.picker.word", "picker", _url("/pick/partners.partner/", q="talleres"),
              lambda ctx: picked(ctx, "upper(p.name) LIKE %(a)s", a="%TALLERES%")),
    Operation("partners.picker.ref", "picker", _url("/pick/partners.partner/", q=_a_ref),
              lambda ctx: picked(ctx, "upper(p.ref) LIKE upper(%(ref)s)", ref=_a_ref(ctx) + "%")),
    Operation("timeline.api.entries", "api", lambda ctx: f"/api/v1/timeline/partners.partner/{_a_partner(ctx)}/entries", timeline_api),
)  # fmt: skip
