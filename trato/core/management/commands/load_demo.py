from typing import Any

from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from trato.core.services import composed

# Each app's demo loader; each is idempotent (keyed on natural keys), so running twice duplicates nothing.
DEMO_LOADERS = [
    "trato.accounts.demo.load",
    "trato.partners.demo.load",
    "trato.claims.demo.load",
]


class Command(BaseCommand):
    help = "Load the demo data (idempotent) and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        with composed():  # all the demo or none: the loaders call many services
            for path in DEMO_LOADERS:
                import_string(path)()
        from trato.accounts.demo import DEMO_PASSWORD, DEMO_USERS

        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        for username, _first, _last, role, language in DEMO_USERS:
            self.stdout.write(f"  {username:<12} {role:<20} ({language})")
