"""Raw SQL building blocks for the bench's baselines: what each role may see, written as plain SQL.

These restate the rules of the apps' access.py by hand, as a DBA would write them for a report; the test suite
checks that they return exactly the rows Trato's visible_to returns (tests/bench/), so a baseline never times
different rows from Trato's.
"""

from django.conf import settings

from trato.bench.context import BenchContext

PAGE_SIZE = 25
COUNT_LIMIT = settings.TRATO_COUNT_LIMIT  # pages say "more than" past it, and count no further


def assigned(alias: str = "c") -> str:
    return (
        f"({alias}.responsible_id = %(uid)s OR EXISTS (SELECT 1 FROM claims_claim_assignees a "
        f"WHERE a.claim_id = {alias}.id AND a.user_id = %(uid)s))"
    )


def customers_of(alias: str = "p") -> str:
    """The user's customers and their team's: an array the salesperson index can answer."""
    return (
        f"{alias}.salesperson_id = ANY(ARRAY(SELECT %(uid)s UNION SELECT m.user_id FROM accounts_salesteam_members m "
        f"JOIN accounts_salesteam t ON t.id = m.salesteam_id WHERE t.leader_id = %(uid)s))"
    )


def claims_visible(ctx: BenchContext, alias: str = "c") -> str:
    """The claims this role sees (claims/access.py, by hand)."""
    internal_assigned = f"({alias}.kind = 'internal' AND {assigned(alias)})"
    return {
        "admin": "TRUE",
        "aftersales": f"({alias}.kind = 'customer' OR {internal_assigned})",
        "sales": f"(({alias}.kind = 'customer' AND {alias}.partner_id IN (SELECT p.id FROM partners_partner p "
        f"WHERE {customers_of('p')})) OR {internal_assigned})",
        "purchasing": f"({alias}.kind = 'supplier' OR {internal_assigned})",
        "quality": f"({alias}.kind IN ('supplier', 'internal'))",
    }[ctx.role]


def partners_visible(ctx: BenchContext, alias: str = "p") -> str:
    """The partners this role sees (partners/access.py, by hand)."""
    a = alias
    return {
        "admin": "TRUE",
        "aftersales": f"{a}.is_customer",
        "sales": f"({a}.is_prospect OR {a}.is_customer)",
        "purchasing": f"{a}.is_supplier",
        "quality": f"({a}.is_customer OR {a}.is_supplier)",
    }[ctx.role]
