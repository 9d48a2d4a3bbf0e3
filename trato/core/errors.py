"""Domain errors raised by services and turned into form errors (UI) or error bodies (API).

Every service refuses a write by raising one of these; nothing has been changed when it is raised. Each carries
``status`` (the HTTP status the API answers), ``code`` (stable, for programs), ``message`` (translated, for people)
and ``fields`` (field name → messages, for forms and the API's ``fields``).

- ``InvalidInput`` (422): the values do not pass validation; ``fields`` says which and why.
- ``InvalidState`` (409): the record is in a state that does not allow this change (a closed claim edited, an
  archived partner archived again). 409 because the request itself is well formed and would succeed against the
  record in another state: the caller has to change the record's state (or reload it), not the request.
- ``MoveRefused`` (400): a workflow move the procedure does not allow now; ``missing`` lists what is missing.
- ``NotFound`` (404): the record does not exist or the user may not see it (the two are never told apart).
- ``NotAllowed`` (403): the user may see the record but not make this change.
- ``Conflict`` (409): someone else saved the record after the caller read it (``ConflictError`` is the old name).

Services never raise Http404: views turn ``NotFound`` into Http404, the API's DomainError handler answers 404.
"""

from collections.abc import Iterable, Mapping, Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Field name → messages (plain or lazy translations), as forms and the API's ``fields`` carry them.
FieldErrors = Mapping[str, Sequence[str | Promise]]


class DomainError(Exception):
    """A write that was refused; nothing was changed."""

    status = 400
    code = "invalid"
    default_message: str | Promise = _("The request could not be carried out.")

    def __init__(
        self, message: str | Promise | None = None, *, code: str | None = None, fields: FieldErrors | None = None
    ) -> None:
        self.message: str | Promise = message or self.default_message
        if code:
            self.code = code
        self.fields: FieldErrors = fields or {}
        super().__init__(str(self.message))


class InvalidInput(DomainError):
    """The values do not pass validation; field errors say which and why."""

    status = 422
    code = "validation_error"
    default_message = _("Some fields are not valid.")


class InvalidState(DomainError):
    """The record's state does not allow this change."""

    status = 409
    code = "invalid_state"
    default_message = _("This record cannot be changed in its current state.")


class MoveRefused(DomainError):
    """A move the procedure does not allow now; ``missing`` lists what the record still needs."""

    status = 400
    code = "move_refused"
    default_message = _("This move is not possible now.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        missing: Iterable[str | Promise] = (),
        fields: FieldErrors | None = None,
    ) -> None:
        self.missing = [item if isinstance(item, str) else str(item) for item in missing]  # Missing keeps its place
        message = message or self.default_message
        super().__init__(message, fields=fields or {"__all__": [str(message)]})


class NotFound(DomainError):
    """The record does not exist or the user may not see it: the answer is the same, so existence does not leak."""

    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Conflict(DomainError):
    """Someone else changed the record after the caller read it."""

    status = 409
    code = "conflict"
    default_message = _(
        "Someone else changed this record after you opened it. Reload it to see their changes, then try again."
    )


ConflictError = Conflict  # the earlier name, still imported by some apps


class NotAllowed(DomainError):
    """The user may see the record but not make this change."""

    status = 403
    code = "forbidden"
    default_message = _("You are not allowed to make this change.")
