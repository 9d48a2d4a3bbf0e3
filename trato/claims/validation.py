"""What the claim services share: their errors, model validation, and taking a claim to change it."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trato.claims.models import Claim, State
from trato.core.concurrency import lock_current
from trato.core.errors import DomainError, NotAllowed

EDITABLE_STATES = (State.DRAFT, State.OPEN)


class InvalidInput(DomainError):
    """The values do not pass validation; field errors say which and why."""

    status = 422
    code = "validation_error"
    default_message = gettext_lazy("Some fields are not valid.")


class InvalidState(DomainError):
    code = "invalid_state"


def model_errors(record, exclude=()) -> dict[str, list[str]]:
    try:
        record.full_clean(exclude=list(exclude), validate_unique=False)
    except ValidationError as exc:
        return {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
    return {}


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
