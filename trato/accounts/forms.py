import logging
from functools import cache
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from trato.accounts.client_ip import client_ip
from trato.accounts.models import ApiToken, known_time_zones, normalize_email
from trato.accounts.services import password_reset_allowed
from trato.accounts.tasks import password_reset_mail_send

logger = logging.getLogger(__name__)


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(known_time_zones())]


def language_choices() -> list[tuple[str, str | Promise]]:
    return [("", _("The browser's language")), *settings.LANGUAGES]


class NormalizedEmailField(forms.EmailField):
    """An email address in the one spelling Trato stores (accounts.models.normalize_email), normalised before it is
    validated so that e.g. full-width letters typed by an input method are accepted as the plain ones."""

    def to_python(self, value):
        return normalize_email(super().to_python(value))


class PreferencesForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = NormalizedEmailField(label=_("Email"), required=False)
    language = forms.ChoiceField(label=_("Language"), choices=language_choices, required=False)
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices, help_text=_("Times are shown in this time zone.")
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("What the token is for, e.g. “ERP sync”."),
    )


class TratoPasswordResetForm(PasswordResetForm):
    """Queues the reset mail for the background worker (see accounts.tasks) instead of sending it here.

    Requests over the hourly limits (per email address, per client address) send nothing; the visitor is shown the
    same answer as always, so neither the limit nor the answer tells which addresses have an account."""

    email = NormalizedEmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def save(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        address = client_ip(request) if request is not None else None
        if not password_reset_allowed(email=self.cleaned_data["email"], address=address):
            logger.warning("Password reset request over the limit from %s; nothing sent", address)
            return
        # request is keyword-only here, so args cannot hold it too (mypy cannot see that through *args).
        super().save(*args, request=request, **kwargs)  # type: ignore[misc]

    def get_users(self, email):
        """The accounts with this address, compared as stored: normalised (see accounts.models.normalize_email).
        Machine accounts never get a reset link: nobody logs in as them."""
        return (user for user in super().get_users(normalize_email(email)) if not user.is_machine)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        password_reset_mail_send.enqueue(
            user_id=context["user"].pk,
            domain=context["domain"],
            protocol=context["protocol"],
            language=translation.get_language(),
        )
