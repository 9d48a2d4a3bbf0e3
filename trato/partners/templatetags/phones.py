from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from trato.partners.phones import normalise, phone_from_e164

register = template.Library()


@register.filter
def phone_link(raw, e164=""):
    """`{{ raw|phone_link:e164 }}`: a tel: link showing the readable number, or the raw text flagged as invalid.

    Without a stored E.164 the raw text is parsed with the default region, so `{{ raw|phone_link }}` works too.
    """
    raw = str(raw or "").strip()
    phone = phone_from_e164(str(e164), raw) if e164 else normalise(raw)
    if phone.is_valid:
        return format_html('<a href="{}">{}</a>', phone.tel_uri, phone.display)
    if not phone.raw:
        return ""
    return format_html(
        '{} <span class="badge text-bg-warning" title="{}">{}</span>',
        phone.raw,
        gettext("This is not a phone number we can dial; it is kept as it was typed."),
        gettext("not a valid number"),
    )
