from typing import TypeVar

from django import forms

from trato.core.errors import DomainError

_Field = TypeVar("_Field", bound=forms.Field)


def form_field(form: forms.BaseForm, name: str, kind: type[_Field]) -> _Field:
    """``form.fields[name]`` as the kind of field it is, for code that sets its queryset or choices per form."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}.")
    return field


def add_domain_error(form: forms.BaseForm, error: DomainError) -> None:
    """Show a refused write inline: on its fields when it names them, above the form otherwise."""
    for field, messages in error.fields.items():
        form.add_error(field if field in form.fields else None, [str(m) for m in messages])
    if not error.fields:
        form.add_error(None, str(error.message))
