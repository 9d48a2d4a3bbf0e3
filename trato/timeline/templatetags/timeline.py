"""{% load timeline %}{% timeline_panel record %} — the whole timeline of a record, and its note filter."""

import nh3
from django import template
from django.utils.html import urlize
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines

from trato.mail.threading import subject_without_tag
from trato.timeline.panel import panel_context

register = template.Library()

ALLOWED_TAGS = {"a", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}


@register.inclusion_tag("timeline/panel.html", takes_context=True)
def timeline_panel(context, record, next=None):
    """Forms to add notes, communications and files, and the entries, newest first.

    Renders nothing for a user who may not see the record."""
    request = context["request"]
    model = type(record)
    if not model._default_manager.visible_to(request.user).filter(pk=record.pk).exists():
        return {"panel_id": None}
    return panel_context(request, record, next_url=next)


@register.filter
def note_html(text) -> str:
    """Plain text with clickable links and line breaks; nothing a user writes can run as script.

    The text is escaped and linked by Django's urlize, then nh3 keeps only links (http, https,
    mailto) and line breaks — a second line of defence should urlize ever let something through."""
    escaped_and_linked = urlize(normalize_newlines(str(text or "")), autoescape=True)
    html = escaped_and_linked.replace("\n", "<br>")
    return mark_safe(  # sanitised by nh3 just here
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=ALLOWED_SCHEMES,
            link_rel="noopener noreferrer nofollow",
        )
    )


@register.filter
def without_tracking_tag(subject: str) -> str:
    """A mail subject shown on a page, without the "[#token]" tag that threads replies."""
    return subject_without_tag(subject)
