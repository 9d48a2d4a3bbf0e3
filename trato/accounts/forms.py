from functools import cache

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from trato.accounts.models import ApiToken, known_time_zones
from trato.accounts.tasks import password_reset_mail_send


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(known_time_zones())]


def language_choices() -> list[tuple[str, str]]:
    return [("", _("The browser's language")), *settings.LANGUAGES]


class PreferencesForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
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
    """Queues the reset mail for the background worker (see accounts.tasks) instead of sending it here."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        password_reset_mail_send.enqueue(
            user_id=context["user"].pk,
            domain=context["domain"],
            protocol=context["protocol"],
            language=translation.get_language(),
        )
