"""Every search reads its tables through an index (PostgreSQL): each provider of the global search, and the claim
and partner lists' q, document and product filters.

With ``enable_seqscan = off`` the planner takes a sequential scan only where no index can serve the condition; and an
index walked from end to end with the condition as a filter (no Index Cond) is the same full read in disguise. The
data set is a few thousand rows, analysed, so the planner sees tables where indexes matter; every query typed here
finds a handful of rows, as a number, a code, a phone number or a rare word does on a real data set.
"""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from trato.claims.models import Claim, Kind, OriginDocument, OriginLine, Repair
from trato.claims.selectors import filter_claims
from trato.core.search import providers
from trato.partners.models import Contact, Partner
from trato.partners.selectors import filter_partners
from trato.partners.services import normalise_contact, normalise_partner

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans and trigram indexes are PostgreSQL's"),
]

SEARCHED = {"claims_claim", "claims_origindocument", "claims_originline", "claims_repair", "partners_partner",
            "partners_contact"}  # fmt: skip
SIZE = 3000  # claims, and as many partners, each with CONTACTS_EACH contacts
CONTACTS_EACH = 3
SUBJECTS = ["Rodamientos con holgura", "Embalaje dañado", "Retraso en la entrega", "Piezas con rebabas"]
QUERIES = [
    "RC-2025-01234",  # a claim number
    "rc-2025-1234",  # typed loosely
    "ALB-25-0001234",  # a document number
    "alb-25-000123",  # its beginning
    "PRD-01234",  # a product code
    "L1234",  # a lot
    "MOT-0123",  # a repair's product code
    "C0001234",  # a partner's ERP code
    "B10001234",  # a tax id
    "+34 600 001 234",  # a phone number
    "600001234",  # a phone number, or a code
    "Zaragozana",  # a rare word: a partner's name
    "oxidación",  # a rare word: a claim's subject
    "Montserrat",  # a rare word: a contact's name
    "zaragozana oxidación",  # two words
]


def _partners() -> list[Partner]:
    partners = []
    for n in range(SIZE):
        name = "Zaragozana de Tubos" if n == 1234 else f"Talleres del Norte {n} S.L."
        partner = Partner(name=name, ref=f"C{n:07d}", tax_id=f"B1{n:07d}", is_customer=n % 3 != 0,
                          is_supplier=n % 3 == 0, phone=f"976{n:06d}",
                          city="Zaragoza" if n % 7 else "Huesca")  # fmt: skip
        normalise_partner(partner)
        partners.append(partner)
    partners = Partner.objects.bulk_create(partners)
    contacts = []
    for n in range(CONTACTS_EACH * len(partners)):
        first_name = "Montserrat" if n == 1234 else "Luis"
        contact = Contact(partner=partners[n % len(partners)], first_name=first_name, last_name="García",
                          email=f"c{n}@example.com", mobile=f"600{n:06d}")  # fmt: skip
        normalise_contact(contact)
        contacts.append(contact)
    Contact.objects.bulk_create(contacts)
    return partners


@pytest.fixture
def data_set(db):
    partners = _partners()
    claims = []
    for n in range(SIZE):
        kind = Kind.SUPPLIER if n % 3 == 0 else Kind.CUSTOMER
        subject = "Chapa con oxidación" if n == 1234 else SUBJECTS[n % len(SUBJECTS)]
        claims.append(Claim(number=f"{'RP' if kind == Kind.SUPPLIER else 'RC'}-2025-{n:05d}", kind=kind,
                            subject=subject, partner=partners[n % len(partners)],
                            received_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=n % 365),
                            external_ref=f"ERP-{n}" if n % 2 else None))  # fmt: skip
    claims = Claim.objects.bulk_create(claims)
    documents = OriginDocument.objects.bulk_create(
        OriginDocument(claim=claim, doc_type="delivery", number=f"ALB-25-{n:07d}") for n, claim in enumerate(claims)
    )
    OriginLine.objects.bulk_create(
        OriginLine(document=document, product_code=f"PRD-{n:05d}", lot=f"L{n}") for n, document in enumerate(documents)
    )
    Repair.objects.bulk_create(
        Repair(claim=claim, reference=f"REP-{n}", product_code=f"MOT-{n:04d}") for n, claim in enumerate(claims[:500])
    )
    with connection.cursor() as cursor:
        # Rows just inserted wait in a GIN index's pending list, which every scan reads whole (and the planner
        # prices so): merge them as autovacuum would, then gather the statistics the planner reads.
        cursor.execute("SELECT gin_clean_pending_list(indexrelid) FROM pg_index JOIN pg_class c ON c.oid = indexrelid "
                       "JOIN pg_am am ON am.oid = c.relam WHERE am.amname = 'gin'")  # fmt: skip
        cursor.execute("ANALYZE")


