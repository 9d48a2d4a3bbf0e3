"""The ways to group the claim list (``?group=…``, core.listing.GroupBy): each on an indexed column of the claims
(state, kind, and the foreign keys' own indexes), each group linking to the list filtered by it."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trato.accounts.models import User
from trato.claims.models import Category, Kind, State
from trato.core.listing import GroupBy, GroupName
from trato.partners.models import Partner


def _states(keys: list[Any]) -> Mapping[Any, GroupName]:
    return {key: GroupName(str(State(key).label), key) for key in keys if key in State.values}


def _kinds(keys: list[Any]) -> Mapping[Any, GroupName]:
    return {key: GroupName(str(Kind(key).label), key) for key in keys if key in Kind.values}


def _categories(keys: list[Any]) -> Mapping[Any, GroupName]:
    names: dict[Any, GroupName] = {None: GroupName(_("No category"), "")}
    categories = Category.objects.filter(pk__in=[key for key in keys if key])
    for pk, kind, name in categories.values_list("pk", "kind", "name"):
        names[pk] = GroupName(f"{Kind(kind).label}: {name}", str(pk))
    return names


def _people(keys: list[Any]) -> Mapping[Any, GroupName]:
    names: dict[Any, GroupName] = {None: GroupName(_("Nobody assigned"), "none")}
    for user in User.objects.filter(pk__in=[key for key in keys if key]).only("username", "first_name", "last_name"):
        names[user.pk] = GroupName(str(user), user.username)
    return names


def _partners(keys: list[Any]) -> Mapping[Any, GroupName]:
    names: dict[Any, GroupName] = {None: GroupName(_("No customer or supplier"), "")}
    for pk, name in Partner.objects.filter(pk__in=[key for key in keys if key]).values_list("pk", "name"):
        names[pk] = GroupName(name, str(pk))
    return names


CLAIM_GROUPS = {
    "state": GroupBy(gettext_lazy("State"), "state", "state", _states),
    "category": GroupBy(gettext_lazy("Category"), "category_id", "category", _categories),
    "responsible": GroupBy(gettext_lazy("Responsible"), "responsible_id", "responsible", _people),
    "partner": GroupBy(gettext_lazy("Customer / supplier"), "partner_id", "partner", _partners),
    "kind": GroupBy(gettext_lazy("Kind"), "kind", "kind", _kinds),
}
