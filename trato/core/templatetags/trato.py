from typing import Any

from django import forms, template
from django.utils.http import urlencode
from django.utils.safestring import SafeString

register = template.Library()


def _css_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return ""
    return "form-control"


@register.filter
def bs_widget(bound_field: forms.BoundField) -> SafeString:
    """Render a form field with Bootstrap classes and accessible error wiring."""
    attrs: dict[str, str | bool] = {"class": _css_class(bound_field.field.widget)}
    if bound_field.errors:
        attrs["class"] = f"{attrs['class']} is-invalid"
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{bound_field.auto_id}_error"
    elif bound_field.help_text:
        attrs["aria-describedby"] = f"{bound_field.auto_id}_helptext"
    return bound_field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (None removes one): keeps list state in URLs."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True) if params else "?"
