"""Claim pages: list, board, export, the claim page and its moves, create (also from a document number), edit.

Views are thin: claims come through visible_to (a claim the user may not see is a 404), forms check the input,
and the services decide and save. What a claim carries (origin documents, causes, actions, repairs) and the
categories have their pages in views_records.py.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from trato.claims import access, selectors, services, workflow
from trato.claims.erp_link import ErpDocumentForm, is_erp_link
from trato.claims.export import export_headers as claim_export_headers
from trato.claims.export import export_rows as claim_export_rows
from trato.claims.forms import (
    ClaimForm,
    MoveForm,
    QuickCreateForm,
    active_users,
    kind_for_partner,
    partner_heading,
)
from trato.claims.models import Category, Channel, Claim, Kind, OriginType, State
from trato.claims.selectors import CLAIM_LIST
from trato.claims.validation import EDITABLE_STATES, is_record_id
from trato.core import saved_filters
from trato.core.access import can_change, get_visible_or_404
from trato.core.errors import DomainError
from trato.core.export import EXPORT_FORMATS, export_response
from trato.core.forms import add_domain_error
from trato.core.listing import paginate
from trato.partners.models import Partner


def _full_page(request) -> bool:
    return not request.htmx or request.htmx.history_restore_request


def show_error(form, error: DomainError) -> None:
    """A refused move names what is missing in its message: show it whole, above the form."""
    if set(error.fields) <= {"__all__"}:
        form.add_error(None, str(error.message))
    else:
        add_domain_error(form, error)


# List, board and export


def _filter_choices(user) -> dict:
    """The drop-downs: read from the small tables (categories of the kinds the user sees, active people), never by
    scanning the claims."""
    return {
        "state_choices": State.choices,
        "kind_choices": Kind.choices,
        "origin_choices": OriginType.choices,
        "channel_choices": Channel.choices,
        "category_choices": Category.objects.visible_to(user),
        "responsible_choices": [(u.username, str(u)) for u in active_users()],
    }


def _list_context(request, params) -> dict:
    return {
        "params": params,
        "can_create": bool(access.creatable_kinds(request.user)),
        "can_configure": bool(access.configurable_kinds(request.user)),
        "export_formats": EXPORT_FORMATS,
        "today": timezone.localdate(),
        "group_choices": [(key, group.label) for key, group in CLAIM_LIST.groups.items()],
    }


def claim_table_context(request) -> dict:
    """The list's table as ``request.GET`` asks for it: a page of claims, or the groups' counts (``?group=``), with
    the saved filters' menu (the bulk actions answer htmx with it too)."""
    params = CLAIM_LIST.parse(request.GET)
    context = _list_context(request, params)
    if params.group:
        context["groups"] = selectors.claim_groups(request.user, params, request.GET)
    else:
        claims = selectors.claim_pages(selectors.claim_list(request.user, params), params)
        context["page"] = page = paginate(claims, params)
        context["partner_heading"] = partner_heading(claim.kind for claim in page.object_list if claim.partner_id)
        context["sort_links"] = CLAIM_LIST.sort_links(request.GET, params)
    context.update(saved_filters.menu(request, "claims", params))
    return context


@require_GET
def claim_list(request):
    context = claim_table_context(request)
    if _full_page(request):
        context.update(_filter_choices(request.user))
        return render(request, "claims/list.html", context)
    return render(request, "claims/list.html#table", context)


@require_GET
def claim_board(request):
    params = CLAIM_LIST.parse(request.GET)
    context = _list_context(request, params)
    context["columns"] = selectors.claim_board(request.user, params)
    if _full_page(request):
        context.update(_filter_choices(request.user))
        return render(request, "claims/board.html", context)
    return render(request, "claims/board.html#columns", context)


@require_GET
def claim_export(request):
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        return HttpResponseBadRequest(_("Unknown export format: use csv or xlsx."))
    claims = selectors.claim_list(request.user, CLAIM_LIST.parse(request.GET))
    filename = _("claims") + timezone.localdate().strftime("-%Y-%m-%d")
    headers = claim_export_headers(claims)
    return export_response(filename=filename, headers=headers, rows=claim_export_rows(claims), fmt=fmt)


