"""Each user chooses per kind: in the app, by email, both or neither; the kind's default otherwise."""

import pytest

from trato.core.errors import InvalidInput, NotAllowed
from trato.mail.models import OutboundMessage
from trato.notifications import services
from trato.notifications.models import Notification, Preference


@pytest.fixture
def claim(claim_of, ana):
    return claim_of(responsible=ana)


@pytest.fixture
def tell(django_capture_on_commit_callbacks):
    def run(claim, user, kind="claims.assigned"):
        with django_capture_on_commit_callbacks(execute=True):
            services.notify(kind=kind, recipients=[user], record=claim, number=claim.number, subject=claim.subject)

    return run


@pytest.mark.parametrize(
    ("channel", "shown", "mailed"),
    [("in_app", True, False), ("email", False, True), ("both", True, True), ("none", None, False)],
)
def test_the_users_choice_routes_the_notification(claim, ana, tell, channel, shown, mailed):
    services.preferences_save(user=ana, by=ana, channels={"claims.assigned": channel})

    tell(claim, ana)

    notice = Notification.objects.filter(recipient=ana).first()
    assert (notice.in_app if notice else None) is shown
    assert Notification.objects.visible_to(ana).exists() is bool(shown)
    mail = OutboundMessage.objects.filter(recipients__address=ana.email).first()
    assert (mail is not None) is mailed
    if mail is not None:
        assert mail.automatic and not mail.record_type  # the user's own mail: not on the claim's timeline
        assert claim.number in mail.subject and claim.number in mail.body_text


def test_without_a_choice_the_kinds_default_applies(claim, ana, tell):
    tell(claim, ana, kind="claims.assigned")  # in the app
    tell(claim, ana, kind="claims.mail_undelivered")  # both

    assert Notification.objects.visible_to(ana).count() == 2
    assert OutboundMessage.objects.filter(recipients__address=ana.email).count() == 1
    assert services.preferences_of(ana)["claims.mail_undelivered"] == "both"


def test_the_mail_is_written_in_the_recipients_language(claim, ana, tell):
    ana.language = "es"
    ana.save()
    services.preferences_save(user=ana, by=ana, channels={"claims.assigned": "email"})

    tell(claim, ana)

    mail = OutboundMessage.objects.get()
    assert mail.language == "es"
    assert f"Reclamación {claim.number} asignada: {claim.subject}" in mail.body_text


def test_email_only_without_an_address_is_shown_in_the_app(claim, ana, tell):
    ana.email = ""
    ana.save()
    services.preferences_save(user=ana, by=ana, channels={"claims.assigned": "email"})

    tell(claim, ana)

    assert Notification.objects.visible_to(ana).count() == 1
    assert not OutboundMessage.objects.exists()


def test_choosing_the_default_again_forgets_the_choice(ana):
    services.preferences_save(user=ana, by=ana, channels={"claims.reply": "both"})
    services.preferences_save(user=ana, by=ana, channels={"claims.reply": "in_app"})

    assert not Preference.objects.exists()


def test_a_wrong_channel_or_kind_is_refused_and_changes_nothing(ana, bruno):
    with pytest.raises(InvalidInput) as refused:
        services.preferences_save(user=ana, by=ana, channels={"claims.reply": "pigeon", "nope": "email"})
    assert set(refused.value.fields) == {"claims.reply", "nope"}
    with pytest.raises(NotAllowed):
        services.preferences_save(user=ana, by=bruno, channels={"claims.reply": "email"})
    assert not Preference.objects.exists()


def test_the_preferences_page_saves_each_kind(client_for, ana):
    client = client_for(ana)
    page = client.get("/notifications/preferences/")
    assert page.status_code == 200
    assert "A customer or supplier writes on a claim of mine" in page.content.decode()

    choices = dict.fromkeys(services.preferences_of(ana), "in_app") | {"claims.reply": "email"}
    response = client.post("/notifications/preferences/", choices)

    assert response.status_code == 302
    assert services.preferences_of(ana)["claims.reply"] == "email"
    assert client.post("/notifications/preferences/", {**choices, "claims.reply": "x"}).status_code == 200


def test_the_profile_page_links_to_the_preferences(client_for, ana):
    assert 'href="/notifications/preferences/"' in client_for(ana).get("/accounts/profile/").content.decode()
