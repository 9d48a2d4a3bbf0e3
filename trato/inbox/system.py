"""The gateway's own account: who files mail nobody in particular filed.

Timeline services check that their caller may see the record, and that check is kept for people. The
gateway files mail on any record a message belongs to, so it acts as a dedicated user with the
administrator role (it may see every record), an unusable password (nobody can log in as it) and no
staff flag (no admin site). Entries it writes show it as their author, so a reader knows a machine
filed them.
"""

from django.contrib.auth.models import Group

from trato.accounts.models import User
from trato.accounts.roles import Role

GATEWAY_USERNAME = "mail-gateway"


def gateway_user() -> User:
    user, created = User.objects.get_or_create(
        username=GATEWAY_USERNAME,
        defaults={
            "first_name": "Mail gateway",  # a name kept in the data, not translated
            "is_active": True,
            "is_staff": False,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get_or_create(name=Role.ADMINISTRATOR)[0])
    return user
