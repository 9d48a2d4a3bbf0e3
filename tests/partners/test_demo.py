import pytest

from trato.accounts import demo as accounts_demo
from trato.accounts.models import User
from trato.partners import demo
from trato.partners.models import Contact, Partner

pytestmark = pytest.mark.django_db


def test_the_demo_companies_load_once_with_contacts_and_dialable_phones():
    accounts_demo.load()
    demo.load()
    demo.load()
    assert Partner.objects.count() == len(demo.COMPANIES)
    assert Contact.objects.count() == sum(len(rows) for rows in demo.CONTACTS.values())
    assert not Partner.objects.filter(phone_e164="").exists()
    assert Partner.objects.filter(is_customer=True, is_supplier=True).exists()
    assert Partner.objects.filter(is_prospect=True).exists()


def test_each_demo_role_finds_companies_to_work_on():
    accounts_demo.load()
    demo.load()
    for username in ("ventas", "jventas", "postventa", "compras", "jcompras", "calidad"):
        user = User.objects.get(username=username)
        assert Partner.objects.visible_to(user).exists(), username
    ventas = User.objects.get(username="ventas")
    assert Partner.objects.editable_by(ventas).filter(salesperson=ventas).exists()