# The claim page


def visible_claim(request, pk: int, queryset=None) -> Claim:
    return get_visible_or_404(queryset if queryset is not None else Claim.objects.all(), request.user, pk=pk)


def editable_claim(request, pk: int) -> Claim:
    """The claim, if the user may change it; a user who may only see it gets 403."""
    claim = visible_claim(request, pk)
    if not can_change(request.user, claim):
        raise PermissionDenied(_("You are not allowed to make this change."))
    return claim


@require_GET
def claim_detail(request, pk: int):
    claim = visible_claim(request, pk, selectors.claim_detail_queryset())
    can_edit = can_change(request.user, claim)
    context = {
        "claim": claim,
        "can_edit": can_edit,
        "editable": can_edit and claim.state in EDITABLE_STATES,
        "moves": workflow.moves_available(claim) if can_edit else [],
        "open_form": MoveForm(move="open", claim=claim) if can_edit and claim.state == State.DRAFT else None,
    }
    return render(request, "claims/detail.html", context)


# Create and edit


def _create_initial(request) -> tuple[dict, str | None]:
    kind = request.GET.get("kind") if request.GET.get("kind") in access.creatable_kinds(request.user) else None
    partner_pk = request.GET.get("partner", "")
    partners = Partner.objects.visible_to(request.user)
    partner = partners.filter(pk=partner_pk).first() if is_record_id(partner_pk) else None
    kind = kind or kind_for_partner(request.user, partner)
    initial = {"kind": kind, "partner": partner, "received_on": timezone.localdate(), "responsible": request.user}
    return initial, kind


def _render_form(request, form, claim=None):
    return render(request, "claims/form.html", {"form": form, "claim": claim}, status=400 if form.errors else 200)


def _erp_document(request) -> ErpDocumentForm | None:
    """The ERP document the link (GET) or the form's hidden fields (POST) carry, if any."""
    source = request.POST if request.method == "POST" else request.GET
    return ErpDocumentForm(source) if is_erp_link(source) else None


def _erp_initial(request, erp: ErpDocumentForm, initial: dict) -> dict:
    kind = erp.kind() if erp.kind() in access.creatable_kinds(request.user) else initial["kind"]
    partner = erp.partner_for(request.user)
    if erp.cleaned_data["partner_ref"] and partner is None:
        messages.warning(
            request,
            _("No customer or supplier you can see has the ERP code %(ref)s: choose it in the form.")
            % {"ref": erp.cleaned_data["partner_ref"]},
        )
    return {**initial, "kind": kind, "partner": partner or initial["partner"], "subject": erp.default_subject()}


