"""Related records on a record's page (trato/core/related.py): the claims of a partner and of a contact, only
those the reader may see, their bounded count, the first ten and a link to the list filtered by the record."""

import datetime
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory
from tests.partners.factories import ContactFactory, PartnerFactory
from trato.claims.models import Claim, Kind, State
from trato.core import related
from trato.core.related import RelatedBlock

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def claim(kind=Kind.CUSTOMER, **fields) -> Claim:
    prefix = {Kind.CUSTOMER: "RC", Kind.SUPPLIER: "RP", Kind.INTERNAL: "NC"}[kind]
    values = {"subject": f"Claim {kind}", "number": f"{prefix}-2026-{next(_numbers):05d}", **fields}
    return Claim.objects.create(kind=kind, **values)


def block_html(page: str, key: str = "claims") -> str:
    return page.split(f'id="related-{key}"')[1].split("</section>")[0]


def listed(page: str, key: str = "claims") -> list[str]:
    return re.findall(r">((?:RC|RP|NC)-2026-\d{5})</a>", block_html(page, key))


def count_in(page: str, key: str = "claims") -> str:
    return re.search(r'related-count">([^<]*)<', block_html(page, key)).group(1)


def test_a_salesperson_sees_on_a_partner_page_only_the_claims_they_may_see(client_for, sales_user):
    partner = PartnerFactory(is_customer=True, is_supplier=True, salesperson=sales_user)
    first = claim(partner=partner, received_on=datetime.date(2026, 3, 1))
    second = claim(partner=partner, received_on=datetime.date(2026, 4, 1))
    hidden = claim(Kind.SUPPLIER, partner=partner)  # a supplier non-conformity: not for sales users

    page = client_for(sales_user).get(partner.get_absolute_url()).text

    assert listed(page) == [second.number, first.number]  # as the list shows them: the newest first
    assert count_in(page) == "2"
    assert hidden.number not in page


def test_the_claims_of_another_salespersons_customer_are_neither_counted_nor_listed(client_for, sales_user):
    partner = PartnerFactory(is_customer=True, salesperson=UserFactory(username="another-salesperson"))
    theirs = claim(partner=partner)

    page = client_for(sales_user).get(partner.get_absolute_url()).text

    assert listed(page) == []
    assert count_in(page) == "0"
    assert theirs.number not in page
    assert "No claims yet." in block_html(page)


def test_a_contact_page_lists_the_claims_whose_contact_it_is(client_for, after_sales_user):
    contact = ContactFactory(partner=PartnerFactory(is_customer=True))
    theirs = claim(partner=contact.partner, contact=contact)
    claim(partner=contact.partner)  # the company's, with no contact
    claim(partner=contact.partner, contact=ContactFactory(partner=contact.partner))

    page = client_for(after_sales_user).get(contact.get_absolute_url()).text

    assert listed(page) == [theirs.number]
    assert count_in(page) == "1"


@pytest.mark.parametrize("page_of", ["partner", "contact"])
def test_the_link_opens_the_claim_list_of_the_record_with_the_same_claims(client_for, after_sales_user, page_of):
    contact = ContactFactory(partner=PartnerFactory(is_customer=True))
    for _n in range(3):
        claim(partner=contact.partner, contact=contact)
    claim(partner=PartnerFactory(is_customer=True))  # another company's
    record = contact if page_of == "contact" else contact.partner
    client = client_for(after_sales_user)
    page = client.get(record.get_absolute_url()).text
    link = re.search(r'href="([^"]+)">See all', block_html(page)).group(1).replace("&amp;", "&")

    response = client.get(link)

    assert link == f"{reverse('claims:list')}?{page_of}={record.pk}"
    assert [row.number for row in response.context["page"].object_list] == listed(page)
    assert len(listed(page)) == 3


@pytest.mark.parametrize("page_of", ["partner", "contact"])
def test_a_record_page_runs_the_same_queries_for_few_or_many_claims(
    client_for, sales_user, page_of, django_assert_num_queries
):
    contact = ContactFactory(partner=PartnerFactory(is_customer=True, salesperson=sales_user))
    record = contact if page_of == "contact" else contact.partner
    client = client_for(sales_user)
    claim(partner=contact.partner, contact=contact, state=State.OPEN)
    client.get(record.get_absolute_url())  # warm up what does not depend on the data (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        client.get(record.get_absolute_url())
    for _n in range(13):
        claim(partner=contact.partner, contact=contact, state=State.OPEN)

    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(record.get_absolute_url()).text

    assert len(listed(page)) == 10
    assert count_in(page) == "14"


# The registry


@pytest.fixture
def partner_block():
    block = RelatedBlock(
        key="closed-claims", model="partners.partner", title="Closed claims", order=1,
        queryset=lambda user, record: Claim.objects.visible_to(user).filter(partner=record, state=State.CLOSED),
        url=lambda user, record: "/claims/", row_template="claims/_claim_row.html",
        may_see=lambda user: user.username == "after_sales_user",
    )  # fmt: skip
    related.register(block)
    yield block
    related.unregister(block.model, block.key)


def test_an_app_adds_a_block_to_a_model_s_pages_for_the_users_it_names(
    client_for, partner_block, after_sales_user, after_sales_manager
):
    partner = PartnerFactory(is_customer=True)
    closed = claim(partner=partner, state=State.CLOSED)
    claim(partner=partner, state=State.OPEN)

    shown = related.blocks_for(after_sales_user, partner)

    assert [item.block.key for item in shown] == ["closed-claims", "claims"]
    assert shown[0].rows == [closed]
    assert listed(client_for(after_sales_user).get(partner.get_absolute_url()).text, "closed-claims") == [closed.number]
    assert [item.block.key for item in related.blocks_for(after_sales_manager, partner)] == ["claims"]
    assert related.blocks_for(after_sales_user, ContactFactory(partner=partner))[0].block.model == "partners.contact"
