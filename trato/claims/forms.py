"""Forms for claims and what they carry. They validate what users type; the services decide and save."""

import re
from typing import Any, cast

from django import forms
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from trato.accounts.models import SalesTeam
from trato.accounts.selectors import assignable_users
from trato.claims import access
from trato.claims.models import (
    Action,
    Category,
    Cause,
    Claim,
    Kind,
    OriginDocument,
    OriginLine,
    OriginType,
    Repair,
    Resolution,
    State,
)
from trato.claims.subresources import MAX_LINES
from trato.core.numbers import NumberField
from trato.core.pickers import PickerSelect, PickerSelectMultiple
from trato.partners.models import Partner
from trato.partners.pickers import contacts_of

PARTNER_OF_KIND = {
    Kind.CUSTOMER: Q(is_customer=True) | Q(is_prospect=True),
    Kind.SUPPLIER: Q(is_supplier=True),
    Kind.INTERNAL: Q(),
}
# The kind of claim a document's number points to: what we received comes from a supplier, what we sent to a customer.
# Who the other party is, in the words of each kind: a supplier non-conformity never speaks of "the customer".
PARTNER_LABELS = {Kind.CUSTOMER: _("Customer"), Kind.SUPPLIER: _("Supplier"), Kind.INTERNAL: _("Company")}
PARTNER_LABEL_ANY_KIND = _("Customer / supplier")


def partner_heading(kinds) -> str:
    """The heading over the other party of these kinds of claims: their own word when they are all of one kind."""
    kinds = set(kinds)
    return str(PARTNER_LABELS.get(kinds.pop(), PARTNER_LABEL_ANY_KIND) if len(kinds) == 1 else PARTNER_LABEL_ANY_KIND)


RESOLUTION_NOTE_LABELS = {
    Kind.CUSTOMER: _("Resolution given to the customer"),
    Kind.SUPPLIER: _("Resolution agreed with the supplier"),
    Kind.INTERNAL: _("Resolution"),
}

QUICK_DOC_KINDS = {
    OriginType.GOODS_RECEIPT: Kind.SUPPLIER,
    OriginType.RECEIPT_RETURN: Kind.SUPPLIER,
    OriginType.DELIVERY: Kind.CUSTOMER,
    OriginType.DELIVERY_RETURN: Kind.CUSTOMER,
    OriginType.INVOICE: Kind.CUSTOMER,
}
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    return cast(forms.ModelChoiceField, form.fields[name])


def kind_choices(user) -> list[tuple[str, StrOrPromise]]:
    allowed = access.creatable_kinds(user)
    return [(value, label) for value, label in Kind.choices if value in allowed]


def partners_for(user, kinds) -> QuerySet[Partner]:
    condition = Q(pk__in=[])
    for kind in kinds:
        condition |= PARTNER_OF_KIND[kind]
    return Partner.objects.visible_to(user).filter(condition, is_archived=False).order_by("name")


def kind_for_partner(user, partner: Partner | None) -> str | None:
    """The claim kind a partner's "New claim" button means: the first the partner fits and the user may create."""
    if partner is None:
        return None
    allowed = access.creatable_kinds(user)
    if Kind.CUSTOMER in allowed and (partner.is_customer or partner.is_prospect):
        return Kind.CUSTOMER
    if Kind.SUPPLIER in allowed and partner.is_supplier:
        return Kind.SUPPLIER
    return None


def active_users():
    """People who may take on a claim: never an account machines use (the mail gateway)."""
    return assignable_users().order_by("first_name", "last_name", "username")


class VersionForm(forms.Form):
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


def mark_needed(form: forms.BaseForm, names) -> None:
    """Mark fields a move will ask for (opening, closing) as the required ones are, without refusing the form
    without them: the workflow's guard says what is missing, all at once, when the move is made."""
    for name in names:
        if name in form.fields:
            form.fields[name].needed = True  # type: ignore[attr-defined]  # our own flag, read by the field template
            form.fields[name].widget.attrs["aria-required"] = "true"


def mark_required_selects(form: forms.BaseForm) -> None:
    """A required select whose first option is a real choice is rendered without ``required`` (HTML would have it
    start empty): it still says so to assistive technology, as the asterisk says it on screen."""
    for field in form.fields.values():
        select = isinstance(field.widget, forms.Select) and not isinstance(field.widget, forms.SelectMultiple)
        if select and field.required and not field.disabled and not field.widget.use_required_attribute(None):
            field.widget.attrs["aria-required"] = "true"


NEEDED_TO_OPEN = ("partner", "responsible", "category", "description")
NEEDED_TO_CLOSE = ("resolution", "closing_note")


