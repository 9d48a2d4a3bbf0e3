"""The reports page shows every registered section its reader may see, and nothing of the ones they may not."""

from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from trato.accounts.roles import Role, has_role
from trato.reports import registry
from trato.reports.periods import Period, default_period
from trato.reports.tables import Chart, Column, ColumnType, Table

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


class ColourFilter(forms.Form):
    colour = forms.ChoiceField(required=False, choices=[("", "Any"), ("red", "Red"), ("blue", "Blue")])


@pytest.fixture
def calls():
    return []


@pytest.fixture
def fake_section(calls):
    """A section only quality managers may see, whose one table records what it was asked for."""

    def build(user, period: Period, filters, top) -> Table:
        calls.append((user.username, period, dict(filters)))
        columns = [Column("Name"), Column("Calls", ColumnType.COUNT), Column("Spent", ColumnType.AMOUNT)]
        rows = [["Llamadas perdidas", 1234, Decimal("1234.50")]]
        return Table(
            "calls",
            "Missed calls",
            columns,
            rows,
            Chart("bar", ["Llamadas perdidas"], [{"label": "Calls", "data": [1234]}]),
        )

    section = registry.Section(
        key="fake",
        title="Fake figures",
        may_see=lambda user: has_role(user, Role.QUALITY_MANAGER),
        tables={"calls": build},
        filter_form=ColourFilter,
    )
    registry.register(section)
    yield section
    registry.unregister("fake")


def section_keys(response) -> list[str]:
    return [report.section.key for report in response.context["reports"]]


def test_a_registered_section_shows_up_for_whoever_may_see_it(fake_section, quality_manager, client_for, calls):
    response = client_for(quality_manager).get(reverse("reports:index"))

    html = response.content.decode()
    assert section_keys(response) == ["claims", "fake"]
    assert '<h2 class="h4 mb-3" id="report-fake">Fake figures</h2>' in html
    assert (
        '<th scope="row">Llamadas perdidas</th><td class="text-end">1,234</td><td class="text-end">€1,234.50</td>'
        in html
    )
    assert 'data-chart="fake.calls"' in html
    assert calls == [("quality_manager", default_period(), {"colour": ""})]


def test_a_reader_in_spanish_reads_spanish_numbers_and_amounts(fake_section, quality_manager, client_for):
    quality_manager.language = "es"
    quality_manager.save(update_fields=["language"])

    html = client_for(quality_manager).get(reverse("reports:index")).content.decode()

    assert '<td class="text-end">1.234</td><td class="text-end">1.234,50\u00a0€</td>' in html


def test_a_section_is_not_shown_nor_built_for_someone_who_may_not_see_it(
    fake_section, administrator, client_for, calls
):
    response = client_for(administrator).get(reverse("reports:index"))

    assert section_keys(response) == ["claims"]
    assert "Fake figures" not in response.content.decode()
    assert calls == []


def test_someone_who_may_see_no_section_gets_a_friendly_empty_page(fake_section, outsider, client_for):
    response = client_for(outsider).get(reverse("reports:index"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "There are no reports for you yet." in html
    assert 'aria-label="Report filter"' not in html
    assert "report-charts" not in html


def test_the_csv_of_a_section_someone_may_not_see_is_not_found(fake_section, administrator, client_for, calls):
    response = client_for(administrator).get(reverse("reports:table_csv", args=["fake", "calls"]))

    assert response.status_code == 404
    assert calls == []


@pytest.mark.parametrize("section, table", [("nonexistent", "calls"), ("fake", "nonexistent")])
def test_an_unknown_section_or_table_is_not_found(fake_section, quality_manager, client_for, section, table):
    response = client_for(quality_manager).get(reverse("reports:table_csv", args=[section, table]))

    assert response.status_code == 404


def test_a_section_filter_is_read_from_its_prefixed_field(fake_section, quality_manager, client_for, calls):
    client_for(quality_manager).get(reverse("reports:index"), {"fake-colour": "blue"})

    assert calls == [("quality_manager", default_period(), {"colour": "blue"})]


def test_a_wrong_section_filter_shows_its_error_and_builds_the_section_without_filters(
    fake_section, quality_manager, client_for, calls
):
    response = client_for(quality_manager).get(reverse("reports:index"), {"fake-colour": "green"})

    assert 'id="id_fake-colour_error"' in response.content.decode()
    assert calls == [("quality_manager", default_period(), {})]


def test_a_second_section_under_a_taken_key_is_refused(fake_section):
    with pytest.raises(ValueError, match="'fake' is already registered"):
        registry.register(registry.Section(key="fake", title="Other", may_see=lambda user: True, tables={}))


def test_registering_the_same_section_again_changes_nothing(fake_section, quality_manager):
    registry.register(fake_section)

    assert [section.key for section in registry.sections_for(quality_manager)] == ["claims", "fake"]


def test_the_claims_section_is_registered_by_autodiscovery_of_the_claims_reports_module(administrator):
    claims = registry.section_for(administrator, "claims")

    assert claims is not None
    assert list(claims.tables) == [
        "overview", "category", "origin_type", "supplier", "customer", "product", "time_to_close",
        "supplier_ranking", "cost",
    ]  # fmt: skip
