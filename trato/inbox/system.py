"""The gateway's own account: who files mail nobody in particular filed.

Timeline services check that their caller may see the record, and that check is kept for people. The
gateway files mail on any record a message belongs to, so it acts as a dedicated user with the
administrator role (it may see every record; a narrower role would leave replies to some records in
triage). It can never act as a person: no usable password (nobody can log in as it), no staff or
superuser flag (no admin site), and its API tokens are revoked whenever it files mail. Entries it writes
show it as their author, so a reader knows a machine filed them.
"""

from django.contrib.auth.models import Group
from django.utils import timezone

from trato.accounts.models import MACHINE_USERNAMES, ApiToken, User
from trato.accounts.roles import Role

GATEWAY_USERNAME = "mail-gateway"
assert GATEWAY_USERNAME in MACHINE_USERNAMES


def gateway_user() -> User:
    user, created = User.objects.get_or_create(
        username=GATEWAY_USERNAME,
        defaults={"first_name": "Mail gateway", "is_active": True},  # a name kept in the data, not translated
    )
    if created:
        user.groups.add(Group.objects.get_or_create(name=Role.ADMINISTRATOR)[0])
    _keep_locked(user)
    return user


def _keep_locked(user: User) -> None:
    """Undo what an administrator may have changed by hand in the admin site: the account stays a machine's."""
    if user.has_usable_password() or user.is_staff or user.is_superuser:
        user.set_unusable_password()
        user.is_staff = user.is_superuser = False
        user.save(update_fields=["password", "is_staff", "is_superuser"])
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
