"""``manage.py trato_worker``: django-tasks-db's ``db_worker`` (same options) plus the periodic beat and the
recovery of tasks lost with a killed worker. Run as many as you like, on as many machines (docs/operations.md)."""

import os
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from trato.jobs.worker import TratoWorker


class Command(db_worker.Command):
    help = "Run a Trato background worker: the database task worker plus periodic jobs and lost-task recovery."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--beat-interval",
            type=db_worker.valid_interval,
            default=getattr(settings, "TRATO_JOB_BEAT_SECONDS", 5),
            help="Seconds between beats: heartbeat, periodic jobs, lost-task recovery (default: %(default)r)",
        )

    def handle(  # db_worker's options, and ours (beat_interval) in options
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        if reload and batch:
            reload = False  # as db_worker: a batch run ends by itself, there is nothing to reload
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = TratoWorker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            batch=batch,
            beat_interval=options["beat_interval"] or 1,
            interval=interval,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
        )
        if not reload:
            worker.configure_signals()
            worker.run()
            return
        if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
            worker.configure_signals()  # only the reloaded child handles Ctrl-C
        run_with_reloader(worker.run)
