"""Reads about users that other apps share."""

from trato.accounts.models import MACHINE_USERNAMES, SalesTeam, User


def assignable_users():
    """The people work may be given to (responsible, assignee, owner): active, and not an account machines use."""
    return User.objects.filter(is_active=True).exclude(username__in=MACHINE_USERNAMES)


def members_led_by(user):
    """The ids of the members of the sales teams ``user`` leads (a subquery)."""
    return SalesTeam.members.through.objects.filter(salesteam__leader=user).values_list("user_id", flat=True)


def salespeople_of(user) -> list[int]:
    """The user and the members of the teams they lead: whose customers are theirs. Read once per request object;
    a list of ids lets the partners' salesperson index answer (an OR with a subquery cannot use it)."""
    cached = getattr(user, "_trato_salespeople", None)
    if cached is None:
        cached = sorted({user.pk, *members_led_by(user)})
        user._trato_salespeople = cached
    return cached
