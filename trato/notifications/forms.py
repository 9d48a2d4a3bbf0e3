from typing import Any

from django import forms

from trato.notifications import registry
from trato.notifications.models import Channel


class PreferencesForm(forms.Form):
    """One choice of channel per declared kind of notification, each field named by the kind's key."""

    def __init__(self, *args: Any, initial_channels: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in registry.kinds():
            self.fields[kind.key] = forms.ChoiceField(
                label=str(kind.label),  # the form is made per request, in its language
                choices=Channel.choices,
                initial=initial_channels.get(kind.key, kind.default_channel),
                widget=forms.RadioSelect,
            )
