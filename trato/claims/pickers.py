"""Pickers on the claim form (trato/core/pickers.py): the other party, narrowed by the kind of claim, and the people
who may take a claim of that kind."""

from collections.abc import Mapping

from trato.accounts.pickers import people_choices, person_label
from trato.claims import access
from trato.claims.forms import active_users, partners_for
from trato.core.pickers import Choice, Picker, register
from trato.core.types import AnyUser
from trato.partners.pickers import partner_choices


def kinds_for(user: AnyUser, kind: str) -> list[str]:
    """The kind the form says, if the user may create it; otherwise every kind they may create (an edit form's
    kind is fixed, and its claim's partner was checked when it was chosen)."""
    creatable = access.creatable_kinds(user)
    return [kind] if kind in creatable else sorted(creatable)


def _partners(user: AnyUser, text: str, forwarded: Mapping[str, str], limit: int) -> list[Choice]:
    return partner_choices(partners_for(user, kinds_for(user, forwarded.get("kind", ""))), text, limit)


def _takers(user: AnyUser, text: str, forwarded: Mapping[str, str], limit: int) -> list[Choice]:
    kind = forwarded.get("kind", "")
    kinds = [kind] if kind in access.TAKER_ROLES else sorted(access.creatable_kinds(user))
    return people_choices(active_users().filter(access.takers_condition(kinds)), text, limit)


register(Picker("claims.partner", _partners, forward=("kind",)))
register(Picker("claims.taker", _takers, label=person_label, forward=("kind",), offers_without_query=True))
