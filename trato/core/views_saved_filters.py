"""Saving and deleting a list's filters (trato/core/saved_filters.py): plain POSTs that go back to the list.

Both answer with a redirect to the list (the saved filter applied, or the list as it was) and a message, so they
work the same with or without JavaScript.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trato.core.access import get_visible_or_404
from trato.core.bulk import described
from trato.core.errors import DomainError
from trato.core.models import SavedFilter
from trato.core.saved_filters import SavedList, saved_filter_create, saved_filter_delete, saved_list
from trato.core.types import AuthenticatedHttpRequest


def _list_or_404(key: str) -> SavedList:
    saved = saved_list(key)
    if saved is None:
        raise Http404
    return saved


def _back(saved: SavedList, query: str) -> HttpResponse:
    clean = saved.clean(query)
    return redirect(f"{saved.url}?{clean}" if clean else saved.url)


@require_POST
def saved_filter_create_view(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    saved = _list_or_404(key)
    query = request.POST.get("query", "")
    try:
        record = saved_filter_create(
            by=request.user, list_key=key, name=request.POST.get("name", ""), query=query,
            shared=request.POST.get("shared") == "1",
        )  # fmt: skip
    except DomainError as error:
        messages.error(request, _("The filter was not saved: %(reason)s") % {"reason": described(error)})
        return _back(saved, query)
    messages.success(request, _("Filter “%(name)s” saved.") % {"name": record.name})
    return _back(saved, record.query)


@require_POST
def saved_filter_delete_view(request: AuthenticatedHttpRequest, key: str, pk: int) -> HttpResponse:
    saved = _list_or_404(key)
    record = get_visible_or_404(SavedFilter.objects.filter(list_key=key), request.user, pk=pk)
    try:
        saved_filter_delete(saved_filter=record, by=request.user)
    except DomainError as error:
        messages.error(request, described(error))
    else:
        messages.success(request, _("Filter “%(name)s” deleted.") % {"name": record.name})
    return _back(saved, request.POST.get("query", ""))
