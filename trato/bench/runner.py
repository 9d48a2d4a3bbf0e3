"""Time every registered operation against its raw SQL, interleaved, per role; print a table, write JSON.

Trato's side is the whole request through Django's test client, in this process (middleware, session, view,
template; a streamed export is read to its end), and, inside it, the time its SQL statements took. The raw side
is the baseline's statements run on the same connection (COPY … TO STDOUT for exports). Each repetition runs
every operation once each way, alternating which goes first, so both see the same cache and the same load.
"""

import json
import statistics
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any

from django.db import connection
from django.test import Client

from trato.accounts.models import User
from trato.bench.context import BenchContext
from trato.bench.registry import Operation, RawQuery


@dataclass
class Result:
    key: str
    kind: str
    role: str
    url: str
    runs: int
    status: int
    queries: int
    trato_p50: float
    trato_p95: float
    trato_sql_p95: float
    raw_p50: float
    raw_p95: float
    bytes: int
    failures: list[str]

    @property
    def sql_ratio(self) -> float:
        return self.trato_sql_p95 / self.raw_p95 if self.raw_p95 else float("inf")

    @property
    def page_ratio(self) -> float:
        return self.trato_p95 / self.raw_p95 if self.raw_p95 else float("inf")

    @property
    def share_of_raw_speed(self) -> float:
        return self.raw_p50 / self.trato_p50 if self.trato_p50 else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "sql_ratio": round(self.sql_ratio, 2),
            "page_ratio": round(self.page_ratio, 2),
            "share_of_raw_speed": round(self.share_of_raw_speed, 3),
        }


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@contextmanager
def sql_timer() -> Iterator[list[float]]:
    """The duration (ms) of every statement run inside the block."""
    durations: list[float] = []

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            durations.append((time.perf_counter() - started) * 1000)

    with connection.execute_wrapper(wrapper):
        yield durations


def _statements(raw: RawQuery | list[RawQuery]) -> list[RawQuery]:
    return raw if isinstance(raw, list) else [raw]


def run_raw(statements: list[RawQuery], *, copy: bool) -> None:
    with connection.cursor() as cursor:
        for sql, params in statements:
            if copy:  # what PostgreSQL itself does fastest: the rows as CSV, straight to the client
                with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH CSV HEADER", params) as stream:
                    for _block in stream:
                        pass
            else:
                cursor.execute(sql, params)
                cursor.fetchall()


def run_trato(client: Client, url: str, headers: dict[str, str]) -> tuple[int, int, list[float]]:
    """(status, bytes, statement durations) of one whole request."""
    with sql_timer() as durations:
        response = client.get(url, headers=headers)
        size = 0
        if response.streaming:
            for chunk in response.streaming_content:  # type: ignore[attr-defined]  # a StreamingHttpResponse
                size += len(chunk)
        else:
            size = len(response.content)
        response.close()
    return response.status_code, size, durations


@dataclass
class _Series:
    operation: Operation
    ctx: BenchContext
    client: Client
    url: str
    statements: list[RawQuery]
    trato: list[float]
    trato_sql: list[float]
    raw: list[float]
    status: int = 0
    size: int = 0
    queries: int = 0

    def once(self, trato_first: bool) -> None:
        steps = [self._trato, self._raw]
        for step in steps if trato_first else reversed(steps):
            step()

    def _trato(self) -> None:
        started = time.perf_counter()
        self.status, self.size, durations = run_trato(self.client, self.url, self.operation.headers)
        self.trato.append((time.perf_counter() - started) * 1000)
        self.trato_sql.append(sum(durations))
        self.queries = len(durations)

    def _raw(self) -> None:
        started = time.perf_counter()
        run_raw(self.statements, copy=self.operation.copy)
        self.raw.append((time.perf_counter() - started) * 1000)

    def result(self) -> Result:
        result = Result(
            key=self.operation.key,
            kind=self.operation.kind,
            role=self.ctx.role,
            url=self.url,
            runs=len(self.trato),
            status=self.status,
            queries=self.queries,
            trato_p50=statistics.median(self.trato),
            trato_p95=p95(self.trato),
            trato_sql_p95=p95(self.trato_sql),
            raw_p50=statistics.median(self.raw),
            raw_p95=p95(self.raw),
            bytes=self.size,
            failures=[],
        )
        result.failures = check(result, self.operation)
        return result


def check(result: Result, operation: Operation) -> list[str]:
    """The bounds this result misses, in words."""
    max_ratio, max_ms, min_share = operation.bounds
    failures = []
    if result.status != 200:
        failures.append(f"HTTP {result.status}")
    if max_ratio is not None and result.sql_ratio > max_ratio:
        failures.append(f"SQL {result.sql_ratio:.1f}× raw > {max_ratio}×")
    if max_ms is not None and result.trato_p95 > max_ms:
        failures.append(f"p95 {result.trato_p95:.0f} ms > {max_ms:.0f} ms")
    if min_share is not None and result.share_of_raw_speed < min_share:
        failures.append(f"{result.share_of_raw_speed:.0%} of COPY's speed < {min_share:.0%}")
    return failures


def run(
    operations: Iterable[Operation],
    users: dict[str, User],
    *,
    repeat: int = 30,
    echo: Callable[[str], None] = lambda line: None,
) -> list[Result]:
    """Time each operation for each of its roles; ``users`` maps a role to the user it runs as."""
    contexts = {role: BenchContext(role=role, user=user) for role, user in users.items()}
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    groups: dict[int, list[_Series]] = {}
    for operation in operations:
        for role in operation.roles:
            if role not in contexts:
                continue
            ctx = contexts[role]
            series = _Series(
                operation, ctx, clients[role], operation.url(ctx), _statements(operation.raw(ctx)), [], [], []
            )
            series.once(trato_first=True)  # warm-up, not counted
            for timings in (series.trato, series.trato_sql, series.raw):
                timings.clear()
            groups.setdefault(min(repeat, operation.repeat or repeat), []).append(series)
    for runs, group in groups.items():
        echo(f"  timing {len(group)} operations × {runs} runs…")
        for n in range(runs):
            for series in group:
                series.once(trato_first=n % 2 == 0)
    return [series.result() for group in groups.values() for series in group]


COLUMNS = ("operation", "role", "Trato p50", "p95", "its SQL p95", "q", "raw p50", "raw p95", "SQL×", "page×", "")


def table(results: list[Result]) -> str:
    rows = [COLUMNS]
    for r in results:
        verdict = "ok" if not r.failures else "FAIL: " + "; ".join(r.failures)
        if r.kind == "export":
            verdict = f"{r.share_of_raw_speed:.0%} of COPY · {verdict}"
        rows.append(
            (r.key, r.role, f"{r.trato_p50:.1f}", f"{r.trato_p95:.1f}", f"{r.trato_sql_p95:.1f}", str(r.queries),
             f"{r.raw_p50:.1f}", f"{r.raw_p95:.1f}", f"{r.sql_ratio:.2f}", f"{r.page_ratio:.1f}", verdict)
        )  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS) - 1)]
    lines = []
    for row in rows:
        pairs = enumerate(zip(row, widths, strict=False))  # the verdict, last, has no width
        cells = [cell.ljust(width) if i < 2 else cell.rjust(width) for i, (cell, width) in pairs]
        lines.append("  ".join(cells) + "  " + row[-1])
    return "\n".join(lines)


def write_json(results: list[Result], path: str, meta: dict[str, Any]) -> None:
    with open(path, "w", encoding="utf-8") as file:
        json.dump({"meta": meta, "results": [r.as_json() for r in results]}, file, indent=1, ensure_ascii=False)
