import pytest
from django.utils import translation

from trato.partners.vcard import CardData, Dropped, card_to_vcard, cards_to_vcf, parse_vcards

V40 = """BEGIN:VCARD
VERSION:4.0
UID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1
FN:Ñoño Muñoz
N:Muñoz;Ñoño;;;
ORG:Construcciones Ñandú S.L.;Compras
TITLE:Jefa de compras
TEL;VALUE=uri;TYPE="voice,cell":tel:+34-612-345-678
TEL;VALUE=uri;TYPE=work:tel:+34-91-123-45-67
EMAIL;TYPE=work:nono@nandu.example
ADR;TYPE=work:;;Calle Mayor 1;Madrid;Madrid;28001;España
END:VCARD
"""

V21_QUOTED_PRINTABLE = """BEGIN:VCARD
VERSION:2.1
N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Mu=C3=B1oz;Jos=C3=A9;;;
FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Jos=C3=A9 Mu=C3=B1oz
TEL;WORK;VOICE:+34 91 123 45 67
TEL;CELL:612345678
TEL;WORK;FAX:91 765 43 21
NOTE;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:Se=F1or importante
END:VCARD
"""

# Shaped like Radicale's radicale-contact_multiple.vcf and radicale-broken-vcard.vcf (absent from shared/fixtures).
MULTIPLE = """BEGIN:VCARD
VERSION:3.0
UID:contact1
N:Contact1;;;;
FN:Contact1
END:VCARD
BEGIN:VCARD
VERSION:3.0
UID:contact2
N:Contact2;;;;
FN:Contact2
END:VCARD
"""

NO_NAME_BUT_EMAIL = """BEGIN:VCARD
VERSION:3.0
PRODID:-//Inverse inc.//SOGo Connector 1.0//EN
UID:C68582D2-2E60-0001-C2C0-000000000000.vcf
X-MOZILLA-HTML:FALSE
EMAIL;TYPE=work:test-misses-N-or-FN@example.com
END:VCARD
"""

BROKEN_BETWEEN_GOOD = """BEGIN:VCARD
VERSION:3.0
FN:Ana García
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Roto Pérez
this line is not a property
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Luis Martín
END:VCARD
"""


def test_a_thunderbird_21_address_book_gives_every_contact(shared_fixtures):
    cards, errors = parse_vcards((shared_fixtures / "vcard/thunderbird-basic-v21.vcf").read_bytes())

    assert errors == []
    assert [(c.first_name, c.last_name, c.full_name, c.emails) for c in cards] == [
        ("John", "Doe", "John Doe", ["john.doe@genericemail.invalid"]),
        ("Jane", "Doe", "Jane Doe", ["jane.doe@genericemail.invalid"]),
    ]


def test_a_windows_file_with_doubled_carriage_returns_is_read(shared_fixtures):
    cards, errors = parse_vcards((shared_fixtures / "vcard/thunderbird-dos-crlf-v30.vcf").read_bytes())

    assert errors == []
    assert len(cards) == 1
    assert (cards[0].first_name, cards[0].last_name) == ("Name", "Surname")
    assert cards[0].emails == ["example@gmail.com"]


def test_a_radicale_contact_keeps_its_uid(shared_fixtures):
    cards, errors = parse_vcards((shared_fixtures / "vcard/radicale-contact1.vcf").read_bytes())

    assert errors == []
    assert (cards[0].uid, cards[0].last_name, cards[0].full_name) == ("contact1", "Contact", "Contact")


EXPECTED_SAMPLE_CARDS = {"radicale-contact1.vcf": 1, "thunderbird-basic-v21.vcf": 2, "thunderbird-dos-crlf-v30.vcf": 1}


def test_every_shared_vcard_sample_imports_every_card(shared_fixtures):
    samples = sorted((shared_fixtures / "vcard").glob("*.vcf"))
    assert samples
    for path in samples:
        cards, errors = parse_vcards(path.read_bytes())

        assert (len(cards), errors) == (EXPECTED_SAMPLE_CARDS[path.name], []), path.name
        assert all(card.full_name for card in cards), path.name


