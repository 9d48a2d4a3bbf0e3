"""The bench in small, in the suite: on a data set of a few thousand rows (PostgreSQL), every operation `make bench`
times answers, its raw SQL baseline sees exactly what Trato lets each role see, and no list, board, search, record
page or API page reads most of a large table: the query shape that made pages slow at 200,000 claims (a filter
drop-down scanning the claims, a search matching substrings on a code column) fails here first."""

import json

import pytest
from django.db import connection
from django.test import Client

from trato.bench import dataset, registry
from trato.bench.context import BenchContext
from trato.bench.runner import run_raw, sql_timer
from trato.bench.sql import claims_visible, partners_visible
from trato.claims.models import Claim
from trato.partners.models import Partner

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench's data set and plans are PostgreSQL's"),
]

LARGE_TABLES = {
    "claims_claim",
    "claims_origindocument",
    "claims_originline",
    "partners_partner",
    "partners_contact",
    "timeline_entry",
}
SHAPED_KINDS = {"list", "board", "api", "record", "search"}  # reports and exports read whole periods by design
# Operations known to read a whole table, with the reason (each would be a line in the closing note).
KNOWN_WHOLE_READS: dict[str, str] = {
    "claims.list.group.state": "the list grouped by state, unfiltered, counts every claim the role sees; for an "
    "administrator that is every claim (one GROUP BY on the state index; the other groupings are timed filtered)",
}


@pytest.fixture
def bench_users():
    users = dataset.build(dataset.Sizes.small(), vacuum=False)
    return {role: users[f"bench_{role}"] for role in registry.ROLES}


# Nodes that read all of their input before giving a row: a LIMIT above them does not stop the scan below.
BLOCKING = {"Sort", "Hash", "Aggregate", "Materialize", "SetOp", "Unique", "WindowAgg", "Gather Merge"}
SCANS = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Index Scan"}


def _whole_scans(plan: dict, sizes: dict[str, int], limited: bool = False) -> list[str]:
    """The large tables this plan reads whole: a sequential scan; an index walked end to end (no condition on the
    index); or, with no LIMIT above to stop it, index lookups that together return most of the table (a join
    that visits every claim, one responsible at a time)."""
    kind = plan["Node Type"]
    table = plan.get("Relation Name") or _table_of_index(plan)
    found = []
    if kind in SCANS and table in LARGE_TABLES:
        read = (plan.get("Actual Rows", 0) + plan.get("Rows Removed by Filter", 0)) * plan.get("Actual Loops", 1)
        if kind == "Seq Scan" or ("Index Cond" not in plan and not limited):
            found.append(f"{kind} on {table}")
        elif not limited and kind != "Bitmap Index Scan" and read > sizes[table] / 2:
            # (a bitmap of a role's kinds of claims may well cover most of them: that is the role's data, not a scan)
            found.append(f"{kind} on {table} returning {read} of its {sizes[table]} rows")
    if kind == "Limit":
        limited = True
    elif kind in BLOCKING:
        limited = False
    for child in plan.get("Plans", []):
        found += _whole_scans(child, sizes, limited)
    return found


def _table_of_index(plan: dict) -> str:
    index = plan.get("Index Name", "")
    return next((table for table in LARGE_TABLES if index.startswith(table)), "")


def _whole_reads(statements: list[tuple[str, object]], sizes: dict[str, int]) -> list[str]:
    """The statements that read a large table whole, with the table."""
    found = []
    with connection.cursor() as cursor:
        # A few thousand rows are cheap to read whole, so the planner would; make it show the indexes it would use
        # at scale: no sequential scans, and joins as nested loops through indexes where they exist.
        for setting in ("enable_seqscan", "enable_mergejoin", "enable_hashjoin"):
            cursor.execute(f"SET LOCAL {setting} = off")
        for sql, params in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            found += [f"{scan}: {sql[:200]}" for scan in _whole_scans(plan[0]["Plan"], sizes)]
        for setting in ("enable_seqscan", "enable_mergejoin", "enable_hashjoin"):
            cursor.execute(f"SET LOCAL {setting} = on")
    return found


def _table_sizes() -> dict[str, int]:
    sizes = {}
    with connection.cursor() as cursor:
        for table in LARGE_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            sizes[table] = cursor.fetchone()[0]
    return sizes


def _captured(client: Client, url: str, headers: dict) -> tuple[int, list[tuple[str, object]]]:
    statements: list[tuple[str, object]] = []

    def keep(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        response = client.get(url, headers=headers)
        if response.streaming:
            b"".join(response.streaming_content)
    return response.status_code, statements


def test_the_raw_baselines_see_exactly_what_each_role_sees(bench_users):
    for role, user in bench_users.items():
        ctx = BenchContext(role=role, user=user)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT c.id FROM claims_claim c WHERE {claims_visible(ctx)}", {"uid": user.pk})
            raw_claims = {row[0] for row in cursor.fetchall()}
            cursor.execute(f"SELECT p.id FROM partners_partner p WHERE {partners_visible(ctx)}", {"uid": user.pk})
            raw_partners = {row[0] for row in cursor.fetchall()}
        assert raw_claims == set(Claim.objects.visible_to(user).values_list("pk", flat=True)), role
        assert raw_partners == set(Partner.objects.visible_to(user).values_list("pk", flat=True)), role
        assert raw_claims and raw_partners, f"{role} sees nothing in the data set: the comparison would prove nothing"


def test_every_operation_answers_and_no_page_reads_most_of_a_large_table(bench_users):
    sizes = _table_sizes()
    failures = []
    for operation in registry.operations():
        for role in operation.roles:
            ctx = BenchContext(role=role, user=bench_users[role])
            client = Client()
            client.force_login(ctx.user)
            status, statements = _captured(client, operation.url(ctx), operation.headers)
            if status != 200:
                failures.append(f"{operation.key} as {role}: HTTP {status}")
                continue
            raw = operation.raw(ctx)
            with sql_timer():
                run_raw(raw if isinstance(raw, list) else [raw], copy=operation.copy)
            if operation.kind in SHAPED_KINDS and operation.key not in KNOWN_WHOLE_READS:
                failures += [f"{operation.key} as {role} reads {found}" for found in _whole_reads(statements, sizes)]
    assert failures == [], "\n".join(failures)


def test_the_shape_check_catches_a_drop_down_that_scans_the_claims(bench_users):
    """The check above can fail: the old responsible drop-down (people responsible for some visible claim) is caught."""
    from trato.accounts.models import User

    admin = bench_users["admin"]
    query = User.objects.filter(claims_responsible__in=Claim.objects.visible_to(admin)).distinct()
    sql, params = query.query.sql_with_params()
    assert any("claims_claim" in found for found in _whole_reads([(sql, params)], _table_sizes()))
