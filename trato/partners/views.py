"""Partner pages: list, detail, create, edit, archive; the contacts on a partner; exports and vCards.

Views are thin: records come through visible_to (a record the user may not see is a 404), forms check the
input, and the services decide and save.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from trato.accounts.models import User
from trato.accounts.roles import SALES, has_role
from trato.core import saved_filters
from trato.core.access import can_change, get_visible_or_404
from trato.core.errors import DomainError
from trato.core.export import EXPORT_FORMATS, content_disposition, export_response
from trato.core.forms import add_domain_error
from trato.core.listing import paginate
from trato.partners import selectors, services
from trato.partners.duplicates import likely_duplicates
from trato.partners.export import export_headers as partner_export_headers
from trato.partners.export import export_rows as partner_export_rows
from trato.partners.forms import ContactForm, PartnerForm, VcardImportForm, VersionForm
from trato.partners.models import KIND_LABELS, KINDS, Contact, Partner, Tag, creatable_kinds
from trato.partners.selectors import ARCHIVED_CHOICES, PARTNER_LIST
from trato.partners.vcard_contacts import contact_vcf, contacts_import, contacts_vcf


def _full_page(request) -> bool:
    return not request.htmx or request.htmx.history_restore_request


# List and export


def _filter_choices(user) -> dict:
    salespeople = User.objects.filter(is_active=True, groups__name__in=list(SALES)).distinct().order_by("first_name")
    archived_labels = {"active": _("Active"), "archived": pgettext("partners filter", "Archived"), "all": _("All")}
    return {
        "kind_choices": [(kind, KIND_LABELS[kind]) for kind in KINDS],
        # A tag is offered if some partner the user sees carries it: one EXISTS per tag, not a scan of the partners.
        "tag_choices": list(
            Tag.objects.filter(Exists(Partner.objects.visible_to(user).filter(tags=OuterRef("pk"))))
            .order_by("name")
            .values_list("name", flat=True)
        ),
        "salesperson_choices": [(u.username, str(u)) for u in salespeople],
        "archived_choices": [(value, archived_labels[value]) for value in ARCHIVED_CHOICES],
    }


@require_GET
def partner_list(request):
    params = PARTNER_LIST.parse(request.GET)
    page = paginate(selectors.partner_list(request.user, params), params)
    context = {
        "page": page,
        "params": params,
        "sort_links": PARTNER_LIST.sort_links(request.GET, params),
        "can_create": bool(creatable_kinds(request.user)),
        "export_formats": EXPORT_FORMATS,
        **saved_filters.menu(request, "partners", params),
    }
    if _full_page(request):
        context.update(_filter_choices(request.user))
        return render(request, "partners/list.html", context)
    return render(request, "partners/list.html#table", context)


@require_GET
def partner_export(request):
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        return HttpResponseBadRequest(_("Unknown export format: use csv or xlsx."))
    partners = selectors.partner_list(request.user, PARTNER_LIST.parse(request.GET))
    filename = _("partners") + timezone.localdate().strftime("-%Y-%m-%d")
    rows = partner_export_rows(partners)
    return export_response(filename=filename, headers=partner_export_headers(), rows=rows, fmt=fmt)


# Detail


def _visible_partner(request, pk: int) -> Partner:
    queryset = Partner.objects.select_related("salesperson", "purchasing_responsible", "created_by")
    return get_visible_or_404(queryset.prefetch_related("tags"), request.user, pk=pk)


def _editable(request, record):
    """The record, if the user may change it; a user who may only see it gets 403."""
    if not can_change(request.user, record):
        raise PermissionDenied(_("You are not allowed to make this change."))
    return record


@require_GET
def partner_detail(request, pk: int):
    partner = _visible_partner(request, pk)
    contacts = Contact.objects.filter(partner=partner).order_by("is_archived", "last_name", "first_name", "pk")
    context = {"partner": partner, "contacts": contacts, "can_edit": can_change(request.user, partner)}
    return render(request, "partners/detail.html", context)


# Create and edit


def _changed_identity(form: PartnerForm, partner: Partner | None) -> dict:
    """What to look for duplicates by: on an edit, only what the user changed, so known look-alikes do not nag."""
    fields = {"name": "name", "tax_id": "tax_id", "email": "email", "phone": "phone"}
    values = {key: form.cleaned_data.get(field) or "" for key, field in fields.items()}
    if partner is None:
        return values
    return {key: value for key, value in values.items() if value != getattr(partner, fields[key])}


def _duplicate_warnings(form: PartnerForm, request, partner: Partner | None = None) -> list:
    if form.cleaned_data.get("save_anyway"):
        return []
    identity = _changed_identity(form, partner)
    if not any(identity.values()):
        return []
    return likely_duplicates(**identity, exclude_pk=partner.pk if partner else None, user=request.user)


@require_GET
def duplicate_hints(request):
    """While the user types (htmx): likely duplicates of what is in the form so far, without saving anything."""
    fields = ("name", "tax_id", "email", "phone")
    identity = {name: request.GET.get(name, "")[:200] for name in fields}
    exclude = request.GET.get("exclude", "")
    warnings = []
    if any(len(value.strip()) >= 3 for value in identity.values()):
        warnings = likely_duplicates(**identity, exclude_pk=int(exclude) if exclude.isdigit() else None,
                                     user=request.user)  # fmt: skip
    return render(request, "partners/_duplicate_hints.html", {"warnings": warnings})


def _render_form(request, form, *, partner=None, warnings=()):
    context = {"form": form, "partner": partner, "warnings": warnings}
    return render(request, "partners/form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def partner_create(request):
    if not creatable_kinds(request.user):
        raise PermissionDenied(_("Your role may not create partners."))
    initial = {"salesperson": request.user.pk if has_role(request.user, *SALES) else None}
    form = PartnerForm(request.POST or None, user=request.user, initial=initial)
    warnings = []
    if request.method == "POST" and form.is_valid():
        warnings = _duplicate_warnings(form, request)
        if not warnings:
            try:
                partner = services.partner_create(by=request.user, data=form.service_data())
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Partner “%(name)s” created.") % {"name": partner.name})
                return redirect(partner)
    return _render_form(request, form, warnings=warnings)


@require_http_methods(["GET", "POST"])
def partner_edit(request, pk: int):
    partner = _editable(request, _visible_partner(request, pk))
    form = PartnerForm(request.POST or None, user=request.user, instance=partner)
    warnings = []
    if request.method == "POST" and form.is_valid():  # the form validates input only; `partner` is left as read
        warnings = _duplicate_warnings(form, request, partner)
        if not warnings:
            try:
                saved = services.partner_update(
                    partner=partner, by=request.user, data=form.service_data(), version=form.cleaned_data["version"]
                )
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Changes to “%(name)s” saved.") % {"name": saved.name})
                return redirect(saved)
    return _render_form(request, form, partner=partner, warnings=warnings)


def _change_state(request, service, success_message: str, **record) -> None:
    """Archive or restore from a button: the page's version is sent, so a stale page changes nothing."""
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request was not valid; reload the page and try again."))
        return
    try:
        service(**record, by=request.user, version=form.cleaned_data["version"])
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, success_message)


