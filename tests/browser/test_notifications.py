"""On a phone, a user sees the bell's count, opens the notification, lands on the claim, and chooses to be told by
email too; every page passes axe (the page fixture checks each one)."""

import pytest
from playwright.sync_api import expect

from tests.claims.support import claims_admin, make_claim
from tests.factories import UserFactory
from trato.accounts.roles import Role
from trato.notifications.models import Notification
from trato.notifications.services import notify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bell_leads_to_the_claim_and_the_preferences_are_kept(page, login):
    ana = UserFactory(username="ana", first_name="Ana", roles=[Role.AFTER_SALES_USER], language="en")
    claim = make_claim(by=claims_admin(), responsible=ana, subject="Bombas con fuga")  # tells Ana after commit
    notify(kind="claims.reply", recipients=[ana], record=claim, sender="Lucía Gómez", mail_subject="Re: fotos",
           number=claim.number)  # fmt: skip
    assert Notification.objects.filter(recipient=ana).count() == 2
    page.set_viewport_size({"width": 390, "height": 844})
    login(ana)

    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Notifications: 2 unread").click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    page.get_by_role("link", name=f"Lucía Gómez wrote on claim {claim.number}: Re: fotos").click()

    page.wait_for_url(f"**{claim.get_absolute_url()}")
    assert Notification.objects.filter(recipient=ana, read_at__isnull=True).count() == 1

    page.goto("/notifications/")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.locator("a.notification-bell")).to_have_attribute("aria-label", "Notifications: none unread")
    page.get_by_role("link", name="How I am told").click()
    page.get_by_role("group", name="A customer or supplier writes on a claim of mine").get_by_label(
        "In the app and by email"
    ).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Your notification preferences are saved.")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.reload()
    expect(page.get_by_label("In the app and by email").first).to_be_visible()
