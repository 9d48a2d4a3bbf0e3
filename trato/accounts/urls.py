from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from trato.accounts import views
from trato.accounts.forms import TratoPasswordResetForm

app_name = "accounts"


def _message(title, text, link_url, link_label) -> dict:
    """Context for templates/accounts/message_page.html."""
    return {"title": title, "text": text, "link_url": link_url, "link_label": link_label}


urlpatterns = [
    path("login/", views.TratoLoginView.as_view(), name="login"),
    path("logout/", views.TratoLogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("profile/", views.profile, name="profile"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("teams/", views.teams, name="teams"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/form_page.html",
            success_url=reverse_lazy("accounts:password_change_done"),
            extra_context={"title": _("Change your password"), "submit_label": _("Change password")},
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/message_page.html",
            extra_context=_message(
                _("Password changed"),
                _("Your password is changed. Use the new one the next time you log in."),
                reverse_lazy("accounts:profile"),
                _("Back to my preferences"),
            ),
        ),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/form_page.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            form_class=TratoPasswordResetForm,
            success_url=reverse_lazy("accounts:password_reset_done"),
            extra_context={
                "title": _("Reset your password"),
                "intro": _(
                    "Enter the email address of your account and we will send you a link to choose a new password."
                ),
                "submit_label": _("Send me the link"),
            },
        ),
        name="password_reset",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/message_page.html",
            extra_context=_message(
                _("Check your email"),
                _(
                    "If an account has that address, we have sent it a link to choose a new password. "
                    "The link works once."
                ),
                reverse_lazy("accounts:login"),
                _("Back to log in"),
            ),
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.TratoPasswordResetConfirmView.as_view(
            template_name="accounts/form_page.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
            extra_context={"submit_label": _("Set my password")},
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/message_page.html",
            extra_context=_message(
                _("Password set"),
                _("Your new password is set. You can log in with it now."),
                reverse_lazy("accounts:login"),
                _("Log in"),
            ),
        ),
        name="password_reset_complete",
    ),
]
