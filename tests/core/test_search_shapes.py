"""The search recognises what was typed: a claim number, a code, a phone number, words; and never shows what the
user may not see. On SQLite and PostgreSQL (tests/core/test_search_plans.py checks the plans on PostgreSQL)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.claims.support import make_partner
from tests.partners.factories import ContactFactory, PartnerFactory
from trato.claims.models import Claim, Kind, OriginDocument, OriginLine, Repair
from trato.claims.search import claim_provider, search_claims
from trato.core.search import MAX_WAYS, SearchQuery, parse_query, providers, search_all
from trato.partners.search import contact_provider, partner_provider

pytestmark = pytest.mark.django_db


def claim(number: str, kind: str = Kind.CUSTOMER, **fields) -> Claim:
    fields.setdefault("partner", make_partner(kind))
    return Claim.objects.create(number=number, kind=kind, subject=fields.pop("subject", "Sin asunto"), **fields)


def with_document(claim: Claim, number: str, *, product: str = "", lot: str = "") -> Claim:
    document = OriginDocument.objects.create(claim=claim, doc_type="delivery", number=number)
    if product or lot:
        OriginLine.objects.create(document=document, product_code=product, lot=lot)
    return claim


def found(provider, user, query: str) -> list[str]:
    return [hit.title for hit in provider.search(user, query, 10)]


def numbers(user, query: str) -> set[str]:
    return {title.split()[0] for title in found(claim_provider, user, query)}


# Reading the query


def test_a_query_is_read_as_words_or_as_a_phone_number():
    assert parse_query("  Talleres   Pérez ") == SearchQuery(words=("Talleres", "Pérez"))
    assert parse_query("+34 600 11 22 33") == SearchQuery(words=(), phone="+34 600 11 22 33")
    assert parse_query("(0034) 600-11-22-33") == SearchQuery(words=(), phone="(0034) 600-11-22-33")
    # One word of digits may be a phone number or a code (an order number): it is looked up as both.
    assert parse_query("4500012345") == SearchQuery(words=("4500012345",), phone="4500012345")
    assert parse_query("12345") == SearchQuery(words=("12345",))  # too few digits for a phone number


def test_words_too_short_to_look_up_are_left_out_and_a_query_of_only_those_finds_nothing(administrator):
    claim("RC-2026-00001", subject="Tubo a presión")
    assert parse_query("a tubo") == SearchQuery(words=("tubo",))
    assert numbers(administrator, "a tubo") == {"RC-2026-00001"}
    assert not parse_query("a")
    assert numbers(administrator, "a b") == set()


# Claim numbers


def test_a_claim_number_is_found_however_it_is_typed(administrator):
    claim("RC-2026-00042")
    claim("RC-2026-10042")  # ends like it: a substring match would find it too
    claim("RC-2025-00042")
    claim("RP-2026-00042", Kind.SUPPLIER)
    assert numbers(administrator, "RC-2026-00042") == {"RC-2026-00042"}
    assert numbers(administrator, "rc-2026-42") == {"RC-2026-00042"}
    assert numbers(administrator, "2026-00042") == {"RC-2026-00042", "RP-2026-00042"}  # the number of each kind
    assert numbers(administrator, "2026-42") == {"RC-2026-00042", "RP-2026-00042"}


def test_a_number_without_a_claim_prefix_may_also_be_a_document(administrator):
    claim("RC-2026-00042")
    invoice = with_document(claim("RC-2026-00001"), "FV-2026-00042")
    order = with_document(claim("RC-2026-00002"), "2026-00042-B")
    assert numbers(administrator, "FV-2026-00042") == {invoice.number}
    assert numbers(administrator, "2026-00042") == {"RC-2026-00042", order.number}


def test_a_claim_number_being_typed_finds_the_numbers_that_begin_so(administrator):
    for sequence in (40, 41, 49, 50, 4):
        claim(f"RC-2026-{sequence:05d}")
    assert numbers(administrator, "RC-2026-0004") == {"RC-2026-00004", "RC-2026-00040", "RC-2026-00041",
                                                      "RC-2026-00049"}  # fmt: skip
    assert numbers(administrator, "rc-2026") == {"RC-2026-00004", "RC-2026-00040", "RC-2026-00041",
                                                 "RC-2026-00049", "RC-2026-00050"}  # fmt: skip


# Codes: equality or prefix, never a fragment


def test_document_numbers_product_codes_lots_and_repairs_are_found_by_their_beginning(administrator):
    delivery = with_document(claim("RC-2026-00001"), "ALB-24-1033", product="PRD-4471", lot="L2024-77")
    order = with_document(claim("RC-2026-00002"), "4500012345")
    repaired = claim("RC-2026-00003")
    Repair.objects.create(claim=repaired, reference="REP-1", product_code="MOT-220V")
    erp = claim("RC-2026-00004", external_ref="ERP-77130")
    claim("RC-2026-00005", subject="Nada que ver")
    for query, wanted in [
        ("ALB-24-1033", delivery), ("alb-24", delivery), ("PRD-4471", delivery), ("prd-44", delivery),
        ("L2024-77", delivery), ("4500012345", order), ("45000123", order), ("mot-220", repaired),
        ("erp-7713", erp),
    ]:  # fmt: skip
        assert numbers(administrator, query) == {wanted.number}, query
    for fragment in ("24-1033", "4471", "0012345", "220V", "77130"):  # the middle or the end of a code
        assert numbers(administrator, fragment) == set(), fragment


def test_the_list_filters_documents_and_products_by_their_beginning_case_ignored(administrator, client_for):
    wanted = with_document(claim("RC-2026-00001"), "ALB-24-1033", product="PRD-4471")
    with_document(claim("RC-2026-00002"), "FAC-24-1033", product="XPRD-4471")
    client = client_for(administrator)

    def listed(**query) -> set[str]:
        return {c.number for c in client.get(reverse("claims:list"), query).context["page"].object_list}

    assert listed(document="alb-24") == {wanted.number}
    assert listed(product="prd-4471") == {wanted.number}
    assert listed(document="24-1033") == set()
    assert listed(q="alb-24-1033 prd-4471") == {wanted.number}


def test_partners_are_found_by_the_beginning_of_their_erp_code_and_tax_id(sales_user):
    PartnerFactory(name="Talleres Pérez", ref="C-0042", tax_id="B-99.887.766")
    PartnerFactory(name="Otra", ref="XC-0042", tax_id="A-11.223.344")
    for query in ("C-0042", "c-00", "B99887766", "b-99.88", "ES-B99887766"):
        assert found(partner_provider, sales_user, query) == ["Talleres Pérez"], query
    assert found(partner_provider, sales_user, "887766") == []


# Phone numbers


@pytest.mark.parametrize("typed", ["+34 600 11 22 33", "600112233", "(0034) 600-11-22-33", "600 112 233"])
def test_a_phone_number_finds_the_partner_and_the_contact_however_it_is_typed(typed, sales_user):
    partner = PartnerFactory(name="Hidráulicas Ebro", phone="600 11 22 33")
    ContactFactory(partner=PartnerFactory(name="Forjas"), first_name="Ana", last_name="Ruiz", mobile="+34600112233")
    PartnerFactory(name="Otro número", phone="600 11 22 34")
    assert found(partner_provider, sales_user, typed) == [partner.name]
    assert found(contact_provider, sales_user, typed) == ["Ana Ruiz"]


def test_a_foreign_number_typed_without_its_country_prefix_is_found_by_its_trailing_digits(sales_user):
    PartnerFactory(name="Lyon Métal", country="FR", phone="+33 4 72 00 00 00")
    assert found(partner_provider, sales_user, "+33 472 000 000") == ["Lyon Métal"]
    assert found(partner_provider, sales_user, "472 000 000") == ["Lyon Métal"]


def test_the_partner_list_finds_a_phone_number_too(client_for, sales_user):
    PartnerFactory(name="Hidráulicas Ebro", phone="976 12 34 56")
    PartnerFactory(name="Otra")
    page = client_for(sales_user).get(reverse("partners:list"), {"q": "+34 976 123 456"}).context["page"]
    assert [p.name for p in page.object_list] == ["Hidráulicas Ebro"]


# Words: fragments of texts


def test_words_are_found_inside_subjects_and_names_and_every_word_must_match(administrator, sales_user):
    cantabricos = make_partner(Kind.CUSTOMER, name="Aceros Cantábricos")
    rusted = claim("RC-2026-00001", subject="Chapa oxidada", partner=cantabricos)
    claim("RC-2026-00002", subject="Chapa doblada")
    assert numbers(administrator, "oxida") == {rusted.number}
    assert numbers(administrator, "CANTÁBRICOS") == {rusted.number}
    assert numbers(administrator, "cantabricos") == {rusted.number}  # accents ignored in names
    assert numbers(administrator, "chapa cantáb") == {rusted.number}
    assert numbers(administrator, "chapa") == {"RC-2026-00001", "RC-2026-00002"}
    ContactFactory(partner=cantabricos, first_name="Begoña", last_name="Urquiza", email="bego@cantabricos.es")
    assert found(partner_provider, sales_user, "urquiza") == ["Aceros Cantábricos"]
    assert found(partner_provider, sales_user, "aceros urquiza") == ["Aceros Cantábricos"]
    assert found(contact_provider, sales_user, "bego@cantab") == ["Begoña Urquiza"]
    assert found(contact_provider, sales_user, "urquiza begoña") == ["Begoña Urquiza"]


def test_every_word_must_match_however_many_words_there_are(administrator):
    """Past core.search.MAX_WAYS combinations of where each word may be, the last words are checked row by row."""
    words = ["uno", "dos", "tres", "cuatro", "cinco", "seis"]
    everything = claim(
        "RC-2026-00001", subject=" ".join(words[:4]), partner=make_partner(Kind.CUSTOMER, name="Cinco Seis")
    )
    claim("RC-2026-00002", subject=" ".join(words[:4]), partner=make_partner(Kind.CUSTOMER, name="Cinco"))
    assert 2 ** len(words) > MAX_WAYS
    assert numbers(administrator, " ".join(reversed(words))) == {everything.number}
    listed = search_claims(Claim.objects.all(), " ".join(words))
    assert {c.number for c in listed} == {everything.number}


def test_archived_partners_come_last_and_names_in_alphabetical_order_whatever_their_case(sales_user):
    for name, archived in [("beta Talleres", False), ("Alfa Talleres", True), ("Gamma Talleres", False)]:
        PartnerFactory(name=name, is_archived=archived)
    assert found(partner_provider, sales_user, "talleres") == ["beta Talleres", "Gamma Talleres", "Alfa Talleres"]


def test_the_newest_claims_come_first_and_at_most_the_limit(administrator):
    for day in range(1, 13):
        claim(f"RC-2026-{day:05d}", subject="Rodamiento con holgura", received_on=f"2026-03-{day:02d}")
    hits = claim_provider.search(administrator, "holgura", 10)
    assert [hit.title.split()[0] for hit in hits] == [f"RC-2026-{day:05d}" for day in range(12, 2, -1)]


# Who sees what


def test_nobody_finds_what_they_may_not_see_whatever_they_type(after_sales_user, purchasing_user):
    supplier = make_partner(Kind.SUPPLIER, name="Aceros Ocultos", ref="P-0099", phone="976 55 44 33")
    ContactFactory(partner=supplier, first_name="Íñigo", last_name="Escondido", mobile="611 22 33 44")
    hidden = with_document(claim("RP-2026-00007", Kind.SUPPLIER, subject="Chapa secreta", partner=supplier),
                           "REC-5531", product="CHAPA-2MM")  # fmt: skip
    queries = ["RP-2026-00007", "2026-7", "REC-5531", "CHAPA-2MM", "secreta", "ocultos", "P-0099", "976 55 44 33",
               "611223344", "escondido"]  # fmt: skip
    for query in queries:
        assert search_all(after_sales_user, query) == [], query
    seen = {query: {p.key for p, _hits in search_all(purchasing_user, query)} for query in queries}
    assert seen["RP-2026-00007"] == seen["REC-5531"] == seen["secreta"] == {"claims"}
    assert seen["P-0099"] == seen["976 55 44 33"] == {"partners"}
    assert seen["611223344"] == {"contacts"}
    assert seen["escondido"] == {"partners", "contacts"}  # the company of a contact so named, and the contact
    assert seen["ocultos"] == {"claims", "partners"}
    assert hidden.number in numbers(purchasing_user, "chapa-2mm")


def test_the_search_page_groups_what_each_provider_found(client_for, administrator):
    claim("RC-2026-00042", subject="Holgura", partner=make_partner(Kind.CUSTOMER, name="Holgura Talleres"))
    response = client_for(administrator).get(reverse("core:search"), {"q": "holgura"})
    assert [provider.key for provider, _hits in response.context["groups"]] == ["partners", "claims"]
    assert "RC-2026-00042 Holgura" in response.text


# No provider matches a fragment of a code again

CODE_COLUMNS = ("number", "product_code", "lot", "ref", "tax_id", "tax_id_normalized", "external_ref",
                "phone_e164", "mobile_e164", "reference", "serial")  # fmt: skip
# A code column compared with a pattern that begins with a wildcard: LIKE '%…' or LIKE UPPER('%…'), any backend.
FRAGMENT_OF_A_CODE = re.compile(
    r'"(?P<column>' + "|".join(CODE_COLUMNS) + r')"(?:::text)?\)*\s+LIKE\s+(?:UPPER\()?\'%', re.IGNORECASE
)


@pytest.mark.parametrize("query", ["RC-2026-00042", "ALB-24-1033", "PRD-4471", "4500012345", "C-0042",
                                   "+34 600 11 22 33", "rodamiento", "talleres pérez"])  # fmt: skip
def test_no_provider_matches_a_code_column_by_a_fragment(query, administrator):
    """Codes are found by equality or prefix, which an index serves; a fragment ('%…%') would read the table."""
    with CaptureQueriesContext(connection) as captured:
        for provider in providers():
            provider.search(administrator, query, 10)
    assert captured.captured_queries
    for executed in captured.captured_queries:
        match = FRAGMENT_OF_A_CODE.search(executed["sql"])
        assert match is None, f"{match and match['column']} matched by a fragment in: {executed['sql']}"


def test_the_code_check_recognises_a_fragment_match_as_django_writes_it():
    """The check above would fail on the search as it was (icontains on codes): the pattern sees both backends."""
    postgres = 'WHERE UPPER("claims_origindocument"."number"::text) LIKE UPPER(\'%ALB%\')'
    sqlite = "WHERE U0.\"product_code\" LIKE '%PRD%' ESCAPE '\\'"
    prefix = 'WHERE UPPER("claims_origindocument"."number"::text) LIKE UPPER(\'ALB%\')'
    assert FRAGMENT_OF_A_CODE.search(postgres)["column"] == "number"
    assert FRAGMENT_OF_A_CODE.search(sqlite)["column"] == "product_code"
    assert FRAGMENT_OF_A_CODE.search(prefix) is None
