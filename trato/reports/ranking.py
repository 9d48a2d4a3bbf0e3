"""Rows grouped and ranked by the database: the top N for the page with the rest folded into one "Others" row, and
every row, read in chunks, for the CSV download.

A ranking starts from *facts*: a ``.values()`` queryset with one row per thing counted (a claim; a claim and one of
its products, made distinct), already narrowed by ``visible_to``. The database groups the facts into *cells*, one
per key (a customer, a product) and, when ``across`` names a column such as the month, one per key and month; it
ranks the keys by one measure summed over their cells, largest first, ties by label then key. For the page it folds
every key below the top N into one bucket and returns at most (N + 1) × columns cells, whatever the number of keys:
Python never sees the rows it does not show.

Measures are counts and sums, so the Others bucket and the total are the sums of the rows they stand for; a figure
that does not add up (a share, an average) is recomputed by the table from these sums. The SQL around the facts is
plain (a common table expression, CASE, SUM and window functions), so it runs on PostgreSQL and on SQLite alike.
"""

import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.db import connection
from django.db.models import QuerySet

CHUNK_SIZE = 2000  # cells read from the database at a time for a download


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


@dataclass(frozen=True)
class Measure:
    """A figure of every cell: the number of facts (of distinct values of a column, with ``distinct``), or the sum
    of a fact column; ``only`` keeps the facts whose column holds one of the given values (``("state", ["open"])``).

    ``distinct`` counts a thing once where the facts repeat it (a claim with two lines of the same product): within
    a cell it is exact, and a sum of cells counts it once per cell."""

    name: str
    sum_of: str = ""  # a facts column to add up; empty: count the facts
    only: tuple[str, Sequence[Any]] | None = None
    distinct: str = ""  # a facts column: count its distinct values rather than the facts
    decimals: int | None = None  # sums of money: SQLite adds decimals as floats, so they are rounded back

    def sql(self) -> tuple[str, list[Any]]:
        q = _quote
        counted = q(self.sum_of or self.distinct) if self.sum_of or self.distinct else "1"
        params: list[Any] = []
        if self.only is not None:
            column, values = self.only
            placeholders = ", ".join(["%s"] * len(values))
            otherwise = "NULL" if self.distinct else "0"
            counted = f"CASE WHEN {q(column)} IN ({placeholders}) THEN {counted} ELSE {otherwise} END"
            params = list(values)
        if self.distinct:
            expression = f"COUNT(DISTINCT {counted})"
        elif self.sum_of or self.only is not None:
            expression = f"SUM({counted})"
        else:
            expression = "COUNT(*)"
        return f"{expression} AS {q(self.name)}", params

    def value(self, raw: Any) -> Any:
        if raw is None:
            raw = 0
        if self.decimals is None:
            return raw
        return Decimal(str(raw)).quantize(Decimal(1).scaleb(-self.decimals))


@dataclass
class Group:
    """One row of a ranking (a key), or the Others row (``position`` None) standing for ``members`` keys."""

    position: int | None
    key: Any
    label: Any
    members: int = 1
    cells: dict[Any, dict[str, Any]] = field(default_factory=dict)  # across value ("" without one) -> measures

    def value(self, measure: str, across: Any = "") -> Any:
        return self.cells.get(across, {}).get(measure, 0)

    def sum(self, measure: str) -> Any:
        return sum((cell.get(measure, 0) for cell in self.cells.values()), 0)

    def add(self, other: "Group") -> None:
        """Sum ``other``'s cells into this group's (a total, an Others row)."""
        self.members += other.members
        for across, cell in other.cells.items():
            sums = self.cells.setdefault(across, {})
            for name, value in cell.items():
                sums[name] = sums.get(name, 0) + value


@dataclass
class Top:
    rows: list[Group]
    others: Group | None  # None when every key is among the rows

    @property
    def keys(self) -> int:
        """How many keys the whole table has."""
        return len(self.rows) + (self.others.members if self.others else 0)

    def total(self, label: Any = None) -> Group:
        """The sum of every row, shown and folded: a Group like the others."""
        total = Group(None, None, label, members=0)
        for group in [*self.rows, *([self.others] if self.others else [])]:
            total.add(group)
        return total


