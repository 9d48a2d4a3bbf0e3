"""What a claim carries (origin documents, causes, actions, repairs), added, edited and removed through one set of
views driven by RECORDS; and the categories each kind's managers configure. Same rules as views.py: claims come
through visible_to, forms check the input, the services decide and save."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_stubs_ext import StrOrPromise

from trato.claims import access, services
from trato.claims.forms import ActionForm, CategoryForm, CauseForm, OriginForm, RepairForm, ServiceForm
from trato.claims.models import Action, Category, Cause, Claim, OriginDocument, Repair
from trato.claims.validation import EDITABLE_STATES
from trato.claims.views import editable_claim
from trato.core.errors import DomainError
from trato.core.forms import add_domain_error

# What a claim carries: origin documents, causes, actions, repairs


@dataclass(frozen=True)
class Record:
    name: str  # the service's keyword and prefix: origin_add(claim=, by=, data=), origin_remove(origin=, by=)
    model: type[models.Model]
    form: type[ServiceForm]
    title: StrOrPromise
    can_update: bool = True


RECORDS = {
    "origins": Record("origin", OriginDocument, OriginForm, gettext_lazy("Origin document"), can_update=False),
    "causes": Record("cause", Cause, CauseForm, gettext_lazy("Cause"), can_update=False),
    "actions": Record("action", Action, ActionForm, gettext_lazy("Action")),
    "repairs": Record("repair", Repair, RepairForm, gettext_lazy("Repair")),
}


def _record_kind(section: str) -> Record:
    if section not in RECORDS:
        raise Http404
    return RECORDS[section]


def _changeable_claim(request, pk: int) -> Claim:
    claim = editable_claim(request, pk)
    if claim.state not in EDITABLE_STATES:
        raise PermissionDenied(_("A closed or cancelled claim cannot be changed; reopen it first."))
    return claim


def _item(record: Record, claim: Claim, item_pk: int):
    item = record.model._default_manager.filter(claim=claim, pk=item_pk).first()
    if item is None:
        raise Http404
    return item


def _service(record: Record, action: str):
    return getattr(services, f"{record.name}_{action}")


def _render_record_form(request, claim, record, form, item=None):
    section = _section_of(record)
    context = {"claim": claim, "record": record, "form": form, "item": item, "section": section}
    if request.htmx and form.errors:
        # In place (claims/_section_head.html), a refused form goes back where it was typed, with its errors:
        # htmx swaps only successful answers, and the form's own target is the section it changes.
        response = render(request, "claims/record_form.html", context)
        response["HX-Retarget"], response["HX-Reselect"], response["HX-Reswap"] = (
            f"#{section}-slot",
            "#record-form",
            "innerHTML",
        )
        return response
    return render(request, "claims/record_form.html", context, status=400 if form.errors else 200)


def _section_of(record: Record) -> str:
    return next(section for section, value in RECORDS.items() if value is record)


def _saved(request, claim, record, message) -> HttpResponseRedirect:
    """Back to the claim page. In place, htmx follows the redirect and swaps the section: the new row is the
    confirmation, and a message would wait in the session for the next page."""
    if not request.htmx:
        messages.success(request, message % {"what": record.title})
    return redirect(claim.get_absolute_url() + "#" + _section_of(record))


@require_http_methods(["GET", "POST"])
def record_add(request, pk: int, section: str):
    record = _record_kind(section)
    claim = _changeable_claim(request, pk)
    form = record.form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _service(record, "add")(claim=claim, by=request.user, data=form.service_data())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _saved(request, claim, record, _("%(what)s added."))
    return _render_record_form(request, claim, record, form)


@require_http_methods(["GET", "POST"])
def record_edit(request, pk: int, section: str, item: int):
    record = _record_kind(section)
    claim = _changeable_claim(request, pk)
    if not record.can_update:
        raise Http404
    instance = _item(record, claim, item)
    form = record.form(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            _service(record, "update")(**{record.name: instance}, by=request.user, data=form.service_data())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _saved(request, claim, record, _("%(what)s saved."))
    return _render_record_form(request, claim, record, form, instance)


@require_http_methods(["POST"])
def record_remove(request, pk: int, section: str, item: int):
    record = _record_kind(section)
    claim = _changeable_claim(request, pk)
    instance = _item(record, claim, item)
    try:
        _service(record, "remove")(**{record.name: instance}, by=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect(claim)
    return _saved(request, claim, record, _("%(what)s removed."))


# Categories


def _configurable(request) -> set[str]:
    kinds = access.configurable_kinds(request.user)
    if not kinds:
        raise PermissionDenied(_("Only the managers of each kind of claim configure its categories."))
    return kinds


@require_http_methods(["GET", "POST"])
def category_list(request):
    kinds = _configurable(request)
    form = CategoryForm(request.POST or None, user=request.user, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_save(by=request.user, data=form.service_data())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Category “%(name)s” added.") % {"name": category.name})
            return redirect("claims:categories")
    context = {"form": form, "categories": Category.objects.filter(kind__in=kinds).order_by("kind", "name")}
    return render(request, "claims/categories.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def category_edit(request, pk: int):
    kinds = _configurable(request)
    category = Category.objects.filter(kind__in=kinds, pk=pk).first()
    if category is None:
        raise Http404
    form = CategoryForm(request.POST or None, user=request.user, instance=category)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.category_save(by=request.user, data=form.service_data(), category=category)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Category “%(name)s” saved.") % {"name": saved.name})
            return redirect("claims:categories")
    context = {"form": form, "category": category}
    return render(request, "claims/category_form.html", context, status=400 if form.errors else 200)
