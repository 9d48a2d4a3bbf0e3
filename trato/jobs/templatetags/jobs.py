from django import template

from trato.accounts import roles

register = template.Library()


@register.simple_tag
def is_admin(user) -> bool:
    """``{% is_admin user as flag %}``: whether the user has the administrator role (reads roles once per request)."""
    return roles.is_admin(user)
