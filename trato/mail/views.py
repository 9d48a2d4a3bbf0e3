"""Writing an email from a record's page: to its contacts, with its files, threaded back to it."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from trato.core.access import get_visible_or_404
from trato.core.errors import DomainError, NotFound
from trato.core.forms import add_domain_error
from trato.mail.addresses import Recipient
from trato.mail.forms import ComposeForm
from trato.mail.services import language_for, message_queue_from_template
from trato.timeline import registry
from trato.timeline.models import Attachment
from trato.timeline.panel import record_url
from trato.timeline.services import attachments_add, contacts_offered


def people_offered(record) -> dict:
    """The record itself when it has an address (a contact, a company), then its contacts that have one."""
    people = {}
    if getattr(record, "email", ""):
        contact_id = record.pk if registry.key_for(record) == "partners.contact" else None
        people["record"] = Recipient(str(record), record.email, contact_id)
    for contact in contacts_offered(record) or ():
        if contact.email:
            people[f"contact-{contact.pk}"] = Recipient(str(contact), contact.email, contact.pk)
    return people


def _language(record) -> str:
    from trato.partners.models import Contact

    first = next((c for c in contacts_offered(record) or () if c.email), None)
    return language_for(record if isinstance(record, Contact) or first is None else first)


def _send(record, user, data) -> None:
    files = list(data["attachments"] or []) if "attachments" in data else []
    if data.get("files"):
        files += attachments_add(record=record, by=user, files=data["files"])
    message_queue_from_template(
        template="record_message",
        context={"subject": data["subject"], "body": data["body"], "sender_name": user.get_full_name()},
        to=data["recipients"],
        cc=data["cc"],
        language=data["language"],
        record=record,
        by=user,
        attachments=files,
    )


def compose(request, key: str, pk: int):
    try:
        record = get_visible_or_404(registry.model_for(key), request.user, pk=pk)
    except NotFound as unknown_key:
        raise Http404 from unknown_key
    people = people_offered(record)
    attachments = Attachment.objects.for_record(record)
    form = ComposeForm(
        request.POST or None,
        request.FILES or None,
        people=people,
        attachments=attachments,
        initial={"language": _language(record), "to": list(people)[:1]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            _send(record, request.user, form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Your email is on its way. Its delivery shows on the timeline."))
            return redirect(record_url(record))
    context = {
        "form": form,
        "record": record,
        "record_url": record_url(record),
        "record_label": registry.registration_for(record).label,
    }
    return render(request, "mail/compose.html", context, status=400 if form.errors else 200)