class ClaimForm(forms.ModelForm):
    """Create (with a kind) or edit (kind fixed) a claim. Choices are narrowed to what fits the kind."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Claim
        fields = [
            "kind", "subject", "partner", "contact", "responsible", "assignees", "team", "category", "priority",
            "channel", "received_on", "deadline", "external_ref", "description",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "received_on": DATE_WIDGET,
            "deadline": DATE_WIDGET,
            # Searching pickers (trato/core/pickers.py): the page lists only the chosen ones, never every partner.
            "partner": PickerSelect("claims.partner"),
            "contact": PickerSelect("partners.contact"),
            "responsible": PickerSelect("claims.taker"),
            "assignees": PickerSelectMultiple("claims.taker"),
        }

    def __init__(self, *args, user, kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        editing = bool(self.instance.pk)
        creatable = [value for value, _label in kind_choices(user)]
        kind = self.instance.kind if editing else (self.data.get("kind") or kind)
        # A posted kind the user may not create must not widen the choices: they would list its categories.
        kinds = [kind] if editing or kind in creatable else creatable
        self.fields["kind"] = forms.ChoiceField(label=_("Kind"), choices=kind_choices(user), initial=kind)
        if editing:
            self.fields["kind"].disabled = True
            _choice(self, "kind").choices = Kind.choices
            self.initial["version"] = self.instance.version
        _model_choice(self, "partner").queryset = partners_for(user, kinds)
        if len(kinds) == 1 and kinds[0] in PARTNER_LABELS:
            self.fields["partner"].label = PARTNER_LABELS[Kind(kinds[0])]
        _model_choice(self, "category").queryset = Category.objects.filter(kind__in=kinds, is_active=True)
        takers = active_users().filter(access.takers_condition(kinds))
        _model_choice(self, "responsible").queryset = takers
        _model_choice(self, "assignees").queryset = takers
        _model_choice(self, "team").queryset = SalesTeam.objects.order_by("name")
        _model_choice(self, "contact").queryset = self._contacts(user)
        self.fields["received_on"].required = False
        if self.instance.state in ("", State.DRAFT):
            mark_needed(self, [name for name in NEEDED_TO_OPEN if name != "partner" or kind != Kind.INTERNAL])
        mark_required_selects(self)

    def _contacts(self, user):
        partner = self.data.get("partner") or self.initial.get("partner") or self.instance.partner_id
        if isinstance(partner, Partner):
            partner = partner.pk
        return contacts_of(user, str(partner or "")).order_by("last_name", "first_name")

    def _post_clean(self):
        pass  # the services validate the model

    def service_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data["assignees"] = list(data["assignees"] or [])
        if not data["received_on"]:
            data.pop("received_on")
        if self.instance.pk:
            data.pop("kind")
        return data


class QuickCreateForm(forms.Form):
    """A claim from a document number typed or pasted from the ERP: the number, its type and the partner."""

    number = forms.CharField(label=_("Document number"), max_length=60)
    doc_type = forms.ChoiceField(label=_("Document type"))
    partner = forms.ModelChoiceField(
        label=_("Customer / supplier"), queryset=Partner.objects.none(), widget=PickerSelect("claims.partner")
    )
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    # Set once the user has seen the claims that already cite this document and chose to go on.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        allowed = access.creatable_kinds(user)
        _choice(self, "doc_type").choices = [
            (value, label) for value, label in OriginType.choices if QUICK_DOC_KINDS.get(OriginType(value)) in allowed
        ]
        _model_choice(self, "partner").queryset = partners_for(
            user, {QUICK_DOC_KINDS[t] for t in QUICK_DOC_KINDS} & allowed
        )
        mark_required_selects(self)

    def clean_number(self) -> str:
        return " ".join(self.cleaned_data["number"].split())

    def claims_citing_the_document(self) -> list[Claim]:
        """Claims this user may see that already cite this document number for this partner."""
        return list(
            Claim.objects.visible_to(self.user)
            .filter(partner=self.cleaned_data["partner"], origins__number__iexact=self.cleaned_data["number"])
            .distinct()
            .order_by("-created_at")[:10]
        )

    def service_data(self) -> dict:
        doc_type = self.cleaned_data["doc_type"]
        number = self.cleaned_data["number"]
        subject = self.cleaned_data["subject"] or f"{OriginType(doc_type).label} {number}"
        return {
            "kind": QUICK_DOC_KINDS[doc_type],
            "subject": subject,
            "partner": self.cleaned_data["partner"],
            "origins": [{"doc_type": doc_type, "number": number, "date": None, "lines": []}],
        }


class MoveForm(forms.Form):
    """What a move asks for: a reason (cancel, reopen), the resolution and closing note (close)."""

    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    acknowledge = forms.BooleanField(
        label=_("Send the customer an acknowledgement with the claim number"), required=False
    )
    resolution = forms.ChoiceField(label=_("Resolution"), choices=[("", "---------"), *Resolution.choices],
                                   required=False)  # fmt: skip
    resolution_notes = forms.CharField(
        label=_("Resolution given to the customer"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    resolution_cost = NumberField(label=_("Cost"), required=False, max_digits=12, decimal_places=2, min_value=0)
    closing_note = forms.CharField(label=_("Closing note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, move: str, claim: Claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", claim.version)
        self.fields["resolution_notes"].label = RESOLUTION_NOTE_LABELS.get(Kind(claim.kind), _("Resolution"))
        if move == "close":
            self.initial.update(self._resolution_to_start_from(claim))
        keep = {
            "open": {"version", "acknowledge"} if claim.kind == Kind.CUSTOMER else {"version"},
            "close": {"version", "resolution", "resolution_notes", "resolution_cost", "closing_note"},
            "cancel": {"version", "reason"},
            "reopen": {"version", "reason"},
        }[move]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "reason" in self.fields:
            self.fields["reason"].required = True
        if move == "close":
            mark_needed(self, NEEDED_TO_CLOSE)

    @staticmethod
    def _resolution_to_start_from(claim: Claim) -> dict:
        """The claim's resolution; for a reopened claim not resolved again yet, the last one, to amend."""
        names = ("resolution", "resolution_notes", "resolution_cost", "closing_note")
        if not claim.resolution and claim.resolution_history:
            return {name: claim.resolution_history[-1].get(name) for name in names}
        return {name: getattr(claim, name) for name in names}

    def resolution_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("resolution", "resolution_notes", "resolution_cost")}


