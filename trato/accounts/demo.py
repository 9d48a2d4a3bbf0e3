"""Demo users, one per role. Development only: the password is public."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured

from trato.accounts.models import SalesTeam, User
from trato.accounts.roles import Role

DEMO_PASSWORD = "trato-demo"
DEMO_USERS = [
    # username, first name, last name, role, language
    ("ventas", "Lucía", "Martín", Role.SALES_USER, "es"),
    ("jventas", "Javier", "López", Role.SALES_MANAGER, "es"),
    ("postventa", "Marta", "García", Role.AFTER_SALES_USER, "es"),
    ("jpostventa", "Andrés", "Romero", Role.AFTER_SALES_MANAGER, "es"),
    ("compras", "Pablo", "Sánchez", Role.PURCHASING_USER, "es"),
    ("jcompras", "Elena", "Navarro", Role.PURCHASING_MANAGER, "es"),
    ("calidad", "Sofía", "Ruiz", Role.QUALITY_MANAGER, "es"),
    ("admin", "Admin", "Trato", Role.ADMINISTRATOR, "en"),
]
DEMO_TEAM = ("Equipo Norte", "jventas", ["ventas"])  # name, leader, members


def _load_team() -> None:
    name, leader, members = DEMO_TEAM
    team, _created = SalesTeam.objects.get_or_create(name=name, defaults={"leader": User.objects.get(username=leader)})
    team.members.add(*User.objects.filter(username__in=members))


def load() -> None:
    if settings.PRODUCTION:  # the demo administrator's password is in the README
        raise ImproperlyConfigured("Demo users are for development: production refuses them.")
    for username, first, last, role, language in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@demo.trato.local",
                "language": language,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
            user.save()
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    _load_team()
