"""The worker-kill test: 200 messages, a sender process killed with SIGKILL half-way, restarted; every
Message-ID must arrive at the SMTP server exactly once.

It runs real processes against a database file of its own (SQLite in a temporary directory), or, when the
suite runs on PostgreSQL (DATABASE_URL), against a PostgreSQL database of its own next to the test database.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.mail.conftest import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 200
DEADLINE_SECONDS = 40

QUEUE_SCRIPT = f"""
from django.db import transaction
from trato.mail.services import message_queue
with transaction.atomic():
    for n in range({MESSAGES}):
        message_queue(by=None, to=[f"customer{{n}}@example.com"], subject=f"Message {{n}}", body_text="Hello " * 50)
"""
STATES_SCRIPT = """
import json
from django.db.models import Count
from trato.mail.models import OutboundMessage
print("STATES=" + json.dumps(dict(OutboundMessage.objects.values_list("state").annotate(n=Count("pk")))))
"""


def _postgres_database(url: str):
    """A fresh database of this test's own on the same server; dropped afterwards."""
    import psycopg

    parts = urlsplit(url)
    name = (parts.path.lstrip("/") or "trato") + "_outbox_kill"
    admin_url = urlunsplit(parts._replace(path="/postgres"))

    def run(sql):
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), lambda: run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def environment(tmp_path):
    server = SmtpServer()
    server.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trato.settings",
        "TRATO_VAR_DIR": str(tmp_path / "var"),
        "SECRET_KEY": "worker-kill-test",
        "EMAIL_BACKEND": "trato.mail.backends.TwoPhaseSMTPBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(server.port),
        "EMAIL_TIMEOUT": "5",
        "TRATO_MAIL_SENDING_LEASE_SECONDS": "2",  # the killed worker's message is taken back after this
        "LOG_LEVEL": "WARNING",
    }
    drop = None
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"], drop = _postgres_database(os.environ["DATABASE_URL"])
    else:
        env.pop("DATABASE_URL", None)
    try:
        yield server, env
    finally:
        server.stop()
        if drop:
            drop()


def manage(env, *args, timeout=60) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def start_worker(env, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "mail_outbox", "--loop", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_until(condition, seconds: float) -> bool:
    """Poll ``condition`` until it holds or the deadline passes (a deadline, never a fixed sleep)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return condition()


def outbox_states(env) -> dict:
    output = manage(env, "shell", "-c", STATES_SCRIPT)
    found = re.search(r"STATES=(\{.*?\})", output)
    assert found, output
    return json.loads(found.group(1))


def stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.kill()
        process.wait(timeout=10)


@pytest.mark.slow
def test_a_sender_killed_half_way_through_a_batch_sends_every_message_exactly_once(environment, tmp_path):
    server, env = environment
    received = server.mailbox.received
    manage(env, "migrate", "--no-input")
    manage(env, "shell", "-c", QUEUE_SCRIPT)
    log = tmp_path / "worker.log"
    first = second = None
    try:
        first = start_worker(env, log)
        assert wait_until(lambda: len(received) >= MESSAGES // 2, DEADLINE_SECONDS), log.read_text()[-3000:]
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        arrived_before_restart = len(received)
        assert arrived_before_restart < MESSAGES, "the worker finished before it could be killed"

        second = start_worker(env, log)
        assert wait_until(lambda: len(set(server.mailbox.message_ids())) >= MESSAGES, DEADLINE_SECONDS), (
            f"{len(received)} arrived; worker log:\n{log.read_text()[-3000:]}"
        )
        # The last message may have reached the server before its row was marked sent: wait for the rows, not
        # for the server, before stopping the worker (stopping it earlier is the kill this test already did).
        all_sent = {"sent": MESSAGES}
        assert wait_until(lambda: outbox_states(env) == all_sent, DEADLINE_SECONDS), outbox_states(env)
    finally:
        stop(first)
        stop(second)

    counts = Counter(server.mailbox.message_ids())
    assert len(counts) == MESSAGES
    assert [mid for mid, n in counts.items() if n > 1] == []
    assert outbox_states(env) == {"sent": MESSAGES}