# What a claim carries


class ServiceForm(forms.ModelForm):
    def _post_clean(self) -> None:
        pass

    def service_data(self) -> dict:
        fields: list[str] = self._meta.fields or []  # type: ignore[assignment]  # every subclass lists its fields
        return {name: self.cleaned_data.get(name) for name in fields}


LINE_FIELDS = ("product_code", "description", "lot", "quantity", "unit")
_POSTED_LINE = re.compile(r"line(\d{1,3})_product_code")


class OriginForm(ServiceForm):
    """An origin document with its affected lines: three rows to begin with, and as many as the page added
    ("Add a line", static/trato/trato.js), up to the services' limit."""

    LINES = 3

    class Meta:
        model = OriginDocument
        fields = ["doc_type", "number", "date"]
        widgets = {"date": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        posted = [int(match.group(1)) + 1 for name in self.data if (match := _POSTED_LINE.fullmatch(name))]
        self.line_count = min(max([self.LINES, *posted]), MAX_LINES)
        for index in range(self.line_count):
            for name in LINE_FIELDS:
                model_field = cast(models.Field, OriginLine._meta.get_field(name))
                options: dict[str, Any] = {"form_class": NumberField} if name == "quantity" else {}
                self.fields[f"line{index}_{name}"] = cast(forms.Field, model_field.formfield(required=False, **options))

    def line_rows(self) -> list[list]:
        return [[self[f"line{index}_{name}"] for name in LINE_FIELDS] for index in range(self.line_count)]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        for index in range(self.line_count):
            values = [cleaned.get(f"line{index}_{name}") for name in LINE_FIELDS[1:]]
            if any(v not in (None, "") for v in values) and not cleaned.get(f"line{index}_product_code"):
                self.add_error(f"line{index}_product_code", _("A line needs its product code."))
        return cleaned

    def service_data(self) -> dict:
        data = super().service_data()
        data["lines"] = []
        for index in range(self.line_count):
            line = {name: self.cleaned_data.get(f"line{index}_{name}") for name in LINE_FIELDS}
            if line["product_code"]:
                data["lines"].append(line)
        return data


class CauseForm(ServiceForm):
    class Meta:
        model = Cause
        fields = ["category", "description", "our_fault"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ActionForm(ServiceForm):
    class Meta:
        model = Action
        fields = ["kind", "description", "owner", "due_on", "done_on", "effectiveness_check", "carried_over"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "effectiveness_check": forms.Textarea(attrs={"rows": 2}),
            "due_on": DATE_WIDGET,
            "done_on": DATE_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _model_choice(self, "owner").queryset = active_users()


class RepairForm(ServiceForm):
    class Meta:
        model = Repair
        fields = ["reference", "product_code", "serial", "description", "state", "started_on", "finished_on", "cost"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "started_on": DATE_WIDGET,
            "finished_on": DATE_WIDGET,
        }
        field_classes = {"cost": NumberField}


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["kind", "name", "default_deadline_days", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = access.configurable_kinds(user)
        _choice(self, "kind").choices = [(value, label) for value, label in Kind.choices if value in allowed]
        if self.instance.pk:
            self.fields["kind"].disabled = True

    def _post_clean(self):
        pass

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}
