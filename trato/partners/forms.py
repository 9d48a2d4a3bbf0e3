"""Forms for partners and contacts. They validate what users type; the services decide and save."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from trato.accounts.roles import PURCHASING, SALES
from trato.accounts.selectors import assignable_users
from trato.partners.models import KIND_LABELS, KINDS, Contact, Partner, creatable_kinds

MAX_VCF_BYTES = 2 * 1024 * 1024


def _users_with(roles) -> "forms.ModelChoiceField":
    queryset = assignable_users().filter(groups__name__in=list(roles)).distinct().order_by("first_name")
    return forms.ModelChoiceField(queryset=queryset, required=False)


def tag_names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


class PartnerForm(forms.ModelForm):
    is_prospect = forms.BooleanField(label=KIND_LABELS["prospect"], required=False)
    is_customer = forms.BooleanField(label=KIND_LABELS["customer"], required=False)
    is_supplier = forms.BooleanField(label=KIND_LABELS["supplier"], required=False)
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=500, help_text=_("Separated by commas; new tags are created.")
    )
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    save_anyway = forms.BooleanField(label=_("Save anyway: it is not a duplicate"), required=False)

    class Meta:
        model = Partner
        fields = [
            "name", "ref", "is_prospect", "is_customer", "is_supplier", "tax_id", "email", "invoice_email",
            "phone", "mobile", "website", "street", "street2", "postal_code", "city", "state", "country",
            "language", "tags", "salesperson", "purchasing_responsible", "notes",
        ]  # fmt: skip
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salesperson"] = _users_with(SALES)
        self.fields["salesperson"].label = _("Salesperson")
        self.fields["purchasing_responsible"] = _users_with(PURCHASING)
        self.fields["purchasing_responsible"].label = _("Purchasing responsible")
        allowed = creatable_kinds(user)
        for kind in KINDS:
            # Kinds the user's role may not give or take away are shown but cannot be changed.
            self.fields[f"is_{kind}"].disabled = kind not in allowed
        self._check_duplicates_while_typing()
        if self.instance.pk:
            self.initial["tags"] = ", ".join(t.name for t in self.instance.tags.all())
            self.initial["version"] = self.instance.version

    def _check_duplicates_while_typing(self) -> None:
        url = reverse("partners:duplicates") + (f"?exclude={self.instance.pk}" if self.instance.pk else "")
        for name in ("name", "tax_id", "email", "phone"):
            self.fields[name].widget.attrs.update({
                "hx-get": url, "hx-trigger": "input changed delay:500ms", "hx-target": "#duplicate-hints",
                "hx-include": "#id_name, #id_tax_id, #id_email, #id_phone", "hx-sync": "closest form:replace",
            })  # fmt: skip

    def kind_fields(self):
        return [self[f"is_{kind}"] for kind in KINDS]

    def clean_country(self) -> str:
        return (self.cleaned_data.get("country") or "").strip().upper()

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if not any(cleaned.get(f"is_{kind}") for kind in KINDS):
            self.add_error(None, _("Choose at least one: prospect, customer or supplier."))
        return cleaned

    def _post_clean(self):
        # The services validate the model (and give the constraints' messages); the form only checks the input.
        pass

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if not name.startswith("is_")}
        data["tags"] = tag_names(self.cleaned_data["tags"])
        data["kinds"] = {kind for kind in KINDS if self.cleaned_data.get(f"is_{kind}")}
        return data


class ContactForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Contact
        fields = ["first_name", "last_name", "job_title", "department", "email", "phone", "mobile", "language",
                  "notes"]  # fmt: skip
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["version"] = self.instance.version

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class VersionForm(forms.Form):
    """Archive and restore buttons send the version shown, so a stale page cannot undo someone's change."""

    version = forms.IntegerField(required=False, min_value=1)


class VcardImportForm(forms.Form):
    file = forms.FileField(label=_("vCard file (.vcf)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_VCF_BYTES:
            raise forms.ValidationError(_("The file is too large: up to 2 MB."))
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        return upload.read()
