"""Real worker processes on a real database file (SQLite) or a scratch PostgreSQL database, as in production.

The database is the one the test run uses (SQLite unless DATABASE_URL points at PostgreSQL), but a separate copy:
worker processes cannot see the test transaction, so they get their own database, migrated once for this module.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
# One scratch database per pytest-xdist worker, so parallel runs do not drop each other's.
PROC_DATABASE = "trato_jobs_proc" + os.environ.get("PYTEST_XDIST_WORKER", "").replace("gw", "_")
WORKER = ["trato_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"]
RESULT_MARK = "RESULT:"

pytestmark = pytest.mark.slow


def _postgres_url() -> str:
    db = settings.DATABASES["default"]
    user, host, port = db.get("USER") or "postgres", db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{PROC_DATABASE}"


def _postgres_admin():
    import psycopg

    db = settings.DATABASES["default"]
    params = {k: db[v] for k, v in {"host": "HOST", "port": "PORT", "user": "USER", "password": "PASSWORD"}.items()}
    return psycopg.connect(dbname="postgres", autocommit=True, **{k: v for k, v in params.items() if v})


def _recreate_postgres_database() -> None:
    with _postgres_admin() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PROC_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {PROC_DATABASE}")


def _terminate_worker_connections() -> int:
    """What a database restart or failover does to the workers: every connection to their database is cut."""
    with _postgres_admin() as admin:
        cut = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s",
            [PROC_DATABASE],
        )
        return cut.fetchone()[0]


@pytest.fixture(scope="module")
def proc_env(tmp_path_factory) -> dict:
    var_dir = tmp_path_factory.mktemp("jobs-var")
    env = {
        **os.environ,
        "TRATO_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "TRATO_JOB_BEAT_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    if connection.vendor == "postgresql":
        _recreate_postgres_database()
        env["DATABASE_URL"] = _postgres_url()
    else:
        env.pop("DATABASE_URL", None)  # SQLite file in TRATO_VAR_DIR
    subprocess.run([*_manage(), "migrate", "--no-input", "-v", "0"], env=env, cwd=BASE_DIR, check=True, timeout=120)
    return env


def _manage() -> list[str]:
    return [sys.executable, "manage.py"]


def shell(env: dict, code: str):
    """Run Python in a Django shell against the workers' database; it prints its answer as JSON after RESULT_MARK."""
    done = subprocess.run(
        [*_manage(), "shell", "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith(RESULT_MARK))
    return json.loads(line.removeprefix(RESULT_MARK))


def enqueue(env: dict, statements: str) -> None:
    shell(
        env,
        "import datetime, json\n"
        "from django.utils import timezone\n"
        "from django_tasks_db.models import DBTaskResult\n"
        "from tests.jobs.tasks import append_line, sleep_then_append\n"
        "DBTaskResult.objects.all().delete()\n"
        f"{statements}\n"
        f"print({RESULT_MARK!r} + 'null')",
    )


def results(env: dict) -> list[dict]:
    return shell(
        env,
        "import json\nfrom django_tasks_db.models import DBTaskResult\n"
        "rows = DBTaskResult.objects.filter(task_path__startswith='tests.jobs.tasks.')"
        ".values('status', 'worker_ids', 'exception_class_path')\n"
        f"print({RESULT_MARK!r} + json.dumps(list(rows)))",
    )


def start_worker(env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen([*_manage(), *WORKER, *args], env=env, cwd=BASE_DIR)


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_task_due_while_no_worker_ran_runs_once_when_a_worker_starts(proc_env, tmp_path):
    out = tmp_path / "out.txt"
    enqueue(
        proc_env, f"append_line.using(run_after=timezone.now() - datetime.timedelta(hours=1)).enqueue('{out}', 'x')"
    )
    worker = start_worker(proc_env, "--batch")  # runs what is ready, then exits
    try:
        assert worker.wait(timeout=60) == 0
    finally:
        stop(worker)
    assert lines(out) == ["x"]


def test_a_task_scheduled_five_seconds_ahead_runs_soon_after_and_not_before(proc_env, tmp_path):
    out = tmp_path / "out.txt"
    asked_at = time.monotonic()
    enqueue(
        proc_env, f"append_line.using(run_after=timezone.now() + datetime.timedelta(seconds=5)).enqueue('{out}', 'x')"
    )
    worker = start_worker(proc_env)
    try:
        assert wait_for(lambda: lines(out), timeout=60), "the scheduled task did not run within a minute"
        ran_after = time.monotonic() - asked_at
    finally:
        stop(worker)
    assert ran_after >= 5
    assert lines(out) == ["x"]


def test_two_workers_run_each_of_fifty_tasks_exactly_once(proc_env, tmp_path):
    out = tmp_path / "out.txt"
    enqueue(proc_env, f"for i in range(50): append_line.enqueue('{out}', str(i))")
    workers = [start_worker(proc_env, "--batch"), start_worker(proc_env, "--batch")]
    try:
        for worker in workers:
            assert worker.wait(timeout=60) == 0
    finally:
        stop(*workers)
    assert sorted(lines(out), key=int) == [str(i) for i in range(50)]  # all fifty, none twice


def test_a_task_whose_worker_was_killed_shows_as_failed_when_a_worker_starts_again(proc_env, tmp_path):
    out = tmp_path / "out.txt"
    enqueue(proc_env, f"sleep_then_append.enqueue('{out}', 'k', 60)")
    worker = start_worker(proc_env)
    try:
        assert wait_for(lambda: lines(out) == ["start k"], timeout=30)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        make_it_an_hour_ago(proc_env)  # rather than waiting: the dead worker's last sign of life is now old
        restarted = start_worker({**proc_env, "TRATO_JOB_STALE_AFTER_SECONDS": "60"}, "--batch")
        assert restarted.wait(timeout=60) == 0
    finally:
        stop(worker)
    [row] = results(proc_env)
    assert row["status"] == "FAILED"
    assert row["exception_class_path"] == "trato.jobs.recovery.WorkerLost"
    assert lines(out) == ["start k"]  # not run again behind anyone's back: an administrator decides


def make_it_an_hour_ago(env: dict) -> None:
    """Move the heartbeats and the running tasks' start an hour back, as if the worker had died an hour ago."""
    shell(
        env,
        "import datetime\nfrom django.utils import timezone\n"
        "from django_tasks_db.models import DBTaskResult\nfrom trato.jobs.models import WorkerHeartbeat\n"
        "then = timezone.now() - datetime.timedelta(hours=1)\n"
        "WorkerHeartbeat.objects.update(started_at=then, last_seen_at=then)\n"
        "DBTaskResult.objects.running().update(started_at=then)\n"
        f"print({RESULT_MARK!r} + 'null')",
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="cuts connections with pg_terminate_backend")
def test_a_worker_whose_connections_are_cut_reconnects_and_runs_the_next_task(proc_env, tmp_path):
    out = tmp_path / "out.txt"
    enqueue(proc_env, f"sleep_then_append.enqueue('{out}', 'a', 10)")
    worker = start_worker(proc_env)
    try:
        assert wait_for(lambda: lines(out) == ["start a"], timeout=30), "the worker never started the first task"
        assert _terminate_worker_connections() >= 1  # at least the one the running task will record its end on
        shell(
            proc_env,
            "from tests.jobs.tasks import append_line\n"
            f"append_line.enqueue('{out}', 'b')\nprint({RESULT_MARK!r} + 'null')",
        )
        assert wait_for(lambda: "b" in lines(out), timeout=60), "the worker did not go on to the next task"
        assert worker.poll() is None, "the worker died"
    finally:
        stop(worker)
    by_status = sorted((row["status"], row["exception_class_path"]) for row in results(proc_env))
    # The task cut off mid-way could not record its end: it shows as failed, not as running forever.
    assert by_status == [("FAILED", "trato.jobs.recovery.WorkerLost"), ("SUCCESSFUL", "")]
    assert lines(out) == ["start a", "end a", "b"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_run_dev_starts_the_trato_worker_and_ctrl_c_stops_everything(proc_env):
    env = {**proc_env, "LOG_LEVEL": "INFO", "DEBUG": "0"}  # no code reloaders: a faster start, same processes
    run_dev = subprocess.Popen(
        [*_manage(), "run_dev", "--port", str(_free_port())],
        env=env,
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(run_dev.stdout), daemon=True)
    reader.start()
    group = os.getpgid(run_dev.pid)
    try:
        assert wait_for(lambda: any("Starting worker" in line for line in output), timeout=30), "".join(output)
        os.killpg(group, signal.SIGINT)  # what Ctrl-C does: every process of the terminal's group gets it
        assert run_dev.wait(timeout=20) is not None
        assert wait_for(lambda: not _group_alive(group), timeout=15), "a child survived Ctrl-C"
    finally:
        if _group_alive(group):
            os.killpg(group, signal.SIGKILL)
        run_dev.wait(timeout=10)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True
