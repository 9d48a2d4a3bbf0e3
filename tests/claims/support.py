"""Helpers for the claims tests (no tests here): partners, categories and claims of each
kind made through the services, so every claim has its number and timeline as in real use."""

import itertools

import pytest

from tests.factories import UserFactory
from tests.partners.factories import ContactFactory, PartnerFactory
from trato.accounts.roles import Role
from trato.claims import services
from trato.claims.models import Category, Claim, Kind

PERSONAS = ["sales_user", "sales_manager", "after_sales_user", "after_sales_manager", "purchasing_user",
            "purchasing_manager", "quality_manager", "administrator", "outsider"]  # fmt: skip
_refs = itertools.count(1)


def make_partner(kind: str, **fields):
    flags = {"customer": {"is_customer": True}, "supplier": {"is_customer": False, "is_supplier": True}}
    return PartnerFactory(**{**flags.get(kind, {"is_customer": False}), **fields})


def make_category(kind: str, name: str = "", **fields) -> Category:
    return Category.objects.create(kind=kind, name=name or f"Category {kind} {next(_refs)}", **fields)


def claims_admin():
    return UserFactory(username=f"claims-admin-{next(_refs)}", roles=[Role.ADMINISTRATOR], email="")


def make_claim(kind: str = Kind.CUSTOMER, *, by=None, partner=None, **data) -> Claim:
    """A draft claim made through claim_create (by an administrator unless told), ready to open."""
    by = by or claims_admin()
    if partner is None and kind != Kind.INTERNAL:
        partner = make_partner(kind)
    values = {
        "kind": kind,
        "subject": "Rodamientos con holgura",
        "partner": partner,
        "category": make_category(kind),
        "description": "El cliente informa de holgura en 3 rodamientos.",
        **data,
    }
    return services.claim_create(by=by, data=values)


@pytest.fixture
def customer():
    return make_partner("customer", name="Talleres Pérez S.L.", email="taller@example.com", language="es")


@pytest.fixture
def supplier():
    return make_partner("supplier", name="Aceros del Norte S.A.")


@pytest.fixture
def contact(customer):
    return ContactFactory(partner=customer, first_name="Lucía", last_name="Gómez", email="lucia@example.com")
