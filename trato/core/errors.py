"""Domain errors raised by services and turned into form errors (UI) or error bodies (API)."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A write that was refused; nothing was changed."""

    status = 400
    code = "invalid"
    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, *, code: str | None = None, fields: dict[str, list] | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.fields = fields or {}
        super().__init__(str(self.message))


class ConflictError(DomainError):
    """Someone else changed the record after the caller read it."""

    status = 409
    code = "conflict"
    default_message = _(
        "Someone else changed this record after you opened it. Reload it to see their changes, then try again."
    )


class NotAllowed(DomainError):
    """The user may see the record but not make this change."""

    status = 403
    code = "forbidden"
    default_message = _("You are not allowed to make this change.")
