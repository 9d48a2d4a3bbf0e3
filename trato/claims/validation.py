"""What only claims add to the shared validation (trato.core.validation): which states still take changes.

The shared helpers and errors are re-exported so that existing imports keep working.
"""

from django.utils.translation import gettext as _

from trato.claims.models import Claim, State
from trato.core.errors import InvalidInput, InvalidState  # noqa: F401 (re-exported)
from trato.core.validation import (  # noqa: F401 (re-exported)
    EARLIEST_DATE,
    MAX_ID,
    YEARS_AHEAD,
    date_range_errors,
    is_record_id,
    latest_date,
    model_errors,
    raise_if_any,
)

EDITABLE_STATES = (State.DRAFT, State.OPEN)


def ensure_recordable(claim: Claim) -> None:
    """Closed and cancelled claims are history: reopen before changing them."""
    if claim.state == State.CLOSED:
        raise InvalidState(_("This claim is closed: reopen it to change it."))
    if claim.state not in EDITABLE_STATES:
        raise InvalidState(_("This claim is cancelled: it can no longer change."))
