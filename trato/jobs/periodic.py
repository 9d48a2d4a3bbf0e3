"""Periodic jobs: "run this task every N minutes", safe with any number of workers.

Apps register their jobs in ``AppConfig.ready()``::

    from trato.jobs import periodic
    periodic.register("inbox.imap_poll", imap_poll, every=timedelta(minutes=2))

Every worker's beat calls ``enqueue_due()``. A ``PeriodicJob`` row per name holds ``next_run_at``; a due row is
locked, its task enqueued and ``next_run_at`` moved to now + every, all in one transaction. On PostgreSQL the lock is
``SELECT ... FOR UPDATE SKIP LOCKED``: a second worker skips a row the first holds, and once the first commits the row
is no longer due. On SQLite the transaction takes the database's write lock first, which serialises the beats.
After downtime a job is due once, not once per missed interval: it runs once and its schedule starts again from now.
"""

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks.base import Task
from django_tasks_db.utils import exclusive_transaction

from trato.core.validation import field_max_length
from trato.jobs.models import PeriodicJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    name: str
    task: Task[[], Any]
    every: datetime.timedelta


_schedules: dict[str, Schedule] = {}


def register(name: str, task: Task[[], Any], every: datetime.timedelta) -> None:
    """Run ``task`` (a django-tasks task taking no arguments) every ``every``. Registering a name again replaces it."""
    if every <= datetime.timedelta(0):
        raise ValueError(f"Periodic job {name!r}: 'every' must be positive")
    if len(name) > field_max_length(PeriodicJob, "name"):
        raise ValueError(f"Periodic job name {name!r} is too long")
    _schedules[name] = Schedule(name=name, task=task, every=every)


def unregister(name: str) -> None:
    _schedules.pop(name, None)


def schedules() -> dict[str, Schedule]:
    return dict(_schedules)


def enqueue_due(now: datetime.datetime | None = None) -> int:
    """Enqueue each registered job whose time has come, once; return how many were enqueued."""
    if not _schedules:
        return 0
    now = now or timezone.now()
    _create_missing_rows(now)
    enqueued = 0
    with exclusive_transaction(PeriodicJob.objects.db):
        due = PeriodicJob.objects.select_for_update(skip_locked=True).filter(
            name__in=list(_schedules), next_run_at__lte=now
        )
        for job in due:
            enqueued += _enqueue(job, now)
    return enqueued


def _create_missing_rows(now: datetime.datetime) -> None:
    """A newly registered job is due at once; a row another worker created meanwhile is left alone."""
    known = set(PeriodicJob.objects.filter(name__in=list(_schedules)).values_list("name", flat=True))
    missing = [PeriodicJob(name=name, next_run_at=now) for name in _schedules if name not in known]
    if missing:
        PeriodicJob.objects.bulk_create(missing, ignore_conflicts=True)


def _enqueue(job: PeriodicJob, now: datetime.datetime) -> int:
    schedule = _schedules[job.name]
    try:
        with transaction.atomic():  # a savepoint: one broken job does not stop the others
            schedule.task.enqueue()
            job.next_run_at = now + schedule.every
            job.last_enqueued_at = now
            job.save(update_fields=["next_run_at", "last_enqueued_at"])
    except Exception:
        logger.exception("Could not enqueue periodic job %s", job.name)
        return 0
    return 1
