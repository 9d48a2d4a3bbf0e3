"""vCard export of contacts and import into a company, through the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.partners.factories import ContactFactory, PartnerFactory
from trato.partners.vcard import parse_vcards

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


def test_a_card_with_a_bad_value_is_imported_without_it_and_the_report_says_what_was_left_out(
    client_for, sales_user, customer
):
    long_email = "a" * 250 + "@gil.es"  # a valid address, longer than the column
    vcf = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Gil;Ana;;;\r\nFN:Ana Gil\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad Mail\r\nN:Mail;Bad;;;\r\nEMAIL:not an email\r\nTITLE:Jefe\r\n"
        b"END:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Long Mail\r\nN:Mail;Long;;;\r\nEMAIL:" + long_email.encode() +
        b"\r\nTITLE:Jefa\r\nEND:VCARD\r\n"
    )  # fmt: skip
    response = _import(client_for(sales_user), customer, vcf)

    report = response.context["report"]
    assert (report.created, report.skipped) == (["Ana Gil", "Bad Mail", "Long Mail"], [])
    assert report.dropped == [
        "“Bad Mail”: left out the email address “not an email”, which is not valid",
        f"“Long Mail”: left out email “{long_email}”: Ensure this value has at most 254 characters (it has 257).",
    ]
    assert 'id="import-dropped"' in response.text
    assert sorted(customer.contacts.values_list("last_name", "job_title", "email")) == [
        ("Gil", "", ""), ("Mail", "Jefa", ""), ("Mail", "Jefe", "")
    ]  # fmt: skip


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