@dataclass(frozen=True)
class Ranking:
    facts: QuerySet[Any]  # .values(...): the key, label and across columns and the columns the measures read
    key: str
    label: str
    measures: Sequence[Measure]
    rank_by: str  # the name of the measure that orders the rows, largest first
    across: str = ""  # a facts column splitting each row into cells (the month); empty: one cell per row
    convert_across: Callable[[Any], Any] = lambda value: value  # e.g. the month as a date on every backend

    def top(self, count: int) -> Top:
        """The first ``count`` rows and one Others group summing the rest: one query.

        The keys are ranked on their totals (one narrow row per key); only the first ``count`` are joined back to
        the cells, which are then summed per position and column, every other key into position 0."""
        q = _quote
        cells, params = self._cells_sql()
        across = f", {q('cells')}.{q(self.across)}" if self.across else ""
        sums = ", ".join(f"SUM({q('cells')}.{q(m.name)})" for m in self.measures)
        order = f"{q('total')} DESC, {q('label')}, {q('key')}"
        sql = (
            f"WITH {q('cells')} AS ({cells}), "
            f"{q('keys')} AS (SELECT {q('key')}, {q('label')}, SUM({q(self.rank_by)}) AS {q('total')} "
            f"FROM {q('cells')} GROUP BY {q('key')}, {q('label')}), "
            # The first keys (a top-N sort of the keys, not a sort of all of them), then their positions.
            f"{q('first')} AS (SELECT {q('key')}, {q('label')}, {q('total')} FROM {q('keys')} ORDER BY {order} "
            f"LIMIT %s), "
            f"{q('top')} AS (SELECT {q('key')}, ROW_NUMBER() OVER (ORDER BY {order}) AS {q('position')} "
            f"FROM {q('first')}) "
            # A join on the key alone (a hash join), the key NULL (a claim without category) looked up on its own.
            f"SELECT COALESCE({q('top')}.{q('position')}, CASE WHEN {q('cells')}.{q('key')} IS NULL THEN "
            f"(SELECT {q('position')} FROM {q('top')} WHERE {q('key')} IS NULL) END, 0) AS {q('bucket')}, "
            f"MIN({q('cells')}.{q('key')}), MIN({q('cells')}.{q('label')}), "
            f"(SELECT COUNT(*) FROM {q('keys')}){across}, {sums} "
            f"FROM {q('cells')} LEFT JOIN {q('top')} ON {q('cells')}.{q('key')} = {q('top')}.{q('key')} "
            f"GROUP BY 1{across} ORDER BY 1{across}"
        )
        rows: dict[int, Group] = {}
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, count])
            for bucket, key, label, keys, *figures in cursor.fetchall():
                if bucket not in rows:
                    members = keys - count if bucket == 0 else 1
                    rows[bucket] = Group(bucket or None, key if bucket else None, label if bucket else None, members)
                self._add_cell(rows[bucket], figures)
        others = rows.pop(0, None)
        return Top([rows[position] for position in sorted(rows)], others)

    def all(self, chunk_size: int | None = None) -> Iterator[Group]:
        """Every row in rank order, its cells read from the database ``chunk_size`` at a time (a server-side cursor
        on PostgreSQL), so a table of any length is never held whole in memory."""
        ranked, params = self._ranked_sql()
        q = _quote
        across = f", {q(self.across)}" if self.across else ""
        names = ", ".join(q(m.name) for m in self.measures)
        sql = (
            f"{ranked} SELECT {q('position')}, {q('key')}, {q('label')}{across}, {names} "
            f"FROM {q('ranked')} ORDER BY {q('position')}{across}"
        )
        for position, cells in groupby(self._read(sql, params, chunk_size or CHUNK_SIZE), key=lambda row: row[0]):
            group: Group | None = None
            for _, key, label, *figures in cells:
                group = group or Group(position, key, label)
                self._add_cell(group, figures)
            if group is not None:
                yield group

    # The SQL --------------------------------------------------------------------------------------------------------

    def _cells_sql(self) -> tuple[str, list[Any]]:
        """The facts grouped into cells: one per key (and column), with its measures."""
        q = _quote
        facts, facts_params = self.facts.order_by().query.sql_with_params()
        grouping = [q(self.key), q(self.label), *([q(self.across)] if self.across else [])]
        measures, measure_params = [], []
        for measure in self.measures:
            sql, params = measure.sql()
            measures.append(sql)
            measure_params.extend(params)
        key_select = f"{q(self.key)} AS {q('key')}, {q(self.label)} AS {q('label')}"
        across = f", {q(self.across)}" if self.across else ""
        sql = (
            f"SELECT {key_select}{across}, {', '.join(measures)} FROM ({facts}) {q('facts')} "
            f"GROUP BY {', '.join(grouping)}"
        )
        return sql, [*measure_params, *facts_params]

    def _ranked_sql(self) -> tuple[str, list[Any]]:
        """``WITH cells AS (…), ranked AS (…)``: every cell with its key's position (for the whole table)."""
        q = _quote
        cells, params = self._cells_sql()
        key_total = (
            f"SELECT {q('cells')}.*, SUM({q(self.rank_by)}) OVER (PARTITION BY {q('key')}, {q('label')}) "
            f"AS {q('key_total')} FROM {q('cells')}"
        )
        ranked = (
            f"SELECT {q('totals')}.*, DENSE_RANK() OVER (ORDER BY {q('key_total')} DESC, {q('label')}, {q('key')}) "
            f"AS {q('position')} FROM ({key_total}) {q('totals')}"
        )
        return f"WITH {q('cells')} AS ({cells}), {q('ranked')} AS ({ranked})", params

    def _add_cell(self, group: Group, figures: list[Any]) -> None:
        across = self.convert_across(figures[0]) if self.across else ""
        values = figures[1:] if self.across else figures
        group.cells[across] = {m.name: m.value(v) for m, v in zip(self.measures, values, strict=True)}

    @staticmethod
    def _read(sql: str, params: list[Any], chunk_size: int) -> Iterator[tuple[Any, ...]]:
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(chunk_size):
                yield from rows


def as_month(value: Any) -> datetime.date:
    """A month as the database returns it (a date, a timestamp, or text on SQLite) as the date of its first day."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        return datetime.date.fromisoformat(value[:10])
    if isinstance(value, datetime.date):
        return value
    raise TypeError(f"Not a month: {value!r}")
