"""vCard export of contacts and import into a company, through the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.partners.factories import ContactFactory, PartnerFactory
from trato.partners.vcard import parse_vcards
from trato.partners.vcard_contacts import CardDropped

pytestmark = pytest.mark.django_db


def _upload(content: bytes, name: str = "contacts.vcf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/vcard")


def _import(client, partner, content: bytes, name: str = "contacts.vcf"):
    return client.post(reverse("partners:contacts_import", args=[partner.pk]), {"file": _upload(content, name)})


def test_a_contact_downloads_as_a_vcard_3_with_a_stable_uid(client_for, sales_user, customer):
    contact = ContactFactory(
        partner=customer,
        first_name="José",
        last_name="Núñez",
        email="jose@perez.es",
        mobile="600 11 22 33",
        job_title="Jefe de compras",
    )
    response = client_for(sales_user).get(reverse("partners:contact_vcard", args=[contact.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    assert "attachment" in response["Content-Disposition"] and ".vcf" in response["Content-Disposition"]
    text = response.content.decode()
    assert "VERSION:3.0" in text
    assert f"UID:{contact.vcard_uid}" in text
    (card,), errors = parse_vcards(response.content)
    assert errors == []
    assert (card.first_name, card.last_name, card.organization) == ("José", "Núñez", "Talleres Pérez S.L.")
    assert card.phones == [("cell", "+34600112233")]
    assert card.emails == ["jose@perez.es"]


def test_exporting_and_reimporting_a_companys_contacts_round_trips(client_for, sales_user, customer):
    ContactFactory(partner=customer, first_name="Ana", last_name="Gil", email="ana@perez.es", phone="976 111 222")
    ContactFactory(partner=customer, first_name="Luis", last_name="Sanz", job_title="Calidad")
    client = client_for(sales_user)
    vcf = client.get(reverse("partners:contacts_vcf", args=[customer.pk])).content
    assert vcf.count(b"BEGIN:VCARD") == 2

    again = _import(client, customer, vcf)
    assert again.status_code == 200
    assert again.context["report"].unchanged == ["Ana Gil", "Luis Sanz"]
    assert customer.contacts.count() == 2

    other = PartnerFactory(name="Otra Empresa")
    copied = _import(client, other, vcf)
    assert sorted(copied.context["report"].created) == ["Ana Gil", "Luis Sanz"]
    ana = other.contacts.get(last_name="Gil")
    assert (ana.email, ana.phone_e164, ana.first_name) == ("ana@perez.es", "+34976111222", "Ana")


def test_an_import_updates_a_contact_matched_by_uid_then_by_email(client_for, sales_user, customer):
    by_uid = ContactFactory(partner=customer, last_name="Gil", vcard_uid="uid-123")
    by_email = ContactFactory(partner=customer, last_name="Sanz", email="luis@perez.es", vcard_uid="other")
    vcf = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:uid-123\r\nN:Gil;Ana;;;\r\nFN:Ana Gil\r\nTITLE:Gerente\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Luis Sanz\r\nN:Sanz;Luis;;;\r\nEMAIL:LUIS@perez.es\r\n"
        b"TEL;TYPE=cell:+34 611 22 33 44\r\nEND:VCARD\r\n"
    )
    report = _import(client_for(sales_user), customer, vcf).context["report"]
    assert sorted(report.updated) == ["Ana Gil", "Luis Sanz"]
    by_uid.refresh_from_db()
    by_email.refresh_from_db()
    assert by_uid.job_title == "Gerente"
    assert by_email.mobile_e164 == "+34611223344"
    assert customer.contacts.count() == 2


def test_the_sample_files_from_real_clients_import(client_for, sales_user, customer, shared_fixtures):
    client = client_for(sales_user)
    created = []
    for path in sorted((shared_fixtures / "vcard").glob("*.vcf")):
        response = _import(client, customer, path.read_bytes(), path.name)
        assert response.status_code == 200, path.name
        created += response.context["report"].created
    assert {"Doe", "Surname"} <= {c.last_name for c in customer.contacts.all()}
    assert customer.contacts.filter(email="john.doe@genericemail.invalid").exists()
    assert len(created) == customer.contacts.count()


def _vcard(*lines: str) -> bytes:
    body = "".join(f"{line}\r\n" for line in lines)
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\n{body}END:VCARD\r\n".encode()


NO_COLON = "it is not a vCard property (there is no “:” before a value)"
NOT_DIALLABLE = "it is not a phone number we can dial"


def test_a_card_with_a_bad_value_is_imported_without_it_and_the_report_says_what_was_left_out(
    client_for, sales_user, customer
):
    long_email = "a" * 250 + "@gil.es"  # a valid address, longer than the column
    vcf = (
        _vcard("N:Gil;Ana;;;", "FN:Ana Gil")
        + _vcard("FN:Bad Mail", "N:Mail;Bad;;;", "EMAIL:not an email", "TITLE:Jefe")
        + _vcard("FN:Long Mail", "N:Mail;Long;;;", f"EMAIL:{long_email}", "TITLE:Jefa")
    )
    response = _import(client_for(sales_user), customer, vcf)

    report = response.context["report"]
    assert (report.created, report.skipped) == (["Ana Gil", "Bad Mail", "Long Mail"], [])
    assert report.dropped == [
        CardDropped("Contact 2 (“Bad Mail”)", ["EMAIL “not an email”: Enter a valid email address."]),
        CardDropped(
            "Contact 3 (“Long Mail”)",
            [f"EMAIL “{long_email[:79]}…”: Ensure this value has at most 254 characters (it has 257)."],
        ),
    ]
    assert 'id="import-dropped"' in response.text
    assert "Contact 2 (“Bad Mail”):" in response.text
    assert "EMAIL “not an email”: Enter a valid email address." in response.text
    assert sorted(customer.contacts.values_list("last_name", "job_title", "email")) == [
        ("Gil", "", ""), ("Mail", "Jefa", ""), ("Mail", "Jefe", "")
    ]  # fmt: skip


def test_a_phone_number_that_cannot_be_dialled_is_left_out_and_the_others_kept(client_for, sales_user, customer):
    vcf = _vcard(
        "FN:Ana Gil",
        "N:Gil;Ana;;;",
        "TEL;TYPE=work:12",
        "TEL;TYPE=home:976 11 12 13",
        "TEL;TYPE=cell:6OO 11 22 33",
        "TEL;TYPE=work,fax:n/a",  # a fax is not stored, so a bad one is not reported either
        "EMAIL:ana@gil.es",
    )
    report = _import(client_for(sales_user), customer, vcf).context["report"]

    assert (report.created, report.skipped) == (["Ana Gil"], [])
    assert report.dropped == [
        CardDropped("Contact 1 (“Ana Gil”)", [f"TEL “12”: {NOT_DIALLABLE}", f"TEL “6OO 11 22 33”: {NOT_DIALLABLE}"])
    ]
    ana = customer.contacts.get()
    assert (ana.phone, ana.phone_e164, ana.mobile, ana.email) == ("976 11 12 13", "+34976111213", "", "ana@gil.es")


def test_a_bad_phone_in_an_update_leaves_the_stored_number_as_it_was(client_for, sales_user, customer):
    contact = ContactFactory(partner=customer, last_name="Gil", vcard_uid="uid-1", mobile="611 22 33 44")
    vcf = _vcard("UID:uid-1", "FN:Ana Gil", "N:Gil;Ana;;;", "TEL;TYPE=cell:call reception", "TITLE:Gerente")

    report = _import(client_for(sales_user), customer, vcf).context["report"]

    assert report.updated == ["Ana Gil"]
    assert report.dropped == [CardDropped("Contact 1 (“Ana Gil”)", [f"TEL “call reception”: {NOT_DIALLABLE}"])]
    contact.refresh_from_db()
    assert (contact.mobile_e164, contact.job_title) == ("+34611223344", "Gerente")


def test_a_value_longer_than_trato_stores_is_left_out_and_an_overlong_name_cut(client_for, sales_user, customer):
    vcf = _vcard("FN:Ana Gil", "N:Gil;Ana;;;", "TITLE:" + "T" * 101, "ORG:Talleres;Calidad") + _vcard(
        "FN:" + "L" * 120, "EMAIL:largo@gil.es"
    )
    report = _import(client_for(sales_user), customer, vcf).context["report"]

    assert (report.created, report.skipped) == (["Ana Gil", "L" * 100], [])
    assert report.dropped == [
        CardDropped(
            "Contact 1 (“Ana Gil”)",
            [f"TITLE “{'T' * 79}…”: Ensure this value has at most 100 characters (it has 101)."],
        ),
        CardDropped(
            f"Contact 2 (“{'L' * 80}”)",
            [f"FN “{'L' * 79}…”: it is longer than 100 characters: only the first 100 were kept"],
        ),
    ]
    assert sorted(customer.contacts.values_list("last_name", "job_title", "department", "email")) == [
        ("Gil", "", "Calidad", ""), ("L" * 100, "", "", "largo@gil.es")
    ]  # fmt: skip


def test_each_kind_of_bad_field_costs_only_that_field(client_for, sales_user, customer):
    """The issue's classes, one card each: every card is imported with the rest of its fields."""
    vcf = (
        _vcard("FN:Mal Correo", "N:Correo;Mal;;;", "EMAIL:mal@@gil.es", "TITLE:Compras")
        + _vcard("FN:Mal Tel", "N:Tel;Mal;;;", "TEL;TYPE=work:+34 12", "TITLE:Ventas")
        + _vcard("FN:Retorno Suelto", "N:Suelto;Retorno;;;", "NOTE:Línea uno\rLínea dos", "TITLE:Calidad")
        + _vcard(
            "FN:Param Raro", "N:Raro;Param;;;", "TEL;X-FOO=bar;TYPE=cell:611 22 33 44", "EMAIL;PREF=1;FOO:p@gil.es"
        )
        + _vcard("FN:Dir Rota", "N:Rota;Dir;;;", "ADR;TYPE=work;;;Calle Mayor 1", "TITLE:Almacén")
    )
    response = _import(client_for(sales_user), customer, vcf)

    report = response.context["report"]
    assert (report.created, report.skipped) == (
        ["Mal Correo", "Mal Tel", "Retorno Suelto", "Param Raro", "Dir Rota"], []
    )  # fmt: skip
    assert report.dropped == [
        CardDropped("Contact 1 (“Mal Correo”)", ["EMAIL “mal@@gil.es”: Enter a valid email address."]),
        CardDropped("Contact 2 (“Mal Tel”)", [f"TEL “+34 12”: {NOT_DIALLABLE}"]),
        CardDropped("Contact 5 (“Dir Rota”)", [f"the line “ADR;TYPE=work;;;Calle Mayor 1”: {NO_COLON}"]),
    ]
    contacts = {c.last_name: c for c in customer.contacts.all()}
    assert [contacts[name].job_title for name in ("Correo", "Tel", "Suelto", "Rota")] == [
        "Compras", "Ventas", "Calidad", "Almacén"
    ]  # fmt: skip
    assert contacts["Suelto"].notes == "Línea uno\nLínea dos"
    assert (contacts["Raro"].mobile_e164, contacts["Raro"].email) == ("+34611223344", "p@gil.es")


def test_a_nameless_card_is_still_skipped_whole_and_said_so(client_for, sales_user, customer):
    vcf = _vcard("NOTE:solo una nota", "TEL:611 22 33 44") + _vcard("FN:Ana Gil", "N:Gil;Ana;;;")

    report = _import(client_for(sales_user), customer, vcf).context["report"]

    assert (report.created, report.dropped) == (["Ana Gil"], [])
    assert report.skipped == ["Contact 1 has no name, company or email address and was skipped."]


@pytest.mark.parametrize(
    "content,name",
    [(b"", "empty.vcf"), (b"\x89PNG\r\n\x1a\n\x00\x00binary", "photo.vcf"), (b"hello, not a vcard", "notes.txt")],
)
def test_a_file_that_is_not_a_vcard_gets_a_clear_error(client_for, sales_user, customer, content, name):
    response = _import(client_for(sales_user), customer, content, name)
    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert customer.contacts.count() == 0


def test_only_those_who_may_change_the_company_may_import(client_for, after_sales_user, customer):
    vcf = b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Gil;Ana;;;\r\nFN:Ana Gil\r\nEND:VCARD\r\n"
    assert _import(client_for(after_sales_user), customer, vcf).status_code == 403
    assert customer.contacts.count() == 0
