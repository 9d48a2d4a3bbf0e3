import datetime

import pytest
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus

from tests.jobs.factories import running
from trato.jobs import recovery
from trato.jobs.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db
STALE = datetime.timedelta(minutes=15)


@pytest.fixture(autouse=True)
def stale_after(settings):
    settings.TRATO_JOB_STALE_AFTER = STALE


def test_a_task_left_running_by_a_dead_worker_is_marked_failed_with_the_reason():
    lost = running(worker_id="dead-worker", started_ago=STALE + datetime.timedelta(minutes=1))
    assert recovery.fail_lost_tasks() == 1
    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.FAILED
    assert lost.exception_class_path == recovery.LOST_EXCEPTION_PATH
    assert "dead-worker stopped" in lost.traceback
    assert lost.finished_at is not None


def test_a_worker_that_last_beat_long_ago_counts_as_dead():
    recovery.heartbeat("quiet-worker", now=timezone.now() - STALE - datetime.timedelta(seconds=5))
    lost = running(worker_id="quiet-worker", started_ago=STALE * 2)
    assert recovery.fail_lost_tasks() == 1
    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.FAILED


def test_a_long_task_on_a_worker_still_beating_is_left_alone():
    recovery.heartbeat("busy-worker")
    long_task = running(worker_id="busy-worker", started_ago=STALE * 4)
    assert recovery.fail_lost_tasks() == 0
    long_task.refresh_from_db()
    assert long_task.status == TaskResultStatus.RUNNING


def test_a_task_started_recently_is_left_alone_even_without_heartbeat():
    recent = running(worker_id="plain-db-worker", started_ago=datetime.timedelta(minutes=2))
    assert recovery.fail_lost_tasks() == 0
    recent.refresh_from_db()
    assert recent.status == TaskResultStatus.RUNNING


def test_the_heartbeat_records_the_worker_once_and_keeps_it_fresh():
    first = timezone.now() - datetime.timedelta(minutes=1)
    recovery.heartbeat("w1", now=first)
    recovery.heartbeat("w1")
    beat = WorkerHeartbeat.objects.get(worker_id="w1")
    assert beat.started_at == first
    assert beat.last_seen_at > first
    assert beat.pid


def test_heartbeats_of_workers_gone_for_a_week_are_forgotten():
    recovery.heartbeat("old", now=timezone.now() - datetime.timedelta(days=8))
    recovery.heartbeat("new")
    recovery.forget_old_heartbeats()
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["new"]


def test_a_beat_that_cannot_reset_its_connection_is_logged_and_the_worker_keeps_beating(monkeypatch, caplog):
    from trato.jobs import worker

    def broken():
        raise RuntimeError("connection reset failed")

    monkeypatch.setattr(worker, "close_old_connections", broken)
    beat = worker.Beat(worker_id="busy-worker", interval=60)

    beat.tick()  # must not raise: a dead beat thread would let the busy worker's long task be taken for lost

    assert "Worker beat failed" in caplog.text
