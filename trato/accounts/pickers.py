"""The people picker (trato/core/pickers.py): people work may be given to, found by name, user name or e-mail."""

from collections.abc import Mapping

from django.db.models import Q, QuerySet

from trato.accounts.models import User
from trato.accounts.selectors import assignable_users
from trato.core.pickers import Choice, Picker, register
from trato.core.types import AnyUser

PEOPLE_ORDER = ("first_name", "last_name", "username")


def person_label(user: User) -> str:
    return user.get_full_name() or user.username


def people_choices(people: QuerySet[User], text: str, limit: int) -> list[Choice]:
    """The first of ``people`` whose names, user name or e-mail hold every word typed."""
    for word in text.split():
        people = people.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(username__icontains=word)
            | Q(email__icontains=word)
        )  # fmt: skip
    return [
        Choice(str(person.pk), person_label(person), person.email) for person in people.order_by(*PEOPLE_ORDER)[:limit]
    ]


def _people(user: AnyUser, text: str, forwarded: Mapping[str, str], limit: int) -> list[Choice]:
    return people_choices(assignable_users(), text, limit)


# A company has tens or hundreds of people: offered at once, narrowed as the user types.
register(Picker("accounts.user", _people, label=person_label, offers_without_query=True))
