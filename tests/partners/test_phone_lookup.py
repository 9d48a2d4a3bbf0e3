"""Who is calling: partners and contacts by number — exact E.164 first, then the trailing national digits."""

from tests.partners.factories import ContactFactory, PartnerFactory
from trato.partners.selectors import phone_matches


def test_the_exact_e164_matches_a_partner_whatever_the_caller_s_formatting(db):
    forjas = PartnerFactory(name="Forjas", phone="976 12 34 56")
    for typed in ("+34 976 12 34 56", "0034976123456", "976123456", "tel:+34-976-123-456"):
        found = phone_matches(typed)
        assert (found.matched_by, found.partners, found.contacts) == ("e164", [forjas], [])


def test_a_contact_s_mobile_matches_and_brings_its_company(db):
    ana = ContactFactory(last_name="Ruiz", mobile="+34 600 11 22 33")
    found = phone_matches("600112233")
    assert (found.matched_by, found.contacts, found.contacts[0].partner) == ("e164", [ana], ana.partner)


def test_a_foreign_number_matches_exactly_and_by_its_digits_when_the_prefix_is_lost(db):
    lyon = PartnerFactory(name="Lyon Métal", country="FR", phone="+33 4 72 00 00 00")
    assert phone_matches("+33472000000").partners == [lyon]
    lost_prefix = phone_matches("472000000")  # not a Spanish number: its trailing digits still find Lyon
    assert (lost_prefix.matched_by, lost_prefix.partners) == ("digits", [lyon])


def test_an_outside_line_digit_from_the_phone_system_still_finds_the_caller(db):
    forjas = PartnerFactory(name="Forjas", phone="976 12 34 56")
    found = phone_matches("0 976 12 34 56")
    assert (found.matched_by, found.partners) == ("digits", [forjas])


def test_when_no_e164_matches_the_trailing_national_digits_do(db):
    # Stored under another country (a French VoIP number): the E.164 differs, the national digits are the same.
    garbled = PartnerFactory(name="Importado", phone="+33 9 76 12 34 56", country="FR")
    found = phone_matches("+34 976 12 34 56")
    assert (found.matched_by, found.partners) == ("digits", [garbled])


def test_the_exact_match_wins_over_a_digits_match(db):
    exact = PartnerFactory(name="Exacto", phone="+34 976 12 34 56")
    PartnerFactory(name="Por dígitos", phone="+33 9 76 12 34 56", country="FR")
    found = phone_matches("976123456")
    assert (found.matched_by, found.partners) == ("e164", [exact])


def test_with_a_user_only_records_they_may_see_are_returned(sales_user, purchasing_user):
    supplier = PartnerFactory(name="Proveedor", is_customer=False, is_supplier=True, phone="976 55 44 33")
    assert not phone_matches("976554433", user=sales_user)
    assert phone_matches("976554433", user=purchasing_user).partners == [supplier]


def test_archived_records_and_nonsense_match_nobody(db):
    PartnerFactory(name="Archivada", phone="976 12 34 56", is_archived=True)
    assert not phone_matches("976123456")
    assert not phone_matches("no es un número")
    assert not phone_matches("")
