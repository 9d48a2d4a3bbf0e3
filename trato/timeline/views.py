"""The timeline panel's pages and form targets, for any registered record ("<key>/<pk>/").

Forms work as plain posts (redirect back to the record, or to a safe ``next``) and through htmx
(the panel is rendered again and swapped in place).
"""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from trato.core.access import get_visible_or_404
from trato.core.errors import DomainError, NotFound
from trato.core.forms import add_domain_error
from trato.timeline import registry, services
from trato.timeline.forms import AttachmentForm, CommunicationForm, NoteForm
from trato.timeline.models import Attachment
from trato.timeline.panel import entries_context, panel_context, record_url

PANEL = "timeline/panel.html#panel"


def _record(request, key: str, pk):
    try:
        return get_visible_or_404(registry.model_for(key), request.user, pk=pk)
    except NotFound as gone:
        raise Http404 from gone


def _page(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page", 1)), 100_000))
    except ValueError:
        return 1


def _next_url(request, record) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return record_url(record)


@require_GET
def timeline_page(request, key: str, pk):
    """The whole timeline on its own page (also where "load more" leads without JavaScript)."""
    record = _record(request, key, pk)
    page = _page(request)
    if request.htmx:
        return render(request, "timeline/panel.html#entries", entries_context(request, record, page=page))
    context = panel_context(request, record, page=page, next_url=_next_url(request, record))
    return render(request, "timeline/page.html", context)


def _respond(request, record, *, form_name: str, form, done: str | None):
    """After a post: on success redirect (plain) or re-render the panel (htmx); on errors show them inline."""
    next_url = _next_url(request, record)
    if done and not request.htmx:
        messages.success(request, done)
        return redirect(next_url)
    forms = {} if done else {form_name: form}
    context = panel_context(request, record, forms=forms, next_url=next_url, status=done or "", open_form=form_name)
    if request.htmx:
        return render(request, PANEL, context)
    return render(request, "timeline/page.html", context, status=400)


def _submit(request, record, form, form_name: str, write, done: str):
    if form.is_valid():
        try:
            write(form.cleaned_data)
        except NotFound as gone:  # the record went away meanwhile
            raise Http404 from gone
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _respond(request, record, form_name=form_name, form=form, done=done)
    return _respond(request, record, form_name=form_name, form=form, done=None)


@require_POST
def note_add(request, key: str, pk):
    record = _record(request, key, pk)

    def write(data):
        services.note_add(record=record, by=request.user, body=data["body"])

    return _submit(request, record, NoteForm(request.POST), "note", write, _("Note added."))


@require_POST
def communication_log(request, key: str, pk):
    record = _record(request, key, pk)
    form = CommunicationForm(request.POST, contacts=services.contacts_offered(record))

    def write(data):
        services.communication_log(
            record=record,
            by=request.user,
            channel=data["channel"],
            direction=data["direction"],
            occurred_at=data["occurred_at"],
            summary=data["summary"],
            contact=data.get("contact"),
        )

    return _submit(request, record, form, "communication", write, _("Communication logged."))


@require_POST
def attachments_add(request, key: str, pk):
    record = _record(request, key, pk)
    form = AttachmentForm(request.POST, request.FILES)

    def write(data):
        services.attachments_add(record=record, by=request.user, files=data["files"], note=data["note"])

    return _submit(request, record, form, "attachment", write, _("Files attached."))


@require_POST
def attachment_delete(request, pk):
    attachment = get_visible_or_404(Attachment, request.user, pk=pk)
    record = _record(request, attachment.record_type, attachment.record_id)
    try:
        services.attachment_delete(attachment=attachment, by=request.user)
    except NotFound as gone:
        raise Http404 from gone
    except DomainError as error:
        return _after_delete(request, record, error=str(error.message))
    return _after_delete(request, record, done=_("File deleted."))


def _after_delete(request, record, *, done: str = "", error: str = ""):
    if request.htmx:
        context = panel_context(request, record, next_url=_next_url(request, record), status=done, error=error)
        return render(request, PANEL, context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(_next_url(request, record))


def attachment_response(attachment: Attachment) -> FileResponse:
    """The stored file, always as a download: never rendered by the browser in Trato's origin."""
    try:
        handle = attachment.file.storage.open(attachment.file.name, "rb")
    except (FileNotFoundError, OSError) as missing:
        raise Http404 from missing
    response = FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def attachment_download(request, pk):
    return attachment_response(get_visible_or_404(Attachment, request.user, pk=pk))
