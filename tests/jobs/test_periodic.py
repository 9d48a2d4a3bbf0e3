import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.jobs.tasks import tick
from trato.jobs import periodic
from trato.jobs.models import PeriodicJob

EVERY = datetime.timedelta(minutes=5)
TICK_PATH = "tests.jobs.tasks.tick"


def ticks_enqueued() -> int:
    return DBTaskResult.objects.filter(task_path=TICK_PATH).count()


@pytest.mark.django_db
def test_a_newly_registered_job_runs_at_the_first_beat(schedule):
    schedule("tests.tick", tick, EVERY)
    now = timezone.now()
    assert periodic.enqueue_due(now) == 1
    assert ticks_enqueued() == 1
    job = PeriodicJob.objects.get(name="tests.tick")
    assert job.next_run_at == now + EVERY
    assert job.last_enqueued_at == now


@pytest.mark.django_db
def test_a_second_beat_at_the_same_time_enqueues_nothing_more(schedule):
    schedule("tests.tick", tick, EVERY)
    now = timezone.now()
    assert periodic.enqueue_due(now) == 1
    assert periodic.enqueue_due(now) == 0  # another worker's beat, or the same worker a moment later
    assert periodic.enqueue_due(now + EVERY - datetime.timedelta(seconds=1)) == 0
    assert ticks_enqueued() == 1


@pytest.mark.django_db
def test_the_job_runs_again_after_its_interval(schedule):
    schedule("tests.tick", tick, EVERY)
    start = timezone.now()
    periodic.enqueue_due(start)
    assert periodic.enqueue_due(start + EVERY) == 1
    assert ticks_enqueued() == 2


@pytest.mark.django_db
def test_after_a_downtime_of_ten_intervals_the_job_runs_once(schedule):
    schedule("tests.tick", tick, EVERY)
    start = timezone.now()
    periodic.enqueue_due(start)
    back = start + 10 * EVERY + datetime.timedelta(seconds=7)
    assert periodic.enqueue_due(back) == 1
    assert periodic.enqueue_due(back) == 0
    assert ticks_enqueued() == 2
    assert PeriodicJob.objects.get(name="tests.tick").next_run_at == back + EVERY  # a fresh start, no catch-up


@pytest.mark.django_db
def test_a_job_no_longer_registered_is_not_enqueued(schedule):
    schedule("tests.tick", tick, EVERY)
    now = timezone.now()
    periodic.enqueue_due(now)
    periodic.unregister("tests.tick")
    assert periodic.enqueue_due(now + 3 * EVERY) == 0
    assert ticks_enqueued() == 1


@pytest.mark.django_db
def test_a_job_that_cannot_be_enqueued_does_not_stop_the_others(schedule, monkeypatch):
    class Broken:
        def enqueue(self):
            raise RuntimeError("no")

    schedule("tests.broken", Broken(), EVERY)
    schedule("tests.tick", tick, EVERY)
    assert periodic.enqueue_due() == 1
    assert ticks_enqueued() == 1
    assert PeriodicJob.objects.get(name="tests.broken").last_enqueued_at is None  # tried again at the next beat


def test_an_interval_must_be_positive():
    with pytest.raises(ValueError):
        periodic.register("tests.never", tick, datetime.timedelta(0))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across connections: PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_two_workers_beating_at_the_same_moment_enqueue_a_due_job_once(schedule, monkeypatch):
    schedule("tests.tick", tick, EVERY)
    PeriodicJob.objects.create(name="tests.tick", next_run_at=timezone.now() - EVERY)
    real_enqueue = periodic._enqueue
    holding, other_done = threading.Event(), threading.Event()

    def enqueue_holding_the_lock(job, now):
        enqueued = real_enqueue(job, now)
        holding.set()
        other_done.wait(timeout=30)  # the other worker asks for the row while this one holds it
        return enqueued

    monkeypatch.setattr(periodic, "_enqueue", enqueue_holding_the_lock)
    results = []

    def first():
        try:
            results.append(periodic.enqueue_due())
        finally:
            connection.close()

    def second():
        try:
            assert holding.wait(timeout=30), "the first worker never took the row"
            results.append(periodic.enqueue_due())
        finally:
            other_done.set()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [0, 1]
    assert ticks_enqueued() == 1
