from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from trato.accounts import views
from trato.accounts.forms import TratoPasswordResetForm

app_name = "accounts"


def _message_page(view_class, *, title, text, link_to: str, link_label):
    """One of Django's "done" pages shown as templates/accounts/message_page.html: a title, a text and a link."""
    context = {"title": title, "text": text, "link_url": reverse_lazy(link_to), "link_label": link_label}
    return view_class.as_view(template_name="accounts/message_page.html", extra_context=context)


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
        _message_page(
            auth_views.PasswordChangeDoneView,
            title=_("Password changed"),
            text=_("Your password is changed. Use the new one the next time you log in."),
            link_to="accounts:profile",
            link_label=_("Back to my preferences"),
        ),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/form_page.html",
            form_class=TratoPasswordResetForm,  # the mail itself is written by accounts.tasks
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
        _message_page(
            auth_views.PasswordResetDoneView,
            title=_("Check your email"),
            text=_(
                "If an account has that address, we have sent it a link to choose a new password. The link works once."
            ),
            link_to="accounts:login",
            link_label=_("Back to log in"),
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
        _message_page(
            auth_views.PasswordResetCompleteView,
            title=_("Password set"),
            text=_("Your new password is set. You can log in with it now."),
            link_to="accounts:login",
            link_label=_("Log in"),
        ),
        name="password_reset_complete",
    ),
]
