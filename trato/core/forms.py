from django import forms

from trato.core.errors import DomainError


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a refused write inline: on its fields when it names them, above the form otherwise."""
    for field, messages in error.fields.items():
        form.add_error(field if field in form.fields else None, [str(m) for m in messages])
    if not error.fields:
        form.add_error(None, str(error.message))
