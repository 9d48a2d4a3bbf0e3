"""{% load claims %}{% new_claim_kind partner as kind %} — which claim a partner page's "New claim" button starts;
``claim|partner_label`` — what the other party of a claim is called (Supplier, Customer, Company);
``{% in_place claim "causes" %}`` — the htmx attributes that change a section of the claim page in place."""

from django import template
from django.utils.html import format_html

from trato.claims.forms import PARTNER_LABEL_ANY_KIND, PARTNER_LABELS, kind_for_partner
from trato.timeline.panel import panel_id

register = template.Library()


@register.simple_tag(takes_context=True)
def new_claim_kind(context, partner) -> str:
    return kind_for_partner(context["request"].user, partner) or ""


@register.filter
def partner_label(claim) -> str:
    return str(PARTNER_LABELS.get(claim.kind, PARTNER_LABEL_ANY_KIND))


@register.filter
def iso_datetime(value: str | None):
    """A datetime kept as ISO text (a claim's resolution history) back as a datetime, for the date filter."""
    from django.utils.dateparse import parse_datetime
    from django.utils.timezone import localtime

    parsed = parse_datetime(value) if value else None
    return localtime(parsed) if parsed else None


@register.filter
def resolution_label(value: str) -> str:
    from trato.claims.models import Resolution

    return str(Resolution(value).label) if value in Resolution.values else value


@register.filter
def amount(value) -> str:
    """An amount kept as text, in the reader's language and the site's currency ("1.234,50 €")."""
    from decimal import Decimal, InvalidOperation

    from trato.reports.formatting import format_amount

    try:
        return format_amount(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return str(value)


@register.simple_tag
def in_place(claim, section: str) -> str:
    """htmx attributes that make a form or link change one section of the claim page in place: the answer is the
    claim page, of which the section is swapped, and the buttons (the claim's version for its moves) and the
    timeline's entries (the change it wrote) out of band."""
    entries = f"#{panel_id(claim)}-entries"
    return format_html(
        'hx-target="#{}" hx-select="#{}" hx-select-oob="#claim-buttons,{}" hx-swap="outerHTML"',
        section,
        section,
        entries,
    )