@require_http_methods(["GET", "POST"])
def claim_create(request):
    if not access.creatable_kinds(request.user):
        raise PermissionDenied(_("Your role may not create claims."))
    initial, kind = _create_initial(request)
    erp = _erp_document(request)
    if erp is not None and erp.is_valid() and request.method == "GET":
        initial = _erp_initial(request, erp, initial)
        kind = initial["kind"]
    form = ClaimForm(request.POST or None, user=request.user, kind=kind, initial=initial)
    erp_ok = erp is None or erp.is_valid()
    if request.method == "POST" and form.is_valid() and erp_ok:
        data = form.service_data()
        if erp is not None:
            data["origins"] = [erp.origin()]
        try:
            claim = services.claim_create(by=request.user, data=data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Claim %(number)s created as a draft.") % {"number": claim.number})
            return redirect(claim)
    status = 400 if form.errors or not erp_ok else 200
    context = {"form": form, "claim": None, "erp": erp}
    return render(request, "claims/form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def claim_quick_create(request):
    if not access.creatable_kinds(request.user):
        raise PermissionDenied(_("Your role may not create claims."))
    form = QuickCreateForm(request.POST or request.GET or None, user=request.user)
    citing = []
    if request.method == "POST" and form.is_valid():
        citing = [] if form.cleaned_data["confirmed"] else form.claims_citing_the_document()
    if request.method == "POST" and form.is_valid() and not citing:
        try:
            claim = services.claim_create(by=request.user, data=form.service_data())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Claim %(number)s created as a draft.") % {"number": claim.number})
            return redirect(claim)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "claims/quick_create.html", {"form": form, "citing": citing}, status=status)


@require_http_methods(["GET", "POST"])
def claim_edit(request, pk: int):
    claim = editable_claim(request, pk)
    form = ClaimForm(request.POST or None, user=request.user, instance=claim)
    if request.method == "POST" and form.is_valid():  # the form validates input only; `claim` is left as read
        try:
            saved = services.claim_update(
                claim=claim, by=request.user, data=form.service_data(), version=form.cleaned_data["version"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Changes to %(number)s saved.") % {"number": saved.number})
            return redirect(saved)
    return _render_form(request, form, claim)


# Moves


def _close(request, claim: Claim, form: MoveForm) -> Claim:
    """The resolution and the close go together: if the close is refused, the resolution is not saved either."""
    return services.claim_close(
        claim=claim, by=request.user, version=form.cleaned_data["version"],
        closing_note=form.cleaned_data["closing_note"], **form.resolution_data(),
    )  # fmt: skip


def _do_move(request, claim: Claim, move: str, form: MoveForm) -> Claim:
    if move == "close":
        return _close(request, claim, form)
    return services.claim_move(
        claim=claim, by=request.user, move=move, version=form.cleaned_data["version"],
        reason=form.cleaned_data.get("reason", ""), acknowledge=form.cleaned_data.get("acknowledge", False),
    )  # fmt: skip


def missing_links(claim: Claim, error: DomainError) -> list[dict]:
    """What a refused move lacks, each with a link to where it is added (workflow.Missing.place)."""
    where = {"page": claim.get_absolute_url(), "edit": reverse("claims:edit", args=[claim.pk]), "form": ""}
    items = []
    for item in getattr(error, "missing", []):
        target, _sep, anchor = getattr(item, "place", "").partition("#")
        url = f"{where[target]}#{anchor}" if target in where and anchor else ""
        items.append({"text": str(item), "url": url})
    return items


def _moved(request, moved: Claim):
    messages.success(request, _("%(number)s is now: %(state)s.") % {
        "number": moved.number, "state": State(moved.state).label})  # fmt: skip
    if request.htmx:
        return HttpResponseClientRedirect(moved.get_absolute_url())
    return redirect(moved)


def _move_form_again(request, context: dict, *, failed: bool):
    """The move's form with what was typed: the whole page (400 if refused), or for htmx the form alone, answered
    with 200 because htmx swaps nothing from an error status."""
    if request.htmx and request.method == "POST":
        return render(request, "claims/move.html#move-form", context)
    return render(request, "claims/move.html", context, status=400 if failed else 200)


def flag_missing_fields(form: MoveForm, missing: list[dict]) -> None:
    """The form's own fields among what is missing are marked invalid too, so the eye (and a screen reader) finds
    them where they are filled in."""
    for item in missing:
        name = item["url"].removeprefix("#id_") if item["url"].startswith("#id_") else ""
        if name in form.fields:
            form.add_error(name, capfirst(_("needed to close the claim")))  # the words of the form's legend


@require_http_methods(["GET", "POST"])
def claim_move(request, pk: int, move: str):
    if move not in workflow.MOVES:
        raise Http404
    claim = editable_claim(request, pk)
    form = MoveForm(request.POST or None, move=move, claim=claim)
    refused: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            moved = _do_move(request, claim, move, form)
        except DomainError as error:
            refused = error
            if not getattr(error, "missing", None):  # a list of what is missing is shown with its links instead
                show_error(form, error)
        else:
            return _moved(request, moved)
    missing = missing_links(claim, refused) if refused is not None else []
    flag_missing_fields(form, missing)
    context = {"claim": claim, "form": form, "move": workflow.MOVES[move], "missing": missing,
               "refusal": str(refused.message) if refused is not None else ""}  # fmt: skip
    return _move_form_again(request, context, failed=bool(form.errors or refused))