def test_a_40_card_gives_names_company_phones_emails_and_address():
    (card,), errors = parse_vcards(V40.encode())

    assert errors == []
    assert card == CardData(
        uid="urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1",
        first_name="Ñoño",
        last_name="Muñoz",
        full_name="Ñoño Muñoz",
        organization="Construcciones Ñandú S.L.",
        department="Compras",
        job_title="Jefa de compras",
        emails=["nono@nandu.example"],
        phones=[("cell", "+34-612-345-678"), ("work", "+34-91-123-45-67")],
        street="Calle Mayor 1",
        city="Madrid",
        region="Madrid",
        postal_code="28001",
        country="España",
    )


def test_a_21_card_with_quoted_printable_accents_and_bare_phone_types_is_read():
    (card,), errors = parse_vcards(V21_QUOTED_PRINTABLE.encode())

    assert errors == []
    assert (card.first_name, card.last_name, card.full_name) == ("José", "Muñoz", "José Muñoz")
    assert card.phones == [("work", "+34 91 123 45 67"), ("cell", "612345678"), ("fax", "91 765 43 21")]
    assert card.note == "Señor importante"


def test_a_latin1_file_is_read_with_its_accents():
    cards, errors = parse_vcards("BEGIN:VCARD\nVERSION:3.0\nFN:Íñigo Núñez\nEND:VCARD\n".encode("latin-1"))

    assert errors == []
    assert cards[0].full_name == "Íñigo Núñez"


def test_a_utf8_file_with_a_byte_order_mark_is_read():
    cards, _ = parse_vcards("\ufeffBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ñ\r\nEND:VCARD\r\n".encode())

    assert cards[0].full_name == "Ñ"


def test_several_cards_in_one_file_are_all_read():
    cards, errors = parse_vcards(MULTIPLE)

    assert errors == []
    assert [card.uid for card in cards] == ["contact1", "contact2"]


def test_a_card_without_a_name_is_named_after_its_email():
    (card,), errors = parse_vcards(NO_NAME_BUT_EMAIL)

    assert errors == []
    assert card.full_name == "test-misses-N-or-FN@example.com"


def test_a_card_without_a_name_is_named_after_its_company_first():
    (card,), _ = parse_vcards("BEGIN:VCARD\nVERSION:3.0\nORG:Talleres Ñ\nEMAIL:a@b.example\nEND:VCARD\n")

    assert card.full_name == "Talleres Ñ"


NO_COLON = "it is not a vCard property (there is no “:” before a value)"


def test_a_card_with_a_line_that_is_no_property_is_kept_without_that_line():
    with translation.override("en"):
        cards, errors = parse_vcards(BROKEN_BETWEEN_GOOD)

    assert errors == []
    assert [(card.number, card.full_name) for card in cards] == [
        (1, "Ana García"),
        (2, "Roto Pérez"),
        (3, "Luis Martín"),
    ]
    assert cards[1].dropped == [Dropped("", "this line is not a property", NO_COLON)]
    assert [card.dropped for card in (cards[0], cards[2])] == [[], []]


def _card(*lines: str) -> str:
    body = "".join(f"{line}\r\n" for line in lines)
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Gil\r\nN:Gil;Ana;;;\r\n{body}END:VCARD\r\n"


def test_a_bad_email_is_left_out_and_named_and_the_rest_of_the_card_kept():
    with translation.override("en"):
        (card,), errors = parse_vcards(_card("EMAIL:not an email", "EMAIL:ana@gil.es", "TEL;TYPE=work:976 12 34 56"))

    assert errors == []
    assert (card.emails, card.phones) == (["ana@gil.es"], [("work", "976 12 34 56")])
    assert card.dropped == [Dropped("EMAIL", "not an email", "Enter a valid email address.")]
    with translation.override("en"):
        assert str(card.dropped[0]) == "EMAIL “not an email”: Enter a valid email address."


def test_a_bare_carriage_return_inside_a_value_is_a_line_break_not_a_broken_card():
    (card,), errors = parse_vcards(_card("NOTE:Primera línea\rsegunda línea", "TITLE:Gerente").encode())

    assert errors == []
    assert (card.note, card.job_title, card.dropped) == ("Primera línea\nsegunda línea", "Gerente", [])


