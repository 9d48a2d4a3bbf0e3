"""Tasks lost with their worker: a task still RUNNING whose worker stopped saying it is alive is marked failed.

django-tasks-db claims a task by setting it RUNNING; if the worker is then killed (SIGKILL, out of memory, machine
down) nothing ever finishes the row, and it would show as running forever. ``fail_lost_tasks`` fails it with a clear
reason, so the jobs page shows it and an administrator can retry it. Work that must not be lost keeps its own state
(the outbox row, the inbound message) and is picked up again by its periodic sweep, so failing the task loses nothing.
"""

import datetime
import logging
import os
import socket

from django.conf import settings
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from trato.jobs.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

LOST_EXCEPTION_PATH = "trato.jobs.recovery.WorkerLost"
HEARTBEATS_KEPT = datetime.timedelta(days=7)


class WorkerLost(Exception):
    """The worker running the task stopped before the task finished."""


def stale_after() -> datetime.timedelta:
    return getattr(settings, "TRATO_JOB_STALE_AFTER", datetime.timedelta(minutes=15))


def heartbeat(worker_id: str, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(last_seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={"last_seen_at": now},
            create_defaults={
                "last_seen_at": now,
                "started_at": now,
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
            },
        )


def live_worker_ids(now: datetime.datetime | None = None) -> set[str]:
    cutoff = (now or timezone.now()) - stale_after()
    return set(WorkerHeartbeat.objects.filter(last_seen_at__gte=cutoff).values_list("worker_id", flat=True))


def fail_lost_tasks(now: datetime.datetime | None = None) -> int:
    """Fail tasks RUNNING for longer than TRATO_JOB_STALE_AFTER whose worker has no recent heartbeat."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    candidates = DBTaskResult.objects.running().filter(started_at__lt=cutoff).only("id", "worker_ids", "started_at")
    alive = live_worker_ids(now)
    failed = 0
    for result in candidates:
        worker_id = result.worker_ids[-1] if result.worker_ids else ""
        if worker_id not in alive:
            failed += _fail_lost(result, worker_id, now)
    return failed


def _fail_lost(result: DBTaskResult, worker_id: str, now: datetime.datetime) -> int:
    reason = (
        f"{LOST_EXCEPTION_PATH}: worker {worker_id or '?'} stopped (killed, crashed or its machine went down) "
        f"while running this task, started at {result.started_at.isoformat()}; no sign of life since "
        f"{stale_after()}. The task was marked failed at {now.isoformat()}; retry it if it is still needed.\n"
    )
    # Conditional on RUNNING: a worker that finishes the task meanwhile keeps its own answer.
    updated = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=LOST_EXCEPTION_PATH,
        traceback=reason,
        return_value=None,
    )
    if updated:
        logger.warning("Task %s was left running by lost worker %s: marked failed", result.pk, worker_id)
    return updated


def fail_interrupted_tasks(worker_id: str, now: datetime.datetime | None = None) -> int:
    """Fail the tasks this worker still shows as RUNNING. Called when the worker's database connection was lost and
    it is between tasks: whatever it had claimed could not be recorded as finished, and nothing else will finish it
    (the worker's heartbeat goes on, so fail_lost_tasks never would)."""
    now = now or timezone.now()
    failed = 0
    for result in DBTaskResult.objects.running().only("id", "worker_ids", "started_at"):
        if result.worker_ids and result.worker_ids[-1] == worker_id:
            failed += _fail_lost(result, worker_id, now)
    return failed


def forget_old_heartbeats(now: datetime.datetime | None = None) -> None:
    WorkerHeartbeat.objects.filter(last_seen_at__lt=(now or timezone.now()) - HEARTBEATS_KEPT).delete()
