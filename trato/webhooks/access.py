"""Who sees and configures webhook endpoints: administrators only (the access contract: trato/core/access.py).

An endpoint sends records to another system, so registering one is granting that system read access: only an
administrator may do it, and the endpoint's ``owner`` bounds what it receives."""

from django.db.models import Q

from trato.accounts.roles import is_admin
from trato.core.types import AnyUser


def visible_condition(user: AnyUser) -> Q:
    return Q() if is_admin(user) else Q(pk__in=[])


def editable_condition(user: AnyUser) -> Q:
    return visible_condition(user)


def may_create(user: AnyUser) -> bool:
    return is_admin(user)


def may_configure(user: AnyUser) -> bool:
    return is_admin(user)