def _full_reads(plan: dict) -> list[str]:
    """The scans of ``plan`` that read a searched table whole: a sequential scan, or an index walked without a
    condition on it (its condition only filters)."""
    found = []
    relation = plan.get("Relation Name")
    kind = plan["Node Type"]
    if relation in SEARCHED and (
        kind == "Seq Scan" or (kind in ("Index Scan", "Index Only Scan") and "Index Cond" not in plan)
    ):
        found.append(f"{kind} on {relation} ({plan.get('Index Name', '')}, filter: {plan.get('Filter', '')})")
    for child in plan.get("Plans", []):
        found += _full_reads(child)
    return found


def _assert_every_read_is_indexed(run) -> int:
    """Run ``run``, then explain each query it made that reads a searched table: no full read anywhere."""
    with CaptureQueriesContext(connection) as captured:
        run()
    explained = 0
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # inside the test's transaction
        for query in captured.captured_queries:
            if not any(f'"{table}"' in query["sql"] for table in SEARCHED):
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + query["sql"])
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            full_reads = _full_reads(plan[0]["Plan"])
            if full_reads:
                cursor.execute("EXPLAIN " + query["sql"])
                text = "\n".join(row[0] for row in cursor.fetchall())
                pytest.fail(f"{full_reads}\n{query['sql']}\n{text}")
            explained += 1
    return explained


@pytest.mark.parametrize("persona", ["administrator", "after_sales_user", "purchasing_user"], indirect=True)
def test_every_provider_reads_through_indexes(data_set, persona):
    for query in QUERIES:
        explained = _assert_every_read_is_indexed(lambda: _search(persona, query))  # noqa: B023 (run at once)
        assert explained >= 2, query  # claims and partners (and contacts), whatever the query


LIST_SEARCHES = [
    ("", {"document": "ALB-25-0001234"}),
    ("", {"document": "alb-25-000123"}),
    ("", {"product": "prd-01234"}),
    ("", {"product": "PRD-0123", "document": "ALB-25-000123"}),
    ("RC-2025-01234", {}),
    ("ALB-25-0001234", {}),
    ("oxidación", {}),
    ("zaragozana oxidación", {"product": "PRD-01234"}),
]


@pytest.mark.parametrize("persona", ["administrator", "after_sales_user"], indirect=True)
def test_the_claim_list_searches_and_filters_through_indexes(data_set, persona):
    for q, filters in LIST_SEARCHES:
        claims = filter_claims(Claim.objects.visible_to(persona), q=q, filters=filters)
        # the page and its count
        explained = _assert_every_read_is_indexed(lambda: (list(claims[:25]), claims.count()))  # noqa: B023
        assert explained == 2, (q, filters)


def test_the_partner_list_searches_through_indexes(data_set, sales_manager):
    for q in ["C0001234", "B10001234", "+34 976 001 234", "zaragozana", "montserrat", "zaragozana huesca"]:
        partners = filter_partners(Partner.objects.visible_to(sales_manager), q=q).order_by("name", "pk")
        explained = _assert_every_read_is_indexed(lambda: (list(partners[:25]), partners.count()))  # noqa: B023
        assert explained == 2, q


def test_the_plans_are_checked_against_the_data_they_should_find(data_set, administrator):
    """The queries above find what they name (else a plan over nothing would prove little)."""
    titles = {query: [hit.title for _p, hits in _search(administrator, query) for hit in hits] for query in QUERIES}
    assert titles["RC-2025-01234"] == titles["rc-2025-1234"] == ["RC-2025-01234 Chapa con oxidación"]
    assert titles["ALB-25-0001234"] == titles["PRD-01234"] == titles["L1234"] == ["RC-2025-01234 Chapa con oxidación"]
    assert len(titles["alb-25-000123"]) == 10
    assert titles["MOT-0123"] == ["RP-2025-00123 Piezas con rebabas"]
    assert titles["C0001234"] == titles["B10001234"] == ["Zaragozana de Tubos"]
    assert titles["+34 600 001 234"] == ["Montserrat García"]
    assert titles["Zaragozana"] == ["Zaragozana de Tubos", "RC-2025-01234 Chapa con oxidación"]
    assert titles["zaragozana oxidación"] == ["RC-2025-01234 Chapa con oxidación"]


def _search(user, query):
    return [(provider, provider.search(user, query, 10)) for provider in providers()]
