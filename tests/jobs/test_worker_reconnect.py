"""The worker survives a lost database connection: it reconnects and goes on to the next task."""

import pytest
from django.db import OperationalError, connection
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from tests.jobs.tasks import append_line
from trato.jobs import recovery, worker
from trato.jobs.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def reconnect_at_once(monkeypatch):
    monkeypatch.setattr(worker, "RECONNECT_FIRST_WAIT_SECONDS", 0.0)


def batch_worker(worker_id: str = "w1") -> worker.TratoWorker:
    return worker.TratoWorker(
        queue_names=["default"],
        excluded_queue_names=[],
        batch=True,
        beat_interval=3600,  # the beat thread stays quiet: these tests drive the main loop
        interval=0,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
    )


def lose_the_connection_once(monkeypatch) -> list[int]:
    """The next attempt to claim a task fails as a dropped connection does; the ones after work."""
    real = DBTaskResultQuerySet.get_locked
    calls = []

    def get_locked(self):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(self)

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", get_locked)
    return calls


def test_after_losing_the_connection_the_worker_reconnects_and_runs_the_next_task(monkeypatch, tmp_path):
    out = tmp_path / "out.txt"
    result = append_line.enqueue(str(out), "x")
    calls = lose_the_connection_once(monkeypatch)

    batch_worker().run()  # returns only when the queue is empty: it did not die on the error

    assert len(calls) >= 2
    assert out.read_text() == "x\n"
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL


def test_a_task_whose_end_could_not_be_recorded_is_failed_when_the_worker_reconnects(tmp_path):
    out = tmp_path / "out.txt"
    result = append_line.enqueue(str(out), "x")
    DBTaskResult.objects.filter(pk=result.id).get().claim("w1")  # claimed, then the connection went

    assert recovery.fail_interrupted_tasks("w1") == 1
    assert recovery.fail_interrupted_tasks("w1") == 0
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == recovery.LOST_EXCEPTION_PATH


def test_another_workers_running_task_is_left_alone_on_reconnect(tmp_path):
    result = append_line.enqueue(str(tmp_path / "out.txt"), "x")
    DBTaskResult.objects.filter(pk=result.id).get().claim("w2")

    assert recovery.fail_interrupted_tasks("w1") == 0
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING


def test_a_beat_that_loses_the_connection_drops_it_and_the_next_beat_records_the_heartbeat(monkeypatch):
    real_heartbeat, real_close = recovery.heartbeat, connection.close
    events = []

    def heartbeat(worker_id):
        if "lost" not in events:
            events.append("lost")
            raise OperationalError("terminating connection due to administrator command")
        real_heartbeat(worker_id)

    monkeypatch.setattr(recovery, "heartbeat", heartbeat)
    monkeypatch.setattr(connection, "close", lambda: (events.append("close"), real_close()))

    worker.beat_once("w1", recover=False)  # must not raise
    assert events[-2:] == ["lost", "close"]  # the broken connection is dropped after the failure
    assert not WorkerHeartbeat.objects.filter(worker_id="w1").exists()

    worker.beat_once("w1", recover=False)
    assert WorkerHeartbeat.objects.filter(worker_id="w1").exists()


def test_a_stop_during_the_wait_before_reconnecting_ends_the_worker(monkeypatch):
    stopping = batch_worker()
    stopping.running = False
    assert stopping._wait_before_reconnecting(30) is False
