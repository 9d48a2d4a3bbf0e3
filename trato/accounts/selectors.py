"""Reads about users that other apps share."""

from trato.accounts.models import MACHINE_USERNAMES, User


def assignable_users():
    """The people work may be given to (responsible, assignee, owner): active, and not an account machines use."""
    return User.objects.filter(is_active=True).exclude(username__in=MACHINE_USERNAMES)
