from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from trato.accounts.models import User
from trato.core import events
from trato.webhooks.models import Endpoint


class EndpointForm(forms.Form):
    """What the page asks; the service (services.endpoint_create/update) checks and saves it."""

    url = forms.URLField(
        label=_("URL"), max_length=500, assume_scheme="https",
        help_text=_("Where Trato posts the events, such as https://erp.example.com/trato/events"),
    )  # fmt: skip
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"), widget=forms.CheckboxSelectMultiple, help_text=_("What this endpoint is told about.")
    )
    owner = forms.ModelChoiceField(
        label=_("Sent as"), queryset=User.objects.none(), required=False, empty_label=_("Me"),
        help_text=_("Only records this user may see are sent, and only what this user may see of them."),
    )  # fmt: skip
    is_active = forms.BooleanField(label=pgettext_lazy("webhook endpoint", "Active"), required=False, initial=True)
    allow_private_addresses = forms.BooleanField(
        label=_("Allow private addresses"), required=False,
        help_text=_("Deliver to loopback, private or link-local addresses (an ERP on the internal network)."),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    FIELDS = ("url", "description", "events", "owner", "is_active", "allow_private_addresses")

    def __init__(self, *args: Any, endpoint: Endpoint | None = None, **kwargs: Any) -> None:
        if endpoint is not None and not args and "data" not in kwargs:
            kwargs["initial"] = {name: getattr(endpoint, name) for name in self.FIELDS} | {"version": endpoint.version}
        super().__init__(*args, **kwargs)
        chosen = cast(forms.MultipleChoiceField, self.fields["events"])
        owner = cast("forms.ModelChoiceField[User]", self.fields["owner"])
        chosen.choices = [(kind.name, f"{kind.label} ({kind.name})") for kind in events.event_types()]
        owner.queryset = User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")

    def data_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}
