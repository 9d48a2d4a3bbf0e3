"""The toolkit every app's services use: one durable transaction per write, and taking a record to change it.

A service (``<entity>_<action>(*, ..., by)``) runs its database work in ``service_transaction()``, which is
durable: calling one top-level service inside another's transaction raises at once instead of silently
merging two writes (and their after-commit mail) into one. Code that really means to run several services as
one unit (a demo loader, an import, the mail gateway's routing) says so with ``composed()``; inside it the
services become savepoints of the caller's transaction. Inside a service, ``lock_for_change`` takes the record:
it checks the user may change it, locks its row and refuses a stale version.
"""

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from types import TracebackType
from typing import Self, TypeVar

from django.db import models, transaction

from trato.core.access import access_queryset
from trato.core.concurrency import VersionedModel, lock_current
from trato.core.errors import NotAllowed, NotFound
from trato.core.types import AnyUser

_Versioned = TypeVar("_Versioned", bound=VersionedModel)

_composing: ContextVar[bool] = ContextVar("trato_composing_services", default=False)


class _ServiceTransaction(contextlib.ContextDecorator):
    """``transaction.atomic(durable=True)``, or a savepoint inside ``composed()``; usable as a decorator."""

    def _recreate_cm(self) -> Self:
        return type(self)()  # each decorated call gets its own atomic block (calls may nest or run in threads)

    def __enter__(self) -> None:
        self._atomic = transaction.atomic(durable=not _composing.get())
        self._atomic.__enter__()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._atomic.__exit__(exc_type, exc, traceback)


def service_transaction() -> _ServiceTransaction:
    """``with service_transaction():`` around a service's writes, or ``@service_transaction()`` on the service."""
    return _ServiceTransaction()


@contextlib.contextmanager
def composed() -> Iterator[None]:
    """One transaction in which several top-level services may run; all of them commit or none does."""
    token = _composing.set(True)
    try:
        with transaction.atomic():
            yield
    finally:
        _composing.reset(token)


def in_transaction() -> bool:
    """Whether the caller holds a transaction of its own (a test's wrapping transaction does not count)."""
    connection = transaction.get_connection()
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def may_change(record: models.Model, by: AnyUser) -> bool:
    return access_queryset(type(record)).editable_by(by).filter(pk=record.pk).exists()


def lock_for_change(record: _Versioned, *, by: AnyUser, version: int | str | None = None) -> _Versioned:
    """``record`` fresh from the database and locked for this transaction, once ``by`` may change it.

    Refuses with NotAllowed when ``by`` may not change it (its model's ``editable_by``), NotFound when it was
    deleted meanwhile, and Conflict when ``version`` (the one the caller read; None for internal callers) is no
    longer the stored one.
    The permission check runs apart from the lock because editable_by may join or use DISTINCT, which
    SELECT ... FOR UPDATE does not allow."""
    if not in_transaction():
        raise RuntimeError("lock_for_change needs a transaction: call it inside service_transaction().")
    if not may_change(record, by):
        if not type(record)._default_manager.filter(pk=record.pk).exists():
            raise NotFound()  # deleted since the caller read it
        raise NotAllowed()
    return lock_current(record, version)


def lock_key(namespace: str, key: str) -> None:
    """Serialise the transactions that work on ``key`` (say, an ERP reference not stored yet, which has no row
    to lock): on PostgreSQL a transaction-scoped advisory lock; SQLite already lets one writer in at a time."""
    if not in_transaction():
        raise RuntimeError("lock_key needs a transaction: call it inside service_transaction().")
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{namespace}:{key}"])
