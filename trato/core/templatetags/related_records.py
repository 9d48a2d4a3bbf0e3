"""{% load related_records %}{% related_records record %}: the blocks other apps register for the record's model
(trato/core/related.py), each with its count, first rows and a link to the whole list."""

from typing import Any

from django import template
from django.db.models import Model
from django.utils import timezone

from trato.core import related

register = template.Library()


@register.inclusion_tag("core/_related.html", takes_context=True)
def related_records(context: template.Context, record: Model) -> dict[str, Any]:
    user = context["request"].user
    return {"blocks": related.blocks_for(user, record), "today": timezone.localdate()}
