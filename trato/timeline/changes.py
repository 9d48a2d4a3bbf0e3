"""Tracked field values turned into the text a change entry shows: "salesperson: Ana → Luis".

Values are stored as display text when the change is recorded, so a timeline row never depends on
records that may be renamed or deleted later. Labels of choices and yes/no are stored in the source
language and translated when shown, dates are stored in ISO form and shown in the reader's locale and
time zone, and a field's label comes from its current verbose_name.
"""

from datetime import date, datetime

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _noop

from trato.timeline import registry

TEXT, CHOICE, BOOL, DATE, DATETIME = "text", "choice", "bool", "date", "datetime"
YES, NO = _noop("Yes"), _noop("No")


def model_field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _is_many(field, value) -> bool:
    if field is not None and field.many_to_many:
        return True
    return isinstance(value, list | tuple | set | frozenset | models.QuerySet)


def comparable(field, value):
    """A value reduced to what decides "changed": related objects by primary key, lists as sorted sets."""
    if _is_many(field, value):
        return tuple(sorted({repr(comparable(None, item)) for item in value or ()}))
    if isinstance(value, models.Model):
        return value.pk
    return None if value == "" else value


def _related_text(field, value) -> str:
    if isinstance(value, models.Model):
        return str(value)
    if field is not None and field.is_relation and field.related_model is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        if related is not None:
            return str(related)
    return str(value)


def _display(field, value) -> tuple[str, str]:
    if value is None or value == "":
        return TEXT, ""
    if _is_many(field, value):
        return TEXT, ", ".join(sorted(_related_text(field, item) for item in value))
    if field is not None and field.is_relation:
        return TEXT, _related_text(field, value)
    if field is not None and field.choices:
        return CHOICE, str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return BOOL, YES if value else NO
    if isinstance(value, datetime):
        return DATETIME, value.isoformat()
    if isinstance(value, date):
        return DATE, value.isoformat()
    return TEXT, str(value)


def _verbose_name(field) -> str | None:
    """A concrete field's label (in the active language); None for unknown names and reverse relations."""
    return getattr(field, "verbose_name", None)


def changed_fields(model, before: dict, after: dict) -> list[dict]:
    """One row per field whose value differs, texts in the source language (translated when shown)."""
    rows = []
    with translation.override(None):
        for name in dict.fromkeys([*before, *after]):
            field = model_field(model, name)
            old, new = before.get(name), after.get(name)
            if comparable(field, old) == comparable(field, new):
                continue
            old_type, old_text = _display(field, old)
            new_type, new_text = _display(field, new)
            kind = new_type if new_text else old_type
            label = str(_verbose_name(field) or name.replace("_", " "))
            rows.append({"field": name, "label": label, "type": kind, "old": old_text, "new": new_text})
    return rows


def _shown(kind: str, text: str) -> str:
    if not text:
        return ""
    try:
        if kind in (CHOICE, BOOL):
            return gettext(text)
        if kind == DATE:
            return formats.date_format(date.fromisoformat(text), "DATE_FORMAT")
        if kind == DATETIME:
            moment = datetime.fromisoformat(text)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "DATETIME_FORMAT")
    except ValueError:
        return text
    return text


def display_rows(entry) -> list[dict]:
    """The change rows of an entry in the reader's language, locale and time zone."""
    registration = registry.registration_by_key(entry.record_type)
    rows = []
    for change in entry.data.get("changes", []):
        field = model_field(registration.model, change.get("field", "")) if registration else None
        # The field's current label; the stored one only for a field that no longer exists.
        label = _verbose_name(field) or gettext(change.get("label", ""))
        kind = change.get("type", TEXT)
        rows.append(
            {
                "field": change.get("field", ""),
                "label": capfirst(label),
                "old": _shown(kind, change.get("old", "")),
                "new": _shown(kind, change.get("new", "")),
            }
        )
    return rows


def state_label_source(model, code: str) -> str:
    """The source-language label of a state code, from the registered state field's choices."""
    registration = registry.registration_for(model)
    field = model_field(model, registration.state_field) if registration.state_field else None
    if field is None or not field.choices:
        return code
    with translation.override(None):
        return str(dict(field.flatchoices).get(code, code))


def state_labels(entry) -> tuple[str, str]:
    data = entry.data
    old = data.get("old_label") or data.get("old", "")
    new = data.get("new_label") or data.get("new", "")
    return (gettext(old) if old else ""), (gettext(new) if new else "")
