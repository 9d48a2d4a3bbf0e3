from django import forms
from django.utils.translation import gettext_lazy as _

from trato.timeline import registry


def record_type_choices() -> list[tuple[str, str]]:
    return [(r.key, str(r.label).capitalize()) for r in registry.registrations()]


class FileOnRecordForm(forms.Form):
    # A callable: read when the form is shown, once every app has registered its records (AppConfig.ready).
    record_type = forms.ChoiceField(label=_("Record type"), choices=record_type_choices)
    record_id = forms.IntegerField(label=_("Record number"), min_value=1, max_value=2**63 - 1)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
