"""The one place that answers "which records may this user see, which may they change".

The access contract, for every app:

- Every model that users reach has a queryset deriving from ``AccessQuerySet`` that answers
  ``visible_to(user)`` and ``editable_by(user)``. Views, API endpoints, search, counts, exports, feeds and
  downloads fetch records only through ``visible_to`` and check writes only through ``editable_by`` (services do
  it with ``trato.core.services.lock_for_change``); a record the user may not see answers 404 so that its
  existence does not leak.
- The rules live in the app's ``access.py``, as conditions only: ``visible_condition(user) -> Q`` and
  ``editable_condition(user) -> Q`` on the model's fields. A queryset points at that module
  (``access = <module>``) and AccessQuerySet derives both methods from it; a model whose rules follow another
  record's (a contact follows its company) overrides the two methods instead.
- The same ``access.py`` answers what is not about an existing record: ``may_create(user, ...)`` (may this user
  create one, of this kind) and ``may_configure(user, ...)`` (may they change the app's settings, such as
  categories). Services ask these; pages ask them to decide which buttons to show.
- Roles come from ``trato.accounts.roles``; administrators pass every check.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, Protocol, Self, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse

from trato.accounts.roles import is_admin
from trato.core.errors import NotAllowed
from trato.core.types import AnyUser

_M = TypeVar("_M", bound=models.Model)
_Request = TypeVar("_Request", bound=HttpRequest)
_Params = ParamSpec("_Params")


class AccessRules(Protocol):
    """What an app's access.py provides to its querysets."""

    def visible_condition(self, user: Any) -> Q: ...

    def editable_condition(self, user: Any) -> Q: ...


class AccessQuerySet(models.QuerySet[_M]):
    # The app's access module: visible_condition(user) and editable_condition(user), each a Q on this model.
    access: AccessRules | None = None
    # True when the module's conditions never join a to-many relation (they use Exists or __in subqueries
    # instead): rows are then filtered directly, as a DBA would write it. Otherwise each row is found once
    # through a pk IN (subquery), which costs a second pass over the table.
    single_valued = False

    def visible_to(self, user: AnyUser) -> Self:
        return self._meeting(self._access().visible_condition(user))

    def editable_by(self, user: AnyUser) -> Self:
        return self._meeting(self._access().editable_condition(user))

    def _access(self) -> AccessRules:
        if self.access is None:
            raise NotImplementedError(f"{type(self).__name__}: set access = <the app's access module>.")
        return self.access

    def _meeting(self, condition: Q) -> Self:
        """The rows meeting ``condition``, each once: conditions may cross to-many relations (assignees, teams),
        so they are applied in a subquery rather than joined into this queryset."""
        if not condition:  # Q(): everything, as for administrators
            return self.all()
        if self.single_valued:
            return self.filter(condition)
        return self.filter(pk__in=self.model._default_manager.filter(condition).values("pk"))


_QS = TypeVar("_QS", bound=models.QuerySet[Any])


def following(queryset: _QS, path: str, parents: models.QuerySet[Any]) -> _QS:
    """The rows of ``queryset`` whose ``path`` record is among ``parents`` (a contact follows its company, a claim's
    document its claim); all of them when ``parents`` is unfiltered, as for administrators."""
    if not parents.query.has_filters():
        return queryset.all()
    return queryset.filter(**{f"{path}__in": parents})


def access_queryset(model_or_queryset: type[_M] | models.QuerySet[_M]) -> AccessQuerySet[_M]:
    """The queryset that answers visible_to/editable_by for a model (its default manager's) or a queryset of it."""
    if isinstance(model_or_queryset, models.QuerySet):
        queryset = model_or_queryset
    else:
        queryset = model_or_queryset._default_manager.all()
    if not isinstance(queryset, AccessQuerySet):
        raise TypeError(f"{queryset.model.__name__}: its queryset must derive from AccessQuerySet.")
    return queryset


def get_visible_or_404(model_or_queryset: type[_M] | models.QuerySet[_M], user: AnyUser, **lookup: Any) -> _M:
    """The record if ``user`` may see it; otherwise 404, whether or not it exists."""
    visible = access_queryset(model_or_queryset).visible_to(user)
    try:
        return visible.get(**lookup)
    except (models.ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def can_change(user: AnyUser, record: models.Model) -> bool:
    return access_queryset(type(record)).editable_by(user).filter(pk=record.pk).exists()


def ensure_can_change(user: AnyUser, record: models.Model) -> None:
    if not can_change(user, record):
        raise NotAllowed()


def admin_only(
    view: Callable[Concatenate[_Request, _Params], HttpResponse],
) -> Callable[Concatenate[_Request, _Params], HttpResponse]:
    """Pages for administrators only: anyone else gets 404, as if the page did not exist."""

    @wraps(view)
    def wrapper(request: _Request, /, *args: _Params.args, **kwargs: _Params.kwargs) -> HttpResponse:
        if not is_admin(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
