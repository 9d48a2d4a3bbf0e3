"""manage.py bench: build the bench data set if needed, time every operation against its raw SQL, print and save.

Runs only against a PostgreSQL database whose name contains "bench" (`make bench` points DATABASE_URL at one):
it creates, migrates and fills that database, and --rebuild drops it.
"""

import datetime
import logging
import platform
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection

from trato.accounts.models import User
from trato.bench import dataset, registry, runner
from trato.claims.models import Claim


class Command(BaseCommand):
    help = "Time every list, board, search, report, record page, export and API page against its raw SQL."

    def add_arguments(self, parser):
        defaults = dataset.Sizes()
        parser.add_argument("--claims", type=int, default=defaults.claims)
        parser.add_argument("--partners", type=int, default=defaults.partners)
        parser.add_argument("--entries", type=int, default=defaults.entries, help="timeline entries")
        parser.add_argument("--repeat", type=int, default=30, help="timed runs of each operation (at least 30)")
        parser.add_argument("--only", default="", help="time only operations whose key contains this text")
        parser.add_argument("--skip", default="", help="leave out operations whose key contains this text")
        parser.add_argument("--roles", default=",".join(registry.ROLES), help="comma-separated roles")
        parser.add_argument("--json", default="var/bench/bench.json", help="where to write the results")
        parser.add_argument("--rebuild", action="store_true", help="drop the bench database and build it again")
        parser.add_argument("--build-only", action="store_true", help="build the data set, time nothing")

    def handle(self, *args, **options):
        logging.getLogger("axes").setLevel(logging.WARNING)  # one login per role: not news
        name = connection.settings_dict["NAME"]
        if connection.vendor != "postgresql" or "bench" not in str(name):
            raise CommandError("The bench runs on a PostgreSQL database whose name contains 'bench' (make bench).")
        sizes = dataset.Sizes(claims=options["claims"], partners=options["partners"], entries=options["entries"])
        self._prepare(name, sizes, rebuild=options["rebuild"])
        if options["build_only"]:
            return
        users = {role: User.objects.get(username=f"bench_{role}") for role in options["roles"].split(",")}
        operations = [
            op
            for op in registry.operations()
            if options["only"] in op.key and not (options["skip"] and options["skip"] in op.key)
        ]
        self.stdout.write(f"Timing {len(operations)} operations for {', '.join(users)}…")
        results = runner.run(operations, users, repeat=options["repeat"], echo=self.stdout.write)
        self.stdout.write(runner.table(results))
        self._save(results, options["json"], sizes, options["repeat"])
        failed = [r for r in results if r.failures]
        if failed:
            raise CommandError(f"{len(failed)} of {len(results)} timings miss their bounds (marked FAIL above).")
        self.stdout.write(self.style.SUCCESS(f"All {len(results)} timings within their bounds."))

    def _prepare(self, name: str, sizes: dataset.Sizes, *, rebuild: bool) -> None:
        if rebuild:
            self._drop(name)
        self._create_if_missing(name)
        call_command("migrate", verbosity=0, interactive=False)
        held = Claim.objects.count()
        if held == 0:
            self.stdout.write(f"Building the data set in {name}: {sizes}…")
            dataset.build(sizes, echo=self.stdout.write)
        elif held != sizes.claims:
            raise CommandError(f"{name} holds {held} claims, not {sizes.claims}: add --rebuild to build it again.")
        with connection.cursor() as cursor:  # statistics for indexes a migration just added, as autovacuum would
            cursor.execute("ANALYZE")
        self.stdout.write("Data set: " + ", ".join(f"{n:,} {label}" for label, n in dataset.counts().items()))

    def _create_if_missing(self, name: str) -> None:
        try:
            connection.ensure_connection()
        except OperationalError:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
            self.stdout.write(f"Created the database {name}.")

    def _drop(self, name: str) -> None:
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.stdout.write(f"Dropped the database {name}.")

    def _save(self, results, path: str, sizes: dataset.Sizes, repeat: int) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "when": datetime.datetime.now().isoformat(timespec="seconds"),
            "sizes": sizes.__dict__,
            "repeat": repeat,
            "machine": platform.node(),
            "postgresql": connection.cursor().connection.info.server_version,
        }
        runner.write_json(results, path, meta)
        self.stdout.write(f"Results written to {path}.")
