"""Who sees and changes which claims, checked for every persona on every channel core owns: querysets, services,
the API list, read and count, the global search and the timeline (through its registry). Supplier claims above
all: sales and after-sales never learn they exist."""

import json

import pytest

from tests.claims.support import PERSONAS, claims_admin, make_claim, make_partner
from tests.factories import UserFactory
from trato.accounts.roles import Role
from trato.claims import access, services
from trato.claims.models import Category, Cause, Claim, Kind, OriginDocument, OriginLine
from trato.claims.search import claim_provider
from trato.core.errors import NotAllowed, NotFound
from trato.timeline.services import note_add

pytestmark = pytest.mark.django_db

EVERYONE = set(PERSONAS)
SEES = {
    "customer_of_theirs": {"sales_user", "sales_manager", "after_sales_user", "after_sales_manager", "administrator"},
    "customer_of_others": {"after_sales_user", "after_sales_manager", "administrator"},
    "supplier": {"purchasing_user", "purchasing_manager", "quality_manager", "administrator"},
    "internal": {"quality_manager", "administrator"},
    "internal_assigned": EVERYONE,
}
EDITS = {
    "customer_of_theirs": {"after_sales_user", "after_sales_manager", "administrator"},
    "customer_of_others": {"after_sales_user", "after_sales_manager", "administrator"},
    "supplier": {"purchasing_user", "purchasing_manager", "quality_manager", "administrator"},
    "internal": {"quality_manager", "administrator"},
    "internal_assigned": EVERYONE,
}
CREATES = {
    Kind.CUSTOMER: {"after_sales_user", "after_sales_manager", "administrator"},
    Kind.SUPPLIER: {"purchasing_user", "purchasing_manager", "quality_manager", "administrator"},
    Kind.INTERNAL: {"quality_manager", "administrator"},
}
CONFIGURES = {
    Kind.CUSTOMER: {"after_sales_manager", "administrator"},
    Kind.SUPPLIER: {"purchasing_manager", "administrator"},
    Kind.INTERNAL: {"quality_manager", "administrator"},
}


@pytest.fixture
def claims(persona) -> dict[str, Claim]:
    """One claim per case, made by an administrator; the persona is salesperson of one customer and assigned to
    one internal non-conformity."""
    admin, other_seller = claims_admin(), UserFactory(roles=[Role.SALES_USER])
    return {
        "customer_of_theirs": make_claim(
            Kind.CUSTOMER, by=admin, partner=make_partner("customer", salesperson=persona)
        ),
        "customer_of_others": make_claim(
            Kind.CUSTOMER, by=admin, partner=make_partner("customer", salesperson=other_seller)
        ),
        "supplier": make_claim(Kind.SUPPLIER, by=admin),
        "internal": make_claim(Kind.INTERNAL, by=admin),
        "internal_assigned": make_claim(Kind.INTERNAL, by=admin, assignees=[persona]),
    }


def _expected(table: dict, persona) -> set[str]:
    return {case for case, names in table.items() if persona.username in names}


def _names(claims: dict, pks) -> set[str]:
    by_pk = {claim.pk: case for case, claim in claims.items()}
    return {by_pk[pk] for pk in pks}


def _api(client_for, user):
    client = client_for(user)
    return lambda path, **params: client.get("/api/v1" + path, params)


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_the_querysets_show_and_let_change_only_what_the_role_covers(persona, claims):
    seen = Claim.objects.visible_to(persona).values_list("pk", flat=True)
    changeable = Claim.objects.editable_by(persona).values_list("pk", flat=True)
    assert _names(claims, seen) == _expected(SEES, persona)
    assert _names(claims, changeable) == _expected(EDITS, persona)


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_the_services_let_change_only_what_the_role_covers(persona, claims):
    for case, claim in claims.items():
        data = {"category": "other", "description": "Revisión"}
        if case in EDITS and persona.username in EDITS[case]:
            services.cause_add(claim=claim, by=persona, data=data)
            services.claim_update(claim=claim, by=persona, data={"priority": "high"}, version=claim.version)
        else:
            with pytest.raises(NotAllowed):
                services.cause_add(claim=claim, by=persona, data=data)
            with pytest.raises(NotAllowed):
                services.claim_move(claim=claim, by=persona, move="cancel", reason="No")
        claim.refresh_from_db()
        changed = claim.causes.exists()
        assert changed == (persona.username in EDITS[case]), case
        assert claim.state == "draft"


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_the_services_let_create_only_the_kinds_the_role_covers(persona):
    for kind, names in CREATES.items():
        assert (kind in access.creatable_kinds(persona)) == (persona.username in names)
        if persona.username in names:
            assert make_claim(kind, by=persona).kind == kind
        else:
            with pytest.raises(NotAllowed):
                make_claim(kind, by=persona)
    assert Claim.objects.count() == len(_expected(CREATES, persona))


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_each_role_configures_only_its_own_categories(persona):
    for kind, names in CONFIGURES.items():
        if persona.username in names:
            services.category_save(by=persona, data={"kind": kind, "name": "Transporte"})
        else:
            with pytest.raises(NotAllowed):
                services.category_save(by=persona, data={"kind": kind, "name": "Transporte"})


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_the_api_lists_counts_and_reads_only_what_the_role_sees(persona, claims, client_for):
    get = _api(client_for, persona)
    expected = _expected(SEES, persona)
    page = get("/claims", page_size=100).json()
    assert _names(claims, [item["id"] for item in page["items"]]) == expected
    assert page["count"] == len(expected)
    for kind in Kind.values:
        counted = get("/claims", kind=kind).json()["count"]
        assert counted == len([case for case in expected if claims[case].kind == kind])
    for case, claim in claims.items():
        assert get(f"/claims/{claim.pk}").status_code == (200 if case in expected else 404), case
        found = get("/claims", q=claim.number).json()["count"]
        assert found == (1 if case in expected else 0), case


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_the_search_finds_only_what_the_role_sees(persona, claims):
    for case, claim in claims.items():
        for query in (claim.number, f"rodamientos {claim.number.lower()}"):
            hits = claim_provider.search(persona, query, 10)
            assert [hit.title for hit in hits] == ([str(claim)] if case in _expected(SEES, persona) else []), case


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_the_timeline_of_a_claim_opens_only_to_who_sees_it(persona, claims, client_for):
    get = _api(client_for, persona)
    client = client_for(persona)
    for case, claim in claims.items():
        visible = case in _expected(SEES, persona)
        assert get(f"/timeline/claims.claim/{claim.pk}/entries").status_code == (200 if visible else 404), case
        posted = client.post(
            f"/api/v1/timeline/claims.claim/{claim.pk}/notes", json.dumps({"body": "Hola"}), "application/json"
        )
        assert posted.status_code == (201 if visible else 404), case
        if not visible:
            with pytest.raises(NotFound):
                note_add(record=claim, by=persona, body="Hola")


