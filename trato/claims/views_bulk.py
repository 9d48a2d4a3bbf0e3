"""The claim list's bulk actions (trato/claims/bulk.py): one POST with the selected claims' ids.

Without JavaScript the list's form posts here and the answer is the list again (a redirect, the result as a
message); with htmx the answer is the list's table, with the result above it. The export of the selection is a
download either way.
"""

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from trato.claims import bulk
from trato.claims.export import export_headers, export_rows
from trato.claims.models import Claim
from trato.claims.selectors import CLAIM_LIST
from trato.claims.views import claim_table_context
from trato.core.bulk import BulkResult, described, selected_ids
from trato.core.errors import InvalidInput
from trato.core.export import export_response
from trato.core.types import AuthenticatedHttpRequest

SKIPPED_IN_MESSAGE = 10  # skipped claims named in the message after a plain POST (the htmx answer lists them all)


def _list_query(request: AuthenticatedHttpRequest) -> str:
    """The list's query string as the form carried it, reduced to what the list allows (and its page)."""
    posted = QueryDict(request.POST.get("next", "")[:4000])
    query = CLAIM_LIST.query_of(CLAIM_LIST.parse(posted))
    page = posted.get("page", "")
    return "&".join([part for part in (query, f"page={page}" if page.isdigit() else "") if part])


def _first_error(form: bulk.BulkForm) -> str:
    return next(str(message) for messages_ in form.errors.values() for message in messages_)


def _answer(request: AuthenticatedHttpRequest, *, result: BulkResult | None = None, error: str = "") -> HttpResponse:
    query = _list_query(request)
    if request.htmx:
        request.GET = QueryDict(query)  # the table is rendered as the list's own URL shows it (its links keep it)
        context = {**claim_table_context(request), "bulk_result": result, "bulk_error": error}
        return render(request, "claims/list.html#table", context)
    if error:
        messages.error(request, error)
    elif result is not None:
        _result_messages(request, result)
    return redirect(reverse("claims:list") + (f"?{query}" if query else ""))


def _result_messages(request: AuthenticatedHttpRequest, result: BulkResult) -> None:
    named = [f"{skipped.label}: {skipped.reason}" for skipped in result.skipped[:SKIPPED_IN_MESSAGE]]
    if len(result.skipped) > SKIPPED_IN_MESSAGE:
        named.append(_("and %(count)d more") % {"count": len(result.skipped) - SKIPPED_IN_MESSAGE})
    if result.missing:
        named.append(result.missing_text)
    text = " ".join([result.summary, *(["(" + "; ".join(named) + ")"] if named else [])])
    (messages.warning if result.skipped_count else messages.success)(request, text)


def _selected(request: AuthenticatedHttpRequest) -> list[int]:
    """The ids posted: every row of the page when "all on this page" is checked, else the rows checked."""
    field = "page_ids" if request.POST.get("all_on_page") == "1" else "ids"
    return selected_ids(request.POST.getlist(field))


@require_POST
def claim_bulk(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    form = bulk.BulkForm(request.POST, user=request.user)
    try:
        ids = _selected(request)
    except InvalidInput as error:
        return _answer(request, error=described(error))
    if not form.is_valid():
        return _answer(request, error=_first_error(form))
    action = form.cleaned_data["action"]
    if action == bulk.EXPORT:
        return _export(request, ids)
    result = bulk.claims_bulk_change(by=request.user, ids=ids, action=action, value=form.cleaned_data[action])
    return _answer(request, result=result)


def _export(request: AuthenticatedHttpRequest, ids: list[int]) -> HttpResponseBase:
    """The selected claims the user sees, in the list's order, through the list's streaming export."""
    params = CLAIM_LIST.parse(QueryDict(_list_query(request)))
    claims = CLAIM_LIST.sort(Claim.objects.visible_to(request.user).filter(pk__in=ids), params)
    filename = _("claims") + timezone.localdate().strftime("-%Y-%m-%d")
    return export_response(filename=filename, headers=export_headers(claims), rows=export_rows(claims), fmt="csv")
