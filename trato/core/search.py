"""Global search: each app registers a provider that searches only what the user may see."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise

from trato.core.types import AnyUser


@dataclass(frozen=True)
class SearchHit:
    title: str
    subtitle: str
    url: str


@dataclass(frozen=True)
class SearchProvider:
    key: str
    label: str | Promise
    # (user, query, limit) -> hits; must filter through the model's visible_to(user).
    search: Callable[[AnyUser, str, int], list[SearchHit]]


_providers: list[SearchProvider] = []


def register(provider: SearchProvider) -> None:
    if all(p.key != provider.key for p in _providers):
        _providers.append(provider)


def search_all(user: AnyUser, query: str, limit: int = 10) -> list[tuple[SearchProvider, list[SearchHit]]]:
    query = query.strip()
    if len(query) < 2:
        return []
    results = [(p, p.search(user, query, limit)) for p in _providers]
    return [(p, hits) for p, hits in results if hits]
