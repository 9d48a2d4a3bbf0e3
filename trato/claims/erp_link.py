"""The link an ERP puts on its documents to start a claim from them (docs/claims.md, "Starting a claim from the ERP").

/claims/new/?doc_type=delivery&number=ALB-2026-0042&date=2026-11-30&partner_ref=C00042
            &line=TOR-M8|Tornillo M8|L-2291|120|ud&line=...

Each ``line`` is ``product code|description|lot|quantity|unit`` (empty parts allowed, quantity with a dot or a comma).
The link only fills the new-claim form: nothing is saved until the user saves the draft. The document and its lines
travel with the form as hidden fields and become the claim's origin document.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from trato.claims.forms import QUICK_DOC_KINDS
from trato.claims.models import OriginType
from trato.partners.models import Partner

MAX_LINK_LINES = 50
LINE_PARTS = ("product_code", "description", "lot", "quantity", "unit")


def is_erp_link(query) -> bool:
    return bool(query.get("number") or query.get("doc_type"))


class ErpDocumentForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Document type"), choices=OriginType.choices)
    number = forms.CharField(label=_("Document number"), max_length=60)
    date = forms.DateField(label=_("Document date"), required=False, input_formats=["%Y-%m-%d"])
    partner_ref = forms.CharField(label=_("ERP code of the customer or supplier"), max_length=40, required=False)

    def clean_number(self) -> str:
        return " ".join(self.cleaned_data["number"].split())

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        raw_lines = self.data.getlist("line") if hasattr(self.data, "getlist") else []
        if len(raw_lines) > MAX_LINK_LINES:
            raise forms.ValidationError(_("A link may carry at most %(count)s lines.") % {"count": MAX_LINK_LINES})
        cleaned["lines"] = [self._line(text, index) for index, text in enumerate(raw_lines, start=1)]
        return cleaned

    @staticmethod
    def _line(text: str, index: int) -> dict[str, str | Decimal | None]:
        parts = [part.strip() for part in text.split("|")]
        if len(parts) > len(LINE_PARTS) or len(text) > 600:
            raise forms.ValidationError(
                _("Line %(index)s is not code|description|lot|quantity|unit.") % {"index": index}
            )
        texts = dict(zip(LINE_PARTS, parts + [""] * (len(LINE_PARTS) - len(parts)), strict=True))
        try:
            quantity = Decimal(texts["quantity"].replace(",", ".")) if texts["quantity"] else None
        except InvalidOperation:
            raise forms.ValidationError(
                _("Line %(index)s has a quantity that is not a number.") % {"index": index}
            ) from None
        if quantity is not None and not quantity.is_finite():
            raise forms.ValidationError(_("Line %(index)s has a quantity that is not a number.") % {"index": index})
        return {**texts, "quantity": quantity}

    def kind(self) -> str | None:
        return QUICK_DOC_KINDS.get(self.cleaned_data["doc_type"])

    def partner_for(self, user) -> Partner | None:
        """The one partner the user may see with this ERP code; None when absent or ambiguous."""
        ref = self.cleaned_data.get("partner_ref")
        if not ref:
            return None
        found = list(Partner.objects.visible_to(user).filter(ref=ref, is_archived=False)[:2])
        return found[0] if len(found) == 1 else None

    def origin(self) -> dict:
        data = self.cleaned_data
        return {"doc_type": data["doc_type"], "number": data["number"], "date": data["date"], "lines": data["lines"]}

    def hidden_values(self) -> list[tuple[str, str]]:
        """The document as hidden inputs, so that it survives the form's round trip unchanged."""
        names = ("doc_type", "number", "date", "partner_ref")
        values = [(name, self.data.get(name, "")) for name in names if self.data.get(name)]
        lines = self.data.getlist("line") if hasattr(self.data, "getlist") else []
        return values + [("line", text) for text in lines]

    def doc_type_label(self) -> str:
        return str(OriginType(self.cleaned_data["doc_type"]).label)

    def default_subject(self) -> str:
        return f"{OriginType(self.cleaned_data['doc_type']).label} {self.cleaned_data['number']}"