def test_the_origin_document_and_product_lead_to_the_claim_only_for_who_sees_it(purchasing_user, after_sales_user):
    claim = make_claim(
        Kind.SUPPLIER, by=purchasing_user,
        origins=[{"doc_type": "goods_receipt", "number": "REC-5531", "lines": [{"product_code": "CHAPA-2MM"}]}],
    )  # fmt: skip
    for query in ("REC-5531", "CHAPA-2MM"):
        assert [hit.title for hit in claim_provider.search(purchasing_user, query, 10)] == [str(claim)]
        assert claim_provider.search(after_sales_user, query, 10) == []


# The access contract: creating, configuring, categories


SEES_CATEGORIES = {
    Kind.CUSTOMER: {"sales_user", "sales_manager", "after_sales_user", "after_sales_manager", "administrator"},
    Kind.SUPPLIER: {"purchasing_user", "purchasing_manager", "quality_manager", "administrator"},
    Kind.INTERNAL: EVERYONE,  # anyone may be assigned an internal one
}


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_may_create_and_may_configure_answer_per_kind(persona):
    for kind in Kind.values:
        assert access.may_create(persona, kind) is (persona.username in CREATES[kind]), kind
        assert access.may_configure(persona, kind) is (persona.username in CONFIGURES[kind]), kind
    assert access.may_create(persona) is any(persona.username in names for names in CREATES.values())
    assert access.may_configure(persona) is any(persona.username in names for names in CONFIGURES.values())


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_whoever_may_create_a_kind_sees_every_claim_of_it(persona, claims):
    # The ERP reference is unique per kind on this ground: a clash never reveals a claim the creator may not see.
    assert access.creatable_kinds(persona) == {kind for kind, names in CREATES.items() if persona.username in names}
    for kind in access.creatable_kinds(persona):
        of_kind = Claim.objects.filter(kind=kind)
        assert of_kind.exists()
        assert set(of_kind.visible_to(persona)) == set(of_kind), kind


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_categories_are_seen_per_kind_of_claim_seen_and_changed_by_who_configures_them(persona):
    categories = {kind: Category.objects.create(kind=kind, name=f"Golpe {kind}") for kind in Kind.values}
    seen = {category.kind for category in Category.objects.visible_to(persona)}
    editable = {category.kind for category in Category.objects.editable_by(persona)}
    assert seen == {kind for kind in categories if persona.username in SEES_CATEGORIES[kind]}
    assert editable == {kind for kind in categories if persona.username in CONFIGURES[kind]}


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_the_parts_of_a_claim_follow_their_claim(persona, claims):
    causes = {
        case: Cause.objects.create(claim=claim, category="design", description="x") for case, claim in claims.items()
    }
    lines = {}
    for case, claim in claims.items():
        document = OriginDocument.objects.create(claim=claim, doc_type="delivery", number=f"ALB-{case}")
        lines[case] = OriginLine.objects.create(document=document, product_code="P-1")

    def cases(queryset, parts):
        pks = set(queryset.values_list("pk", flat=True))
        return {case for case, part in parts.items() if part.pk in pks}

    assert cases(Cause.objects.visible_to(persona), causes) == _expected(SEES, persona)
    assert cases(Cause.objects.editable_by(persona), causes) == _expected(EDITS, persona)
    assert cases(OriginLine.objects.visible_to(persona), lines) == _expected(SEES, persona)
    assert cases(OriginLine.objects.editable_by(persona), lines) == _expected(EDITS, persona)
