"""{% load claims %}{% new_claim_kind partner as kind %} — which claim a partner page's "New claim" button starts."""

from django import template

from trato.claims.forms import kind_for_partner

register = template.Library()


@register.simple_tag(takes_context=True)
def new_claim_kind(context, partner) -> str:
    return kind_for_partner(context["request"].user, partner) or ""