@require_POST
def partner_archive(request, pk: int):
    partner = _editable(request, _visible_partner(request, pk))
    message = _("“%(name)s” archived. It no longer appears in lists unless you ask for archived partners.") % {
        "name": partner.name
    }
    _change_state(request, services.partner_archive, message, partner=partner)
    return redirect(partner)


@require_POST
def partner_restore(request, pk: int):
    partner = _editable(request, _visible_partner(request, pk))
    _change_state(request, services.partner_restore, _("“%(name)s” restored.") % {"name": partner.name},
                  partner=partner)  # fmt: skip
    return redirect(partner)


# Contacts


def _visible_contact(request, pk: int) -> Contact:
    return get_visible_or_404(Contact.objects.select_related("partner"), request.user, pk=pk)


@require_GET
def contact_detail(request, pk: int):
    contact = _visible_contact(request, pk)
    return render(
        request, "partners/contact_detail.html", {"contact": contact, "can_edit": can_change(request.user, contact)}
    )


def _render_contact_form(request, form, partner, contact=None):
    context = {"form": form, "partner": partner, "contact": contact}
    return render(request, "partners/contact_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def contact_create(request, pk: int):
    partner = _editable(request, _visible_partner(request, pk))
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_create(partner=partner, by=request.user, data=form.service_data())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Contact “%(name)s” added.") % {"name": contact})
            return redirect(contact)
    return _render_contact_form(request, form, partner)


@require_http_methods(["GET", "POST"])
def contact_edit(request, pk: int):
    contact = _editable(request, _visible_contact(request, pk))
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.contact_update(
                contact=contact, by=request.user, data=form.service_data(), version=form.cleaned_data["version"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Contact “%(name)s” saved.") % {"name": saved})
            return redirect(saved)
    return _render_contact_form(request, form, contact.partner, contact)


@require_POST
def contact_archive(request, pk: int):
    contact = _editable(request, _visible_contact(request, pk))
    _change_state(request, services.contact_archive, _("Contact “%(name)s” archived.") % {"name": contact},
                  contact=contact)  # fmt: skip
    return redirect(contact.partner)


@require_POST
def contact_restore(request, pk: int):
    contact = _editable(request, _visible_contact(request, pk))
    _change_state(request, services.contact_restore, _("Contact “%(name)s” restored.") % {"name": contact},
                  contact=contact)  # fmt: skip
    return redirect(contact.partner)


# vCards


def _vcard_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = content_disposition(filename)
    return response


@require_GET
def contact_vcard(request, pk: int):
    contact = _visible_contact(request, pk)
    return _vcard_response(contact_vcf(contact), f"{slugify(str(contact)) or 'contact'}.vcf")


@require_GET
def partner_vcards(request, pk: int):
    partner = _visible_partner(request, pk)
    contacts = Contact.objects.filter(partner=partner, is_archived=False).select_related("partner")
    return _vcard_response(contacts_vcf(contacts), f"{slugify(partner.name) or 'contacts'}.vcf")


@require_http_methods(["GET", "POST"])
def contacts_import_view(request, pk: int):
    partner = _editable(request, _visible_partner(request, pk))
    form = VcardImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = contacts_import(partner=partner, by=request.user, data=form.cleaned_data["file"])
        if report.created or report.updated or report.unchanged:
            messages.success(request, _("vCard file imported."))
        else:
            form.add_error("file", _("No contact could be imported from this file."))
    status = 400 if form.errors else 200
    context = {"form": form, "partner": partner, "report": report}
    return render(request, "partners/contact_import.html", context, status=status)
