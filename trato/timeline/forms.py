from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trato.core.forms import form_field
from trato.timeline.models import Channel, Direction
from trato.timeline.services import MAX_TEXT_LENGTH


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type=file multiple>; each is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("allow_empty_file", True)  # the service refuses empty files with the file's name
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else [data] if data else []
        if not items and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def _now_to_the_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), max_length=MAX_TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


class CommunicationForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, initial=Direction.OUTBOUND)
    occurred_at = forms.DateTimeField(
        label=_("Date and time"),
        initial=_now_to_the_minute,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    contact: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(label=_("Contact"), queryset=None, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=MAX_TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, contacts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if contacts is None:
            del self.fields["contact"]
        else:
            form_field(self, "contact", forms.ModelChoiceField).queryset = contacts


class AttachmentForm(forms.Form):
    # The form's metaclass moves declared fields into base_fields, so BaseForm.files (the uploads) stays as it is.
    files = MultipleFileField(label=_("Files"))  # type: ignore[assignment]
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=MAX_TEXT_LENGTH)
