"""Tasks used by the jobs tests, importable by the worker processes the tests start."""

import os
import time

from django_tasks import task


@task()
def append_line(path: str, value: str) -> None:
    """One line per execution: a file the test reads counts how many times each task really ran."""
    with open(path, "a") as file:
        file.write(f"{value}\n")
        file.flush()
        os.fsync(file.fileno())


@task()
def sleep_then_append(path: str, value: str, seconds: float) -> None:
    append_line.call(path, f"start {value}")
    time.sleep(seconds)
    append_line.call(path, f"end {value}")


@task()
def tick() -> None:
    """A periodic job that does nothing."""


@task()
def explode(reason: str) -> None:
    raise ValueError(f"It broke: {reason}")