def test_a_bare_carriage_return_inside_an_address_keeps_the_address_and_the_cards_after_it():
    vcf = _card("ADR;TYPE=work:;;Calle Mayor 1\rNave 3;Zaragoza;;50001;ES", "TITLE:Gerente") + _card("TITLE:Otra")

    first, second = parse_vcards(vcf.encode())[0]

    assert (first.street, first.city, first.job_title, first.dropped) == (
        "Calle Mayor 1\nNave 3", "Zaragoza", "Gerente", []
    )  # fmt: skip
    assert (second.number, second.job_title) == (2, "Otra")


def test_an_unknown_parameter_is_ignored():
    (card,), errors = parse_vcards(_card("TEL;X-FOO=bar;TYPE=cell:+34 611 22 33 44", "EMAIL;PREF=1;FOO:ana@gil.es"))

    assert errors == []
    assert (card.phones, card.emails, card.dropped) == ([("cell", "+34 611 22 33 44")], ["ana@gil.es"], [])


@pytest.mark.parametrize("version", ["2.1", "3.0", "4.0"])
def test_a_malformed_unknown_parameter_is_dropped_and_the_value_kept(version):
    vcf = (
        f"BEGIN:VCARD\r\nVERSION:{version}\r\nFN:Ana Gil\r\nEMAIL;X-=;;TYPE=work:ana@gil.es\r\n"
        'TEL;X-NOTE="a:b";TYPE=cell:611 22 33 44\r\nTITLE;=:Gerente\r\nEND:VCARD\r\n'
    )

    (card,), errors = parse_vcards(vcf)

    assert errors == []
    assert (card.emails, card.phones, card.job_title, card.dropped) == (
        ["ana@gil.es"], [("cell", "611 22 33 44")], "Gerente", []
    )  # fmt: skip


def test_a_value_ending_in_a_lone_backslash_keeps_the_backslash():
    (card,), errors = parse_vcards(_card("NOTE:Carpeta C:\\Datos\\", "ORG:Acme\\"))

    assert errors == []
    assert (card.note, card.organization) == ("Carpeta C:\\Datos\\", "Acme\\")


@pytest.mark.parametrize(
    "line,dropped",
    [
        ("ADR;ENCODING=QUOTED-PRINTABLE:;;Calle =C3=28", Dropped("ADR", ";;Calle =C3=28", "it could not be read")),
        ('ADR;TYPE="work:;;Calle Mayor 1', Dropped("ADR", ";;Calle Mayor 1", "it could not be read")),
        ("ADR;TYPE=work;;;Calle Mayor 1;Zaragoza", Dropped("", "ADR;TYPE=work;;;Calle Mayor 1;Zaragoza", NO_COLON)),
        ("PHOTO;ENCODING=b;TYPE=JPEG:@@not base64@@", Dropped("PHOTO", "@@not base64@@", "it could not be read")),
    ],
    ids=["address-not-utf8", "address-unclosed-quote", "address-without-colon", "photo-not-base64"],
)
def test_a_malformed_property_line_is_left_out_and_named_and_the_rest_of_the_card_kept(line, dropped):
    with translation.override("en"):
        (card,), errors = parse_vcards(_card("TITLE:Gerente", line, "EMAIL:ana@gil.es", "TEL;TYPE=cell:611 22 33 44"))

    assert errors == []
    assert (card.full_name, card.job_title, card.emails, card.phones) == (
        "Ana Gil", "Gerente", ["ana@gil.es"], [("cell", "611 22 33 44")]
    )  # fmt: skip
    assert (card.street, card.city) == ("", "")
    assert card.dropped == [dropped]


def test_a_good_address_is_kept_when_another_property_is_malformed():
    (card,), errors = parse_vcards(
        _card("ADR;TYPE=work:;;Calle Mayor 1;Zaragoza;;50001;ES", "PHOTO;ENCODING=b;TYPE=JPEG:@@not base64@@")
    )

    assert errors == []
    assert (card.street, card.city, card.postal_code) == ("Calle Mayor 1", "Zaragoza", "50001")
    assert [item.property for item in card.dropped] == ["PHOTO"]


