"""Validation every service shares: ids that cannot overflow, model validation as field errors, sane dates.

Services collect field errors as ``{field: [message, ...]}`` and call ``raise_if_any`` once, so the caller hears
about every bad field at the same time and nothing is saved.
"""

import datetime
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from trato.core.errors import InvalidInput

# Dates outside these bounds are typos (0026 for 2026) and, near year 9999, overflow date arithmetic.
EARLIEST_DATE = datetime.date(1990, 1, 1)
YEARS_AHEAD = 10
# The largest primary key the databases hold (BigAutoField); a larger number in a filter overflows the driver.
MAX_ID = 2**63 - 1


def is_record_id(value: object) -> bool:
    """Whether ``value`` (typed or posted) can be a primary key, so that looking it up cannot overflow."""
    text = str(value)
    return text.isdigit() and 0 < int(text) <= MAX_ID


def field_max_length(model: type[models.Model], name: str) -> int:
    """The ``max_length`` of a model's text field, for checks made before the model validates (API limits)."""
    max_length = getattr(model._meta.get_field(name), "max_length", None)
    if not isinstance(max_length, int):
        raise TypeError(f"{model.__name__}.{name} has no max_length.")
    return max_length


def latest_date() -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year + YEARS_AHEAD, day=min(today.day, 28))


def date_range_errors(record: models.Model, exclude: Collection[str] = ()) -> dict[str, list[str]]:
    """Every date of ``record`` between EARLIEST_DATE and ten years from now."""
    start, end = EARLIEST_DATE, latest_date()
    message = _("Enter a date between %(start)s and %(end)s.") % {
        "start": formats.date_format(start, "SHORT_DATE_FORMAT"), "end": formats.date_format(end, "SHORT_DATE_FORMAT")
    }  # fmt: skip
    errors: dict[str, list[str]] = {}
    for field in record._meta.concrete_fields:
        value = getattr(record, field.attname)
        is_date = type(field) is models.DateField and isinstance(value, datetime.date)
        if is_date and field.name not in exclude and not start <= value <= end:
            errors[field.name] = [message]
    return errors


def _check_constraint_errors(record: models.Model, exclude: Iterable[str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for constraint in record._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            continue
        try:
            # django-stubs 5.2.9 leaves out BaseConstraint.validate, which Django has had since 4.1.
            constraint.validate(type(record), record, exclude=set(exclude))  # type: ignore[attr-defined]
        except ValidationError as exc:
            errors.setdefault("__all__", []).extend(str(m) for m in exc.messages)
    return errors


def model_errors(
    record: models.Model, exclude: Iterable[str] = (), *, check_dates: bool = True
) -> dict[str, list[str]]:
    """The model's own validation as field errors: fields and check constraints, not uniqueness, which services
    check under a lock and report with a message that reveals no record the user may not see."""
    exclude = tuple(exclude)  # read three times below
    try:
        record.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
    errors = _check_constraint_errors(record, exclude)
    if not errors and check_dates:
        errors = date_range_errors(record, exclude)
    return errors


def raise_if_any(errors: dict[str, list[str]]) -> None:
    if errors:
        errors = dict(errors)
        non_field = errors.pop("__all__", [])
        raise InvalidInput(non_field[0] if non_field else None, fields=errors)


def unknown_fields(data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """Refuse keys a caller may not set, rather than silently ignoring them."""
    unknown = set(data) - set(allowed)
    if unknown:
        raise InvalidInput(fields={name: [_("This field is not allowed.")] for name in sorted(unknown)})
