"""Saved filters: a list's search, filters, sort and grouping kept under a name, by its owner or shared.

A list that offers them registers once (``register("claims", CLAIM_LIST, "claims:list")``, next to its ListSpec).
A saved filter keeps ``ListSpec.query_of`` of the list as it was shown; applying it is a plain link to the list with
that query string, which the list parses as any URL: a value no longer allowed (a category since deleted, a filter
the list dropped) is ignored, never an error. Everyone sees their own filters and the shared ones; only managers
and administrators share (a shared filter holds a query string, not records: each user still sees only what
visible_to lets them see).

Pages include ``core/_saved_filters.html`` with the context ``menu(request, key, params)`` gives.
"""

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from trato.accounts.roles import Role, has_role, is_admin
from trato.core.errors import InvalidInput, NotAllowed, NotFound
from trato.core.listing import ListParams, ListSpec
from trato.core.models import SavedFilter
from trato.core.services import service_transaction
from trato.core.types import AnyUser

MAX_PER_LIST = 50  # a user's own filters on one list
MAX_SHOWN = 100  # the menu: one's own and the shared ones, bounded whatever others share
MAX_POSTED_QUERY = 4000  # longer posted text is cut before it is parsed (parse keeps 200 characters a value)
SHARING_ROLES = (
    Role.SALES_MANAGER, Role.AFTER_SALES_MANAGER, Role.PURCHASING_MANAGER, Role.QUALITY_MANAGER, Role.ADMINISTRATOR,
)  # fmt: skip


@dataclass(frozen=True)
class SavedList:
    key: str
    spec: ListSpec
    url_name: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def clean(self, query: str) -> str:
        """``query`` (a posted or stored query string) reduced to what the list allows, as ``query_of`` writes it."""
        return self.spec.query_of(self.spec.parse(QueryDict(query[:MAX_POSTED_QUERY])))


_lists: dict[str, SavedList] = {}


def register(key: str, spec: ListSpec, url_name: str) -> None:
    _lists[key] = SavedList(key, spec, url_name)


def saved_list(key: str) -> SavedList | None:
    return _lists.get(key)


def may_share(user: AnyUser) -> bool:
    return has_role(user, *SHARING_ROLES)


# Reads


def filters_for(user: AnyUser, key: str) -> list[SavedFilter]:
    """The user's own filters on the list and those shared with everyone, by name (one query)."""
    visible = SavedFilter.objects.visible_to(user).filter(list_key=key).select_related("owner")
    return list(visible.order_by("name", "pk")[:MAX_SHOWN])


def menu(request: HttpRequest, key: str, params: ListParams) -> dict[str, Any]:
    """What ``core/_saved_filters.html`` shows: my filters, the shared ones, and the form that saves the list's
    current state. One query."""
    saved = _lists[key]
    user = request.user
    current = saved.spec.query_of(params)
    entries: dict[str, list[dict[str, Any]]] = {"mine": [], "shared": []}
    for record in filters_for(user, key):
        mine = record.owner_id == user.pk
        entries["mine" if mine else "shared"].append({
            "record": record, "url": f"{saved.url}?{record.query}", "current": record.query == current,
            "may_delete": mine or (record.shared and is_admin(user)),
        })  # fmt: skip
    return {
        "saved_filters": {
            "key": key, "mine": entries["mine"], "shared": entries["shared"], "query": current,
            "may_share": may_share(user), "count": len(entries["mine"]) + len(entries["shared"]),
        },
    }  # fmt: skip


# Writes


def _name_errors(name: str) -> dict[str, list[str]]:
    if not name:
        return {"name": [_("Give the filter a name.")]}
    if len(name) > SavedFilter._meta.get_field("name").max_length:  # type: ignore[operator]  # a CharField's
        return {"name": [_("Use at most 80 characters for the name.")]}
    return {}


def _duplicate_name() -> InvalidInput:
    return InvalidInput(fields={"name": [_("You already have a filter with this name on this list.")]})


def saved_filter_create(*, by: AnyUser, list_key: str, name: str, query: str, shared: bool = False) -> SavedFilter:
    """Save the list's state (``query``, as the list's URL carries it) under ``name``. What the list does not allow
    is dropped; a state with nothing to keep (the list as it opens) is refused."""
    saved = _lists.get(list_key)
    if saved is None or not by.is_authenticated:
        raise NotFound()
    name = " ".join((name or "").split())
    clean = saved.clean(query or "")
    errors = _name_errors(name)
    if not clean:
        errors["query"] = [_("Choose a filter, a search, a sort or a grouping first: there is nothing to save.")]
    elif len(clean) > SavedFilter._meta.get_field("query").max_length:  # type: ignore[operator]  # a CharField's
        errors["query"] = [_("These filters are too long to save: use fewer or shorter ones.")]
    if errors:
        raise InvalidInput(fields=errors)
    if shared and not may_share(by):
        message = _("Only managers and administrators may share a filter with everyone.")
        raise NotAllowed(message, fields={"shared": [message]})
    mine = SavedFilter.objects.filter(owner=by, list_key=list_key)
    try:
        with service_transaction():
            if mine.filter(name__iexact=name).exists():
                raise _duplicate_name()
            if mine.count() >= MAX_PER_LIST:
                raise InvalidInput(
                    _("You have %(count)d saved filters on this list: delete one first.") % {"count": MAX_PER_LIST}
                )
            return SavedFilter.objects.create(owner=by, list_key=list_key, name=name, query=clean, shared=shared)
    except IntegrityError as error:  # the same name saved at the same moment (the constraint ignores case too)
        raise _duplicate_name() from error


def saved_filter_delete(*, saved_filter: SavedFilter, by: AnyUser) -> None:
    """Delete a filter: one's own, or a shared one for an administrator."""
    with service_transaction():
        locked = SavedFilter.objects.editable_by(by).select_for_update().filter(pk=saved_filter.pk).first()
        if locked is None:
            if SavedFilter.objects.visible_to(by).filter(pk=saved_filter.pk).exists():
                raise NotAllowed(_("Only its owner may delete this filter."))
            raise NotFound()
        locked.delete()
