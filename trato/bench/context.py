"""Who an operation runs as, and the sample values it needs (a claim this role sees, a document number…)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from trato.accounts.models import User


@dataclass
class BenchContext:
    role: str  # a key of registry.ROLES
    user: User
    _samples: dict[str, Any] = field(default_factory=dict)

    @property
    def uid(self) -> int:
        return self.user.pk

    def sample(self, name: str, compute: Callable[["BenchContext"], Any]) -> Any:
        """A value computed once per role (the same one for Trato and for the raw SQL)."""
        if name not in self._samples:
            self._samples[name] = compute(self)
        return self._samples[name]


def scalar(sql: str, params: Mapping[str, Any] | None = None) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None
