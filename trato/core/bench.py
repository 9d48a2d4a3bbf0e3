# ruff: noqa: E501  (SQL reads best one clause a line, even a long one)
"""What `make bench` times for the global search (/search/): each shape of query against the raw SQL that finds the
same records through the same kind of index (trato/bench/)."""

from collections.abc import Callable
from urllib.parse import urlencode

from trato.bench.context import BenchContext, scalar
from trato.bench.registry import Operation, RawQuery, register
from trato.bench.sql import claims_visible, partners_visible

LIMIT = 10  # hits per provider


def _claim_number(ctx: BenchContext) -> str:
    sql = f"SELECT c.number FROM claims_claim c WHERE {claims_visible(ctx)} ORDER BY md5(c.id::text) LIMIT 1"
    return str(ctx.sample("search.number", lambda ctx: scalar(sql, {"uid": ctx.uid})))


def _document(ctx: BenchContext) -> str:
    sql = f"""SELECT d.number FROM claims_origindocument d JOIN claims_claim c ON c.id = d.claim_id
              WHERE {claims_visible(ctx)} ORDER BY md5(d.id::text) LIMIT 1"""
    return str(ctx.sample("search.document", lambda ctx: scalar(sql, {"uid": ctx.uid})))


def _phone(ctx: BenchContext) -> str:
    sql = f"SELECT p.phone FROM partners_partner p WHERE {partners_visible(ctx)} ORDER BY md5(p.id::text) LIMIT 1"
    return str(ctx.sample("search.phone", lambda ctx: scalar(sql, {"uid": ctx.uid})))


CLAIM_HIT = "SELECT c.id, c.number, c.subject, c.state, p.name FROM claims_claim c LEFT JOIN partners_partner p ON p.id = c.partner_id"


def _claims_where(ctx: BenchContext, condition: str) -> str:
    return f"{CLAIM_HIT} WHERE {claims_visible(ctx)} AND ({condition}) ORDER BY c.received_on DESC, c.id DESC LIMIT {LIMIT}"


def by_number(ctx: BenchContext) -> list[RawQuery]:
    return [(_claims_where(ctx, "c.number = %(q)s"), {"uid": ctx.uid, "q": _claim_number(ctx)})]


def by_document(ctx: BenchContext) -> list[RawQuery]:
    condition = "c.id IN (SELECT d.claim_id FROM claims_origindocument d WHERE upper(d.number) LIKE %(prefix)s)"
    return [(_claims_where(ctx, condition), {"uid": ctx.uid, "prefix": _document(ctx).upper() + "%"})]


def by_product(ctx: BenchContext) -> list[RawQuery]:
    condition = (
        "c.id IN (SELECT d.claim_id FROM claims_originline l JOIN claims_origindocument d ON d.id = l.document_id "
        "WHERE upper(l.product_code) LIKE %(prefix)s)"
    )
    return [(_claims_where(ctx, condition), {"uid": ctx.uid, "prefix": "PRD-00042%"})]


def by_phone(ctx: BenchContext) -> list[RawQuery]:
    e164 = _phone(ctx).replace(" ", "")
    params = {"uid": ctx.uid, "e164": e164}
    return [
        (f"SELECT p.id, p.name, p.ref, p.city FROM partners_partner p WHERE {partners_visible(ctx)} AND NOT p.is_archived "
         "AND (p.phone_e164 = %(e164)s OR p.mobile_e164 = %(e164)s) ORDER BY p.name, p.id LIMIT 20", params),
        (f"SELECT ct.id, ct.first_name, ct.last_name, p.name FROM partners_contact ct JOIN partners_partner p ON p.id = ct.partner_id "
         f"WHERE {partners_visible(ctx)} AND NOT ct.is_archived AND (ct.phone_e164 = %(e164)s OR ct.mobile_e164 = %(e164)s) "
         "ORDER BY ct.last_name, ct.id LIMIT 20", params),
    ]  # fmt: skip


def by_words(ctx: BenchContext) -> list[RawQuery]:
    """Two words, each a fragment of the partner's name: the partners, and the claims of those partners."""
    params = {"uid": ctx.uid, "a": "%TALLERES%", "b": "%NORTE%"}
    return [
        (f"SELECT p.id, p.name, p.ref, p.city FROM partners_partner p WHERE {partners_visible(ctx)} "
         "AND upper(p.name) LIKE %(a)s AND upper(p.name) LIKE %(b)s ORDER BY p.is_archived, p.name, p.id LIMIT 10", params),
        (_claims_where(ctx, "upper(p.name) LIKE %(a)s AND upper(p.name) LIKE %(b)s"), params),
    ]  # fmt: skip


def _search(query: str | Callable[[BenchContext], str]) -> Callable[[BenchContext], str]:
    return lambda ctx: "/search/?" + urlencode({"q": query(ctx) if callable(query) else query})


register(
    Operation("search.claim_number", "search", _search(_claim_number), by_number),
    Operation("search.document", "search", _search(_document), by_document),
    Operation("search.product", "search", _search("PRD-00042"), by_product),
    Operation("search.phone", "search", _search(_phone), by_phone),
    Operation("search.words", "search", _search("talleres norte"), by_words),
)
