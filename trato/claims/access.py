"""Who sees and changes which claims: the seed's rules, in one place.

- Customer claims: after-sales users and managers; sales users and managers see (read only) the claims of the
  customers they are salesperson of (or whose salesperson is in a team they lead).
- Supplier claims (supplier non-conformities): purchasing users and managers and the quality manager only.
- Internal non-conformities: the quality manager and the people assigned (responsible or assignees).
- Administrators: everything.

Whoever may create a kind of claim sees every claim of that kind (tests/claims/test_access.py checks it): the ERP
reference is unique per kind on that ground, so a clash never reveals a claim the creator may not see.
Categories: a user sees those of the kinds of claims they see, and configures those of the kinds they manage.
"""

from django.apps import apps
from django.db.models import Exists, OuterRef, Q

from trato.accounts.roles import AFTER_SALES, PURCHASING, SALES, Role, roles_of
from trato.accounts.selectors import salespeople_of

CUSTOMER, SUPPLIER, INTERNAL = "customer", "supplier", "internal"


# The conditions never join a to-many relation (assignees, team members): those are EXISTS / IN subqueries, so
# visible_to filters the claims table directly, each claim once (core/access.py, single_valued).


def _assigned(user) -> Q:
    assignees = apps.get_model("claims", "Claim").assignees.through.objects.filter(claim=OuterRef("pk"), user=user)
    return Q(responsible=user) | Q(Exists(assignees))


def _customers_of(user) -> Q:
    """Claims of the user's customers (or their team's): those partners are found first, through the salesperson
    index, rather than joining every partner to every claim."""
    partners = apps.get_model("partners", "Partner").objects.filter(salesperson__in=salespeople_of(user))
    return Q(partner__in=partners.values("pk"))


def visible_condition(user) -> Q:
    roles = roles_of(user)
    if Role.ADMINISTRATOR in roles:
        return Q()
    condition = Q(pk__in=[])
    if roles & AFTER_SALES:
        condition |= Q(kind=CUSTOMER)
    elif roles & SALES:
        condition |= Q(kind=CUSTOMER) & _customers_of(user)
    if roles & PURCHASING or Role.QUALITY_MANAGER in roles:
        condition |= Q(kind=SUPPLIER)
    if Role.QUALITY_MANAGER in roles:
        condition |= Q(kind=INTERNAL)
    elif user.is_authenticated:
        condition |= Q(kind=INTERNAL) & _assigned(user)
    return condition


def editable_condition(user) -> Q:
    roles = roles_of(user)
    if Role.ADMINISTRATOR in roles:
        return Q()
    condition = Q(pk__in=[])
    if roles & AFTER_SALES:
        condition |= Q(kind=CUSTOMER)
    if roles & PURCHASING or Role.QUALITY_MANAGER in roles:
        condition |= Q(kind=SUPPLIER)
    if Role.QUALITY_MANAGER in roles:
        condition |= Q(kind=INTERNAL)
    elif user.is_authenticated:
        condition |= Q(kind=INTERNAL) & _assigned(user)
    return condition


def creatable_kinds(user) -> set[str]:
    roles = roles_of(user)
    kinds = set()
    if roles & {Role.ADMINISTRATOR} or roles & AFTER_SALES:
        kinds.add(CUSTOMER)
    if roles & {Role.ADMINISTRATOR, Role.QUALITY_MANAGER} or roles & PURCHASING:
        kinds.add(SUPPLIER)
    if roles & {Role.ADMINISTRATOR, Role.QUALITY_MANAGER}:
        kinds.add(INTERNAL)
    return kinds


def configurable_kinds(user) -> set[str]:
    """Whose categories this user may configure: each kind's managers."""
    roles = roles_of(user)
    if Role.ADMINISTRATOR in roles:
        return {CUSTOMER, SUPPLIER, INTERNAL}
    kinds = set()
    if Role.AFTER_SALES_MANAGER in roles:
        kinds.add(CUSTOMER)
    if Role.PURCHASING_MANAGER in roles:
        kinds.add(SUPPLIER)
    if Role.QUALITY_MANAGER in roles:
        kinds.add(INTERNAL)
    return kinds


def visible_kinds(user) -> set[str]:
    """The kinds of which this user sees at least some claims (their categories are shown to them)."""
    roles = roles_of(user)
    if Role.ADMINISTRATOR in roles:
        return {CUSTOMER, SUPPLIER, INTERNAL}
    kinds = {INTERNAL} if user.is_authenticated else set()  # internal ones they are assigned to
    if roles & AFTER_SALES or roles & SALES:
        kinds.add(CUSTOMER)
    if roles & PURCHASING or Role.QUALITY_MANAGER in roles:
        kinds.add(SUPPLIER)
    return kinds


def may_create(user, kind: str | None = None) -> bool:
    """May ``user`` create a claim of ``kind`` (of any kind when None)?"""
    kinds = creatable_kinds(user)
    return bool(kinds) if kind is None else kind in kinds


def may_configure(user, kind: str | None = None) -> bool:
    """May ``user`` configure the categories of ``kind`` (of some kind when None)?"""
    kinds = configurable_kinds(user)
    return bool(kinds) if kind is None else kind in kinds


# Who may be given a claim of each kind (responsible, assignee): the people who work on that kind. A supplier
# non-conformity is never offered to after-sales staff; an internal one may go to anyone. None: no narrowing.
TAKER_ROLES: dict[str, frozenset[str] | None] = {
    CUSTOMER: AFTER_SALES | {Role.ADMINISTRATOR},
    SUPPLIER: PURCHASING | {Role.QUALITY_MANAGER, Role.ADMINISTRATOR},
    INTERNAL: None,
}


def takers_condition(kinds) -> Q:
    """The users (a condition on the user model) who may take a claim of any of ``kinds``."""
    roles: set[str] = set()
    for kind in kinds:
        if (kind_roles := TAKER_ROLES.get(kind)) is None:
            return Q()
        roles |= kind_roles
    members = apps.get_model("auth", "Group").user_set.through.objects.filter(group__name__in=roles)
    return Q(is_superuser=True) | Q(pk__in=members.values("user_id"))
