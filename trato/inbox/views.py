"""The triage pages, for administrators only (anyone else gets a 404): the messages the gateway could not
file, their headers and text, and the actions "file on a record" and "ignore"."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from trato.core.access import admin_only, get_visible_or_404
from trato.core.errors import DomainError
from trato.core.forms import add_domain_error
from trato.core.listing import ListSpec, paginate
from trato.inbox import services
from trato.inbox.forms import FileOnRecordForm, VersionForm
from trato.inbox.models import InboundMessage, State
from trato.inbox.sanitise import fold_quoted
from trato.partners.models import Partner
from trato.timeline import registry

STATE_FILTERS = {State.TRIAGE, State.IGNORED, State.FILED, "all"}
TRIAGE_LIST = ListSpec(
    sorts={"received": "created_at", "sender": "sender", "subject": "subject"},
    default_sort="-received",
    filters={"state": STATE_FILTERS},
    defaults={"state": State.TRIAGE},
)
PARTNER_MATCHES = 10


def _message(request, pk) -> InboundMessage:
    return get_visible_or_404(InboundMessage, request.user, pk=pk)


@require_GET
@admin_only
def triage_list(request):
    params = TRIAGE_LIST.parse(request.GET)
    queryset = InboundMessage.objects.visible_to(request.user).select_related("mailbox")
    if params.filter("state") != "all":
        queryset = queryset.filter(state=params.filter("state"))
    page = paginate(TRIAGE_LIST.sort(queryset, params), params)
    states = [
        (State.TRIAGE, State.TRIAGE.label),
        (State.IGNORED, State.IGNORED.label),
        (State.FILED, State.FILED.label),
    ]
    context = {"page": page, "params": params, "states": [*states, ("all", pgettext("messages", "All"))]}
    return render(request, "inbox/list.html", context)


def _partner_matches(request):
    query = " ".join(request.GET.get("q", "").split())[:100]
    if not query:
        return query, []
    partners = Partner.objects.visible_to(request.user).filter(name__icontains=query).order_by("name", "pk")
    return query, list(partners[:PARTNER_MATCHES])


def _detail(request, inbound: InboundMessage, *, file_form=None, status: int = 200):
    parsed = services.parsed_of(inbound)
    query, partners = _partner_matches(request)
    record = registry.registration_by_key(inbound.record_type)
    context = {
        "message": inbound,
        "parsed": parsed,
        "folded": fold_quoted(parsed.text),
        "file_form": file_form or FileOnRecordForm(initial={"version": inbound.version}),
        "version_form": VersionForm(initial={"version": inbound.version}),
        "partner_query": query,
        "partner_matches": partners,
        "partner_key": registry.key_for(Partner),
        "record_label": record.label if record else "",
    }
    return render(request, "inbox/detail.html", context, status=status)


@require_GET
@admin_only
def triage_detail(request, pk: int):
    return _detail(request, _message(request, pk))


def _record_from(form: FileOnRecordForm, user):
    registration = registry.registration_by_key(form.cleaned_data["record_type"])
    assert registration is not None  # the form offers only registered record types
    try:
        return get_visible_or_404(registration.model, user, pk=form.cleaned_data["record_id"])
    except Http404:
        form.add_error("record_id", _("There is no such record you may see."))
        return None


@require_POST
@admin_only
def triage_file(request, pk: int):
    inbound = _message(request, pk)
    form = FileOnRecordForm(request.POST)
    record = _record_from(form, request.user) if form.is_valid() else None
    if record is None:
        return _detail(request, inbound, file_form=form, status=400)
    try:
        services.inbound_file(inbound=inbound, record=record, by=request.user, version=form.cleaned_data["version"])
    except DomainError as error:
        add_domain_error(form, error)
        return _detail(request, inbound, file_form=form, status=error.status)
    messages.success(request, _("The message was filed on “%(record)s”.") % {"record": record})
    return redirect("inbox:list")


@require_POST
@admin_only
def triage_ignore(request, pk: int):
    inbound = _message(request, pk)
    form = VersionForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Reload the page and try again."))
        services.inbound_ignore(inbound=inbound, by=request.user, version=form.cleaned_data["version"])
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("inbox:detail", pk=inbound.pk)
    messages.success(request, _("The message was set aside."))
    return redirect("inbox:list")


@require_GET
@admin_only
def triage_raw(request, pk: int):
    """The message exactly as it arrived, as a download (never rendered in the browser)."""
    inbound = _message(request, pk)
    response = FileResponse(inbound.raw.open("rb"), as_attachment=True, filename=f"message-{inbound.pk}.eml")
    response["Content-Type"] = "message/rfc822"
    response["X-Content-Type-Options"] = "nosniff"
    return response
