from typing import cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from trato.core.errors import DomainError
from trato.mail.addresses import parse_list
from trato.mail.services import MAX_BODY_LENGTH, MAX_SUBJECT_LENGTH
from trato.timeline.forms import MultipleFileField


class ComposeForm(forms.Form):
    to = forms.MultipleChoiceField(label=_("To"), required=False, widget=forms.CheckboxSelectMultiple)
    to_other = forms.CharField(
        label=_("Other addresses"), required=False, max_length=2000, help_text=_("Separate addresses with commas.")
    )
    cc = forms.CharField(label=_("Cc"), required=False, max_length=2000, help_text=_("Separate addresses with commas."))
    subject = forms.CharField(label=_("Subject"), max_length=MAX_SUBJECT_LENGTH)
    body = forms.CharField(label=_("Message"), max_length=MAX_BODY_LENGTH, widget=forms.Textarea(attrs={"rows": 10}))
    language = forms.ChoiceField(
        label=_("Language of the message"), choices=settings.LANGUAGES, help_text=_("For the lines Trato adds.")
    )
    attachments: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Files of this record"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    # A declared field: the form's metaclass moves it to base_fields, so it does not hide BaseForm.files.
    files = MultipleFileField(label=_("Upload files"), required=False)  # type: ignore[assignment]

    def __init__(self, *args, people: dict, attachments, **kwargs):
        """``people``: {choice value: Recipient} offered as To; ``attachments``: the record's files."""
        super().__init__(*args, **kwargs)
        self.people = people
        cast(forms.ChoiceField, self.fields["to"]).choices = [(value, p.formatted()) for value, p in people.items()]
        offered = cast(forms.ModelMultipleChoiceField, self.fields["attachments"])
        offered.queryset = attachments
        # Django documents overriding label_from_instance per instance; the stubs type it as a method only.
        offered.label_from_instance = lambda attachment: attachment.name  # type: ignore[method-assign,assignment]
        if not attachments.exists():
            del self.fields["attachments"]

    def _addresses(self, name: str):
        try:
            return parse_list(self.cleaned_data.get(name, ""), name)
        except DomainError as error:
            raise forms.ValidationError(str(error.message)) from None

    def clean_to_other(self):
        return self._addresses("to_other")

    def clean_cc(self):
        return self._addresses("cc")

    def clean(self) -> dict:
        data = super().clean() or {}
        data["recipients"] = [self.people[value] for value in data.get("to", [])] + data.get("to_other", [])
        if not data["recipients"] and not self.errors:
            self.add_error("to", _("Choose at least one recipient or type an address."))
        return data
