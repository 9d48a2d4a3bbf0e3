"""The Trato worker: django-tasks-db's worker plus a beat thread.

The beat, every few seconds: says this worker is alive (``WorkerHeartbeat``), enqueues the periodic jobs that are
due (``periodic.enqueue_due``) and, about once a minute, fails tasks lost with a dead worker
(``recovery.fail_lost_tasks``). It runs in its own thread with its own database connection so that it keeps beating
while the main thread runs a long task: a busy worker is not mistaken for a dead one, and schedules stay on time.
"""

import logging
import threading
import time

from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Worker

from trato.jobs import periodic, recovery

logger = logging.getLogger(__name__)

RECOVERY_EVERY_SECONDS = 60.0
# After losing the database, the worker waits this long before trying again, doubling up to the maximum.
RECONNECT_FIRST_WAIT_SECONDS = 0.5
RECONNECT_MAX_WAIT_SECONDS = 30.0
CONNECTION_LOST = (OperationalError, InterfaceError)


class Beat(threading.Thread):
    def __init__(self, *, worker_id: str, interval: float):
        super().__init__(name=f"trato-beat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.stopping = threading.Event()
        self._last_recovery = time.monotonic()  # the worker recovered once on start

    def run(self) -> None:
        try:
            while not self.stopping.wait(self.interval):
                self.tick()
        finally:
            connection.close()

    def tick(self) -> None:
        recover = time.monotonic() - self._last_recovery >= RECOVERY_EVERY_SECONDS
        if recover:
            self._last_recovery = time.monotonic()
        beat_once(self.worker_id, recover=recover)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)


def beat_once(worker_id: str, *, recover: bool) -> None:
    """One beat. A failure (e.g. the database briefly unavailable) is logged; the next beat tries again.
    Nothing may escape: a dead beat thread would let other workers take this busy worker's task for lost."""
    try:
        close_old_connections()
        recovery.heartbeat(worker_id)
        if recover:
            lost = recovery.fail_lost_tasks()
            if lost:
                logger.warning("Marked %d task(s) lost with their worker as failed", lost)
            recovery.forget_old_heartbeats()
        enqueued = periodic.enqueue_due()
        if enqueued:
            logger.info("Enqueued %d periodic job(s)", enqueued)
    except CONNECTION_LOST:
        logger.warning("Worker beat lost the database connection; reconnecting at the next beat", exc_info=True)
        _drop_connection()
    except Exception:
        logger.exception("Worker beat failed; trying again at the next beat")


def _drop_connection() -> None:
    """Forget a broken connection so that the next query opens a new one. Closing a dead one may itself fail."""
    try:
        connection.close()
    except Exception:
        logger.debug("Closing the lost database connection failed", exc_info=True)


class TratoWorker(Worker):
    def __init__(self, *, beat_interval: float, **options):
        super().__init__(**options)
        self.beat_interval = beat_interval

    def run(self) -> None:
        beat_once(self.worker_id, recover=True)  # tasks lost before this start show as failed at once
        beat = Beat(worker_id=self.worker_id, interval=self.beat_interval)
        beat.start()
        try:
            self._run_reconnecting()
        finally:
            beat.stop()

    def _run_reconnecting(self) -> None:
        """django-tasks-db's loop, started again after the database connection is lost (a restarted server, a
        failover, a dropped network): the worker waits, reconnects and goes on instead of dying."""
        wait = RECONNECT_FIRST_WAIT_SECONDS
        while True:
            try:
                super().run()
                return
            except CONNECTION_LOST:
                logger.warning("Worker lost the database connection; reconnecting in %.1fs", wait, exc_info=True)
            _drop_connection()
            if not self.running or not self._wait_before_reconnecting(wait):
                return  # asked to stop meanwhile
            wait = min(wait * 2, RECONNECT_MAX_WAIT_SECONDS)
            self.startup_delay = False  # the random start delay is for the first start only
            wait = RECONNECT_FIRST_WAIT_SECONDS if self._recover_after_reconnect() else wait

    def _wait_before_reconnecting(self, seconds: float) -> bool:
        """Wait, in short steps so that a stop signal is not kept waiting. False when asked to stop."""
        deadline = time.monotonic() + seconds
        while self.running and time.monotonic() < deadline:
            time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
        return self.running

    def _recover_after_reconnect(self) -> bool:
        """Fail the task whose end could not be recorded; True when the database answered again."""
        try:
            close_old_connections()
            failed = recovery.fail_interrupted_tasks(self.worker_id)
        except CONNECTION_LOST:
            _drop_connection()
            return False
        if failed:
            logger.warning("Marked %d task(s) interrupted by the lost connection as failed", failed)
        return True
