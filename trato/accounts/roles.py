"""Roles are Django groups whose names are these codes, created by a data migration.

Code asks ``has_role(user, Role.SALES_MANAGER)``; what each role may see and do is decided per
model in its queryset's ``visible_to``/``editable_by`` (see README, "Who may do what").
"""

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from trato.core.types import AnyUser


class Role(models.TextChoices):
    SALES_USER = "sales_user", _("Sales user")
    SALES_MANAGER = "sales_manager", _("Sales manager")
    AFTER_SALES_USER = "after_sales_user", _("After-sales user")
    AFTER_SALES_MANAGER = "after_sales_manager", _("After-sales manager")
    PURCHASING_USER = "purchasing_user", _("Purchasing user")
    PURCHASING_MANAGER = "purchasing_manager", _("Purchasing manager")
    QUALITY_MANAGER = "quality_manager", _("Quality manager")
    ADMINISTRATOR = "administrator", _("Administrator")


SALES = frozenset({Role.SALES_USER, Role.SALES_MANAGER})
AFTER_SALES = frozenset({Role.AFTER_SALES_USER, Role.AFTER_SALES_MANAGER})
PURCHASING = frozenset({Role.PURCHASING_USER, Role.PURCHASING_MANAGER})


def roles_of(user: "AnyUser | None") -> frozenset[str]:
    """The user's roles, read once per request object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_trato_roles", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        if user.is_superuser:
            cached |= {Role.ADMINISTRATOR}
        user._trato_roles = cached
    return cached


def has_role(user: "AnyUser | None", *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_admin(user: "AnyUser | None") -> bool:
    return has_role(user, Role.ADMINISTRATOR)