def test_a_card_with_both_a_malformed_line_and_a_bad_email_names_the_line_then_the_email():
    with translation.override("en"):
        (card,), errors = parse_vcards(_card("EMAIL:ana@", "X-ODD", "EMAIL:ana@gil.es"))

    assert (errors, card.emails) == ([], ["ana@gil.es"])
    assert card.dropped == [Dropped("", "X-ODD", NO_COLON), Dropped("EMAIL", "ana@", "Enter a valid email address.")]


def test_a_long_value_is_shortened_in_the_report_not_in_the_card():
    with translation.override("en"):
        dropped = Dropped("NOTE", "x" * 100, "it could not be read")

        assert str(dropped) == f"NOTE “{'x' * 79}…”: it could not be read"


def test_a_card_with_nothing_to_call_it_by_is_skipped_with_a_message():
    cards, errors = parse_vcards("BEGIN:VCARD\nVERSION:3.0\nNOTE:just a note\nEND:VCARD\n")

    assert cards == []
    assert len(errors) == 1


@pytest.mark.parametrize("data", [b"", b"not a vcard at all", b"\xff\xfe\x00\x00garbage", "BEGIN:VCARD\n"])
def test_a_file_that_is_not_a_vcard_gives_a_message_not_an_exception(data):
    cards, errors = parse_vcards(data)

    assert cards == []
    assert len(errors) == 1


FULL_CARD = CardData(
    uid="trato-partner-42-contact-7",
    first_name="José Ñ.",
    last_name="Muñoz, de la Peña; hijo",
    full_name="José Ñ. Muñoz, de la Peña; hijo",
    organization="Ñandú, S.L.",
    department="Postventa",
    job_title="Técnico",
    emails=["jose@nandu.example", "jmunoz@example.com"],
    phones=[
        ("work", "+34911234567"),
        ("cell", "+34612345678"),
        ("home", "914445566"),
        ("fax", "917654321"),
        ("other", "1234"),
    ],
    note="Primera línea\nSegunda: con ; y , y \\ barra",
    street="Calle Mayor 1, 2º",
    city="Madrid",
    postal_code="28001",
    region="Madrid",
    country="España",
)


def test_an_exported_card_reimports_with_the_same_data():
    cards, errors = parse_vcards(card_to_vcard(FULL_CARD).encode())

    assert errors == []
    assert cards == [FULL_CARD]


def test_an_exported_card_is_vcard_30_with_the_uid_kept():
    text = card_to_vcard(FULL_CARD)

    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert "UID:trato-partner-42-contact-7\r\n" in text
    assert "ORG:Ñandú\\, S.L.;Postventa\r\n" in text
    assert "EMAIL;TYPE=INTERNET:jose@nandu.example\r\n" in text
    assert "TEL;TYPE=CELL:+34612345678\r\n" in text


def test_a_card_without_uid_is_exported_without_inventing_one():
    text = card_to_vcard(CardData(full_name="Ana"))

    assert "UID" not in text
    assert "FN:Ana" in text


def test_a_card_with_only_a_company_is_exported_with_a_display_name():
    (card,), _ = parse_vcards(card_to_vcard(CardData(organization="Talleres Ñ")))

    assert card.full_name == "Talleres Ñ"


def test_imported_files_round_trip_through_export(shared_fixtures):
    original, _ = parse_vcards(V40 + V21_QUOTED_PRINTABLE + MULTIPLE)
    original += parse_vcards((shared_fixtures / "vcard/thunderbird-basic-v21.vcf").read_bytes())[0]

    again, errors = parse_vcards(cards_to_vcf(original))

    assert errors == []
    assert again == original


def test_a_utf16_export_from_outlook_is_read():
    cards, errors = parse_vcards("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Begoña\r\nEND:VCARD\r\n".encode("utf-16"))

    assert errors == []
    assert cards[0].full_name == "Begoña"
