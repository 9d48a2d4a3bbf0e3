"""What `make bench` times: operations that apps register from their own ``bench.py`` (autodiscovered).

An operation is a request a user makes (a list, a board, a search, a report, an export, a record page, an API
page) paired with the raw SQL that returns the same rows, written as a DBA would write it. The runner times both,
interleaved, for each role, and checks the operation's bounds:

- ``sql_ratio``: the SQL time Trato spends on the request against the raw SQL (the query shape: a page must not
  cost its database much more than its rows do);
- ``max_ms``: the whole request's p95 (what the user waits for, rendering included);
- ``min_share`` (exports): the raw query's time over Trato's, i.e. Trato streams at this share of COPY's speed.

    register(Operation("claims.list", "list", url=lambda ctx: "/claims/", raw=lambda ctx: (SQL, params)))
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any
from urllib.parse import urlencode

from django.apps import apps

from trato.bench.context import BenchContext

ROLES = ("admin", "aftersales", "sales", "purchasing", "quality")

# Per kind of operation: (largest SQL ratio, largest whole-request p95 in ms, smallest share of raw speed)
BOUNDS = {
    "list": (2.0, 150.0, None),
    "board": (2.0, 150.0, None),
    "api": (2.0, 150.0, None),
    "record": (2.0, 150.0, None),
    "search": (1.5, 150.0, None),
    "picker": (2.0, 150.0, None),
    "report": (None, 1000.0, None),
    "export": (None, None, 0.2),
}

RawQuery = tuple[str, Mapping[str, Any]]  # SQL with %(name)s parameters, and their values


@dataclass(frozen=True)
class Operation:
    key: str
    kind: str  # a key of BOUNDS
    url: Callable[[BenchContext], str]
    raw: Callable[[BenchContext], "RawQuery | list[RawQuery]"]  # the same rows, straight from PostgreSQL
    roles: tuple[str, ...] = ROLES
    headers: dict[str, str] = field(default_factory=dict)
    copy: bool = False  # time the raw SQL as COPY (…) TO STDOUT WITH CSV (exports)
    repeat: int | None = None  # fewer repetitions for operations that take seconds (exports)

    @property
    def bounds(self) -> tuple[float | None, float | None, float | None]:
        return BOUNDS[self.kind]


def url(path: str, **query: object) -> Callable[[BenchContext], str]:
    """An operation's URL: ``path`` with a query string whose values may be samples, ``(ctx) -> value``."""

    def for_role(ctx: BenchContext) -> str:
        values = {name: value(ctx) if callable(value) else value for name, value in query.items()}
        return path + ("?" + urlencode(values) if values else "")

    return for_role


_operations: dict[str, Operation] = {}


def register(*operations: Operation) -> None:
    for operation in operations:
        if operation.kind not in BOUNDS:
            raise ValueError(f"{operation.key}: unknown kind {operation.kind!r}")
        _operations[operation.key] = operation


def operations() -> list[Operation]:
    autodiscover()
    return list(_operations.values())


def autodiscover() -> None:
    for config in apps.get_app_configs():
        if config.name.startswith("trato."):
            try:
                import_module(f"{config.name}.bench")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.bench":
                    raise
