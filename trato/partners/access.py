"""Who sees, changes and creates which partners (the access contract: trato/core/access.py).

- Prospects: sales users and managers. Customers: sales, after-sales and the quality manager. Suppliers:
  purchasing users and managers and the quality manager. A partner that is several kinds is seen by each.
- Changing: sales managers any prospect or customer, sales users those that are theirs (or their team's, or
  nobody's); after-sales managers customers; purchasing managers any supplier, purchasing users theirs or nobody's.
- Creating: sales prospects and customers, after-sales managers customers, purchasing suppliers.
- Administrators: everything. Contacts follow their company (partners/models.py).
"""

from django.db.models import Q

from trato.accounts.roles import Role, has_role, roles_of
from trato.accounts.selectors import members_led_by

SEES_PROSPECTS = {Role.ADMINISTRATOR, Role.SALES_USER, Role.SALES_MANAGER}
SEES_CUSTOMERS = SEES_PROSPECTS | {Role.AFTER_SALES_USER, Role.AFTER_SALES_MANAGER, Role.QUALITY_MANAGER}
SEES_SUPPLIERS = {Role.ADMINISTRATOR, Role.PURCHASING_USER, Role.PURCHASING_MANAGER, Role.QUALITY_MANAGER}


def visible_condition(user) -> Q:
    roles = roles_of(user)
    if Role.ADMINISTRATOR in roles:
        return Q()
    condition = Q(pk__in=[])
    if roles & SEES_PROSPECTS:
        condition |= Q(is_prospect=True)
    if roles & SEES_CUSTOMERS:
        condition |= Q(is_customer=True)
    if roles & SEES_SUPPLIERS:
        condition |= Q(is_supplier=True)
    return condition


def _sales_condition(user, roles) -> Q:
    prospect_or_customer = Q(is_prospect=True) | Q(is_customer=True)
    if Role.SALES_MANAGER in roles:
        return prospect_or_customer
    if Role.SALES_USER in roles:
        # A subquery, not salespeople_of's list: one query fewer on every partner page (an edit check needs no index).
        mine = Q(salesperson=user) | Q(salesperson__isnull=True) | Q(salesperson__in=members_led_by(user))
        return prospect_or_customer & mine
    return Q(pk__in=[])


def _purchasing_condition(user, roles) -> Q:
    if Role.PURCHASING_MANAGER in roles:
        return Q(is_supplier=True)
    if Role.PURCHASING_USER in roles:
        return Q(is_supplier=True) & (Q(purchasing_responsible=user) | Q(purchasing_responsible__isnull=True))
    return Q(pk__in=[])


def editable_condition(user) -> Q:
    roles = roles_of(user)
    if Role.ADMINISTRATOR in roles:
        return Q()
    condition = _sales_condition(user, roles) | _purchasing_condition(user, roles)
    if Role.AFTER_SALES_MANAGER in roles:
        condition |= Q(is_customer=True)
    return condition


def creatable_kinds(user) -> set[str]:
    """Which kinds of partner this user may create: prospect, customer, supplier."""
    kinds = set()
    if has_role(user, Role.ADMINISTRATOR, Role.SALES_USER, Role.SALES_MANAGER):
        kinds |= {"prospect", "customer"}
    if has_role(user, Role.AFTER_SALES_MANAGER):
        kinds |= {"customer"}
    if has_role(user, Role.ADMINISTRATOR, Role.PURCHASING_USER, Role.PURCHASING_MANAGER):
        kinds |= {"supplier"}
    return kinds


def may_create(user, kinds=None) -> bool:
    """May ``user`` create a partner of all these ``kinds`` (of some kind when None)?"""
    allowed = creatable_kinds(user)
    return bool(allowed) if kinds is None else bool(kinds) and set(kinds) <= allowed


def may_configure(user) -> bool:
    """Partners have no settings of their own yet beyond shared tags: administrators only."""
    return has_role(user, Role.ADMINISTRATOR)
