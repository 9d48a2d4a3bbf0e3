"""Partner fixtures: one company of each kind, nobody assigned, so the kind alone decides who sees it."""

import pytest

from tests.partners.factories import PartnerFactory

SEES = {
    "prospect": {"sales_user", "sales_manager", "administrator"},
    "customer": {"sales_user", "sales_manager", "after_sales_user", "after_sales_manager", "quality_manager",
                 "administrator"},
    "supplier": {"purchasing_user", "purchasing_manager", "quality_manager", "administrator"},
}  # fmt: skip
SEES["customer_supplier"] = SEES["customer"] | SEES["supplier"]
EDITS = {
    "prospect": {"sales_user", "sales_manager", "administrator"},
    "customer": {"sales_user", "sales_manager", "after_sales_manager", "administrator"},
    "supplier": {"purchasing_user", "purchasing_manager", "administrator"},
}
EDITS["customer_supplier"] = EDITS["customer"] | EDITS["supplier"]
PERSONAS = ["sales_user", "sales_manager", "after_sales_user", "after_sales_manager", "purchasing_user",
            "purchasing_manager", "quality_manager", "administrator", "outsider"]  # fmt: skip
KIND_FLAGS = {
    "prospect": {"is_prospect": True},
    "customer": {"is_customer": True},
    "supplier": {"is_customer": False, "is_supplier": True},
    "customer_supplier": {"is_customer": True, "is_supplier": True},
}


@pytest.fixture
def one_of_each(db) -> dict:
    """{"prospect": Partner, "customer": ..., "supplier": ..., "customer_supplier": ...}."""
    return {
        kind: PartnerFactory(name=f"Zeta {kind.replace('_', ' ')} company", ref=f"REF-{kind}", **{
            "is_customer": False, **flags})
        for kind, flags in KIND_FLAGS.items()
    }  # fmt: skip


@pytest.fixture
def customer(db):
    return PartnerFactory(name="Talleres Pérez S.L.", is_customer=True, tax_id="B-12.345.678", city="Zaragoza")


@pytest.fixture
def supplier(db):
    return PartnerFactory(name="Aceros del Norte S.A.", is_customer=False, is_supplier=True, city="Bilbao")
