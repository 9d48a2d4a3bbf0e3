"""What the claim services share: their errors, model validation, and taking a claim to change it."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trato.claims.models import Claim, State
from trato.core.concurrency import lock_current
from trato.core.errors import DomainError, NotAllowed

EDITABLE_STATES = (State.DRAFT, State.OPEN)
# Dates outside these bounds are typos (0026 for 2026) and, near year 9999, overflow the deadline arithmetic.
EARLIEST_DATE = datetime.date(1990, 1, 1)
YEARS_AHEAD = 10
# The largest primary key the databases hold (BigAutoField); a larger number in a filter overflows the driver.
MAX_ID = 2**63 - 1


def is_record_id(value) -> bool:
    """Whether ``value`` (typed or posted) can be a primary key, so that looking it up cannot overflow."""
    text = str(value)
    return text.isdigit() and 0 < int(text) <= MAX_ID


class InvalidInput(DomainError):
    """The values do not pass validation; field errors say which and why."""

    status = 422
    code = "validation_error"
    default_message = gettext_lazy("Some fields are not valid.")


class InvalidState(DomainError):
    code = "invalid_state"


def latest_date() -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year + YEARS_AHEAD, day=min(today.day, 28))


def date_range_errors(record, exclude=()) -> dict[str, list[str]]:
    """Every date of ``record`` between EARLIEST_DATE and ten years from now."""
    start, end = EARLIEST_DATE, latest_date()
    message = _("Enter a date between %(start)s and %(end)s.") % {
        "start": formats.date_format(start, "SHORT_DATE_FORMAT"), "end": formats.date_format(end, "SHORT_DATE_FORMAT")
    }  # fmt: skip
    errors = {}
    for field in record._meta.concrete_fields:
        value = getattr(record, field.attname)
        is_date = type(field) is models.DateField and isinstance(value, datetime.date)
        if is_date and field.name not in exclude and not start <= value <= end:
            errors[field.name] = [message]
    return errors


def model_errors(record, exclude=()) -> dict[str, list[str]]:
    try:
        record.full_clean(exclude=list(exclude), validate_unique=False)
    except ValidationError as exc:
        return {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
    return date_range_errors(record, exclude)


def raise_if_any(errors: dict[str, list[str]]) -> None:
    if errors:
        non_field = errors.pop("__all__", [])
        raise InvalidInput(non_field[0] if non_field else None, fields=errors)


def locked_for_change(claim: Claim, *, by, version=None) -> Claim:
    """The claim locked for this transaction, after checking ``by`` may change it and nobody saved it since."""
    if not Claim.objects.editable_by(by).filter(pk=claim.pk).exists():
        raise NotAllowed()
    return lock_current(claim, version)


def ensure_recordable(claim: Claim) -> None:
    """Closed and cancelled claims are history: reopen before changing them."""
    if claim.state == State.CLOSED:
        raise InvalidState(_("This claim is closed: reopen it to change it."))
    if claim.state not in EDITABLE_STATES:
        raise InvalidState(_("This claim is cancelled: it can no longer change."))
