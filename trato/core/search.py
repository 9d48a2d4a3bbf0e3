"""Global search: each app registers a provider that searches only what the user may see.

A search first recognises what was typed and then asks the index that answers it (docs/claims.md, "How the search
reads what you type"):

- a query shaped like a phone number (digits, "+", spaces, dashes, dots, parentheses; at least 6 digits) is looked
  up by its E.164 form (partners' phone normalisation), never by substring; typed as one word, it may also be a code;
- otherwise it is split into words (at most ``MAX_WORDS``, each of at least ``MIN_CODE`` characters), and a record
  must match every word. A word is looked up at the beginning of the record's codes (claim number, document number,
  product code, ERP code, tax id: equality or prefix, served by B-tree indexes). A word shaped like a code (letters
  and digits, dashes, dots, slashes: "ALB-24-1033", "4500012345") is only that; any other word with three letters
  in a row is also looked up inside the record's texts (subject, names, e-mail, city: trigram indexes on
  PostgreSQL). Codes are never matched by substring: no index could serve it. A provider may recognise more shapes
  of its own (claim numbers).
"""

import functools
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db import connections, models
from django.db.models import Q, QuerySet
from django.db.models.expressions import Combinable
from django.utils.functional import Promise

from trato.core.types import AnyUser

MAX_WORDS = 8
MAX_WAYS = 16  # conjunctions a search is written as, at most (each is one more subquery to plan)
MIN_CODE = 2  # a one-character prefix would match a large part of any code column
MIN_PHONE_DIGITS = 6

_PHONE_SHAPE = re.compile(r"\+?[\d\s().\-]+")
_CODE_SHAPE = re.compile(r"[\w./-]*\d[\w./-]*")
_TRIGRAM = re.compile(r"[^\W_]{3}")  # three letters or digits in a row: what pg_trgm can look up

_M = TypeVar("_M", bound=models.Model)


@dataclass(frozen=True)
class SearchHit:
    title: str
    subtitle: str
    url: str


@dataclass(frozen=True)
class SearchQuery:
    """What was typed, recognised: the words to match (codes by prefix, texts by fragment) and a phone number."""

    words: tuple[str, ...]
    phone: str = ""  # the query as typed when it looks like a phone number

    def __bool__(self) -> bool:
        return bool(self.words or self.phone)


def is_phone_shaped(text: str) -> bool:
    return bool(_PHONE_SHAPE.fullmatch(text)) and sum(char.isdigit() for char in text) >= MIN_PHONE_DIGITS


def is_code(word: str) -> bool:
    """Letters and digits (at least one), dashes, dots, slashes: a document number, a product code, a tax id."""
    return bool(_CODE_SHAPE.fullmatch(word))


def is_fragment(word: str) -> bool:
    """Whether ``word`` is also looked up inside texts: not a code, and with three letters in a row (fewer give
    a trigram index nothing to look up: it would read itself whole)."""
    return bool(_TRIGRAM.search(word)) and not is_code(word)


def parse_query(text: str) -> SearchQuery:
    """A phone-shaped query is a phone number; if it is a single word ("4500012345") it may also be a code.
    Words too short to match anything by index are left out; a query with nothing left finds nothing."""
    text = " ".join(text.split())
    phone = text if is_phone_shaped(text) else ""
    words = () if phone and " " in text else tuple(w for w in text.split()[:MAX_WORDS] if len(w) >= MIN_CODE)
    # "Aceros del Norte S.A.": a word that is no code and too short to look up inside a text ("S.A.", "SL") could
    # only match the beginning of a code, and would make the whole name find nothing; the other words decide.
    telling = tuple(word for word in words if is_code(word) or is_fragment(word))
    return SearchQuery(words=telling or words, phone=phone)


def every_way(arms_by_word: Sequence[Sequence[Q]]) -> list[Q]:
    """The ways a record can match every word: one arm of each word (a condition on one table), AND-ed. A search
    written so, as an OR of ANDs, lets each AND be served by the indexes of the tables it names ("talleres norte":
    both words in the name is one trigram BitmapAnd). Past ``MAX_WAYS`` combinations, the remaining words are
    checked on each way's rows instead (the OR of their arms)."""
    ways = [Q()]
    checked = Q()
    for arms in arms_by_word:
        if len(ways) * len(arms) <= MAX_WAYS:
            ways = [way & arm for way in ways for arm in arms]
        else:
            checked &= functools.reduce(operator.or_, arms)
    return [way & checked for way in ways]


def matching_any(queryset: QuerySet[_M], ways: Sequence[Q]) -> QuerySet[_M]:
    """The rows of ``queryset`` that meet any of ``ways``, all of them (lists count them): one UNION of the ways'
    ids, where one OR of them, across tables, could use no index."""
    if not ways:
        return queryset.none()
    parts = [queryset.model._default_manager.filter(way).values("pk").order_by() for way in ways]
    return queryset.filter(pk__in=parts[0].union(*parts[1:]))


def first_of_each(
    queryset: QuerySet[_M], arms: Sequence[Q], order: Sequence[str | Combinable], limit: int
) -> QuerySet[_M]:
    """The first ``limit`` rows of ``queryset`` in ``order`` that meet any of ``arms``.

    Each arm is asked on its own, for its own first ``limit`` rows, and only those are merged: PostgreSQL then plans
    each arm by itself (walk an index in ``order`` and stop early when the arm is common; sort the few rows its index
    finds when it is rare), where one OR of all the arms would read every row of the commonest one, or scan the whole
    table for a rare one. A database that cannot slice the parts of a UNION (SQLite) gets the plain OR."""
    if not arms:
        return queryset.none()
    if not connections[queryset.db].features.supports_slicing_ordering_in_compound:
        return queryset.filter(functools.reduce(operator.or_, arms)).order_by(*order)[:limit]
    firsts = [queryset.filter(arm).order_by(*order).values("pk")[:limit] for arm in arms]
    return queryset.filter(pk__in=firsts[0].union(*firsts[1:])).order_by(*order)[:limit]


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


def providers() -> list[SearchProvider]:
    return list(_providers)


def search_all(user: AnyUser, query: str, limit: int = 10) -> list[tuple[SearchProvider, list[SearchHit]]]:
    query = query.strip()
    if len(query) < 2:
        return []
    results = [(p, p.search(user, query, limit)) for p in _providers]
    return [(p, hits) for p, hits in results if hits]
