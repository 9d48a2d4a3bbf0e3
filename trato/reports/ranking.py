"""Rows grouped and ranked by the database: the top N for the page with the rest folded into one "Others" row, and
every row, read in chunks, for the CSV download.

A ranking starts from *facts*: a ``.values()`` queryset with one row per thing counted (a claim; a claim and one of
its products), already narrowed by ``visible_to``. The database groups the facts into *cells*, one per key (a
customer, a product) and, when ``across`` names a column such as the month, one per key and month; it ranks the keys
by one measure summed over their cells, largest first, ties by key. For the page it returns the cells of the first N
keys and the totals per column, in one query, whatever the number of keys: Python never sees the rows it does not
show, and the Others row is the total less the rows shown. Labels (a partner's name for its id) are read for the
rows returned only.

Measures are counts and sums, so the Others row and the total are the sums of the rows they stand for; a figure that
does not add up (a share, an average) is worked out again by the table from these sums. The SQL around the facts is
plain (common table expressions, CASE, SUM, COUNT DISTINCT, ROW_NUMBER), so it runs on PostgreSQL and SQLite alike.
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

    def subtract(self, other: "Group") -> None:
        """Take ``other``'s cells out of this group's (the Others row: the total less the rows shown)."""
        for across, cell in other.cells.items():
            sums = self.cells.setdefault(across, {})
            for name, value in cell.items():
                sums[name] = sums.get(name, 0) - value


@dataclass
class Top:
    rows: list[Group]
    others: Group | None  # None when every key is among the rows
    total: Group  # every row, shown and folded (members: how many keys)


@dataclass(frozen=True)
class Ranking:
    facts: QuerySet[Any]  # .values(...): the key and across columns and the columns the measures read
    key: str
    measures: Sequence[Measure]
    rank_by: str  # the name of the measure that orders the rows, largest first (ties: by key)
    across: str = ""  # a facts column splitting each row into cells (the month); empty: one cell per row
    convert_across: Callable[[Any], Any] = lambda value: value  # e.g. the month as a date on every backend
    # .values(key=…, label=…) naming each key (a partner's name for its id), read for the rows returned only;
    # None: the key is its own label (a category's name, a product code).
    labels: QuerySet[Any] | None = None

    def top(self, count: int) -> Top:
        """The first ``count`` rows, the total and, by difference, one Others group for the rest: one query.

        The keys are ranked on their totals (one narrow row per key, a top-N sort); the cells of the first ``count``
        come back as they are, every other cell only inside the totals per column."""
        q = _quote
        cells, params = self._cells_sql()
        across = f", {q('cells')}.{q(self.across)}" if self.across else ""
        names = ", ".join(f"{q('cells')}.{q(m.name)}" for m in self.measures)
        sums = ", ".join(f"SUM({q('cells')}.{q(m.name)})" for m in self.measures)
        order = f"{q('total')} DESC, {q('key')}"
        label, labels, label_params = self._label_sql("top")
        sql = (
            f"WITH {q('cells')} AS ({cells}), "
            f"{q('keys')} AS (SELECT {q('key')}, SUM({q(self.rank_by)}) AS {q('total')} FROM {q('cells')} "
            f"GROUP BY {q('key')}), "
            f"{q('first')} AS (SELECT {q('key')}, {q('total')} FROM {q('keys')} ORDER BY {order} LIMIT %s), "
            f"{q('top')} AS (SELECT {q('key')}, ROW_NUMBER() OVER (ORDER BY {order}) AS {q('position')} "
            f"FROM {q('first')}) "
            f"SELECT {q('top')}.{q('position')}, {q('top')}.{q('key')}, {label}, 0{across}, {names} "
            f"FROM {q('cells')} JOIN {q('top')} ON {q('cells')}.{q('key')} = {q('top')}.{q('key')}{labels} "
            # The key NULL (claims without a category) cannot meet in an equality join: on its own.
            f"UNION ALL SELECT {q('top')}.{q('position')}, NULL, NULL, 0{across}, {names} "
            f"FROM {q('cells')} JOIN {q('top')} ON {q('cells')}.{q('key')} IS NULL AND {q('top')}.{q('key')} IS NULL "
            f"UNION ALL SELECT 0, NULL, NULL, (SELECT COUNT(*) FROM {q('keys')}){across}, {sums} FROM {q('cells')}"
            + (f" GROUP BY {q('cells')}.{q(self.across)}" if self.across else "")
        )
        rows: dict[int, Group] = {}
        total = Group(None, None, None, members=0)
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, count, *label_params])
            for position, key, name, keys, *figures in cursor.fetchall():
                if position == 0:
                    total.members = keys or 0
                    if not self.across and not keys:
                        continue  # no facts at all: the one row of sums is empty
                    self._add_cell(total, figures)
                    continue
                group = rows.setdefault(position, Group(position, key, name))
                self._add_cell(group, figures)
        shown = [rows[position] for position in sorted(rows)]
        others = Group(None, None, None, members=0)
        others.add(total)
        others.members -= len(shown)
        for group in shown:
            others.subtract(group)
        return Top(shown, others if others.members > 0 else None, total)

    def all(self, chunk_size: int | None = None) -> Iterator[Group]:
        """Every row in rank order, its cells read from the database ``chunk_size`` at a time (a server-side cursor
        on PostgreSQL), so a table of any length is never held whole in memory."""
        q = _quote
        cells, params = self._cells_sql()
        across = f", {q('cells')}.{q(self.across)}" if self.across else ""
        names = ", ".join(f"{q('cells')}.{q(m.name)}" for m in self.measures)
        label, labels, label_params = self._label_sql("ranked")
        sql = (
            f"WITH {q('cells')} AS ({cells}), "
            f"{q('ranked')} AS (SELECT {q('key')}, ROW_NUMBER() OVER (ORDER BY SUM({q(self.rank_by)}) DESC, "
            f"{q('key')}) AS {q('position')} FROM {q('cells')} GROUP BY {q('key')}) "
            f"SELECT {q('ranked')}.{q('position')}, {q('ranked')}.{q('key')}, {label}{across}, {names} "
            f"FROM {q('cells')} JOIN {q('ranked')} ON {q('cells')}.{q('key')} = {q('ranked')}.{q('key')}{labels} "
            f"UNION ALL SELECT {q('ranked')}.{q('position')}, NULL, NULL{across}, {names} FROM {q('cells')} "
            f"JOIN {q('ranked')} ON {q('cells')}.{q('key')} IS NULL AND {q('ranked')}.{q('key')} IS NULL "
            f"ORDER BY 1" + (", 4" if self.across else "")
        )
        rows = self._read(sql, [*params, *label_params], chunk_size or CHUNK_SIZE)
        for position, cells_of_key in groupby(rows, key=lambda row: row[0]):
            group: Group | None = None
            for _, key, name, *figures in cells_of_key:
                group = group or Group(position, key, name)
                self._add_cell(group, figures)
            if group is not None:
                yield group

    # The SQL --------------------------------------------------------------------------------------------------------

    def _cells_sql(self) -> tuple[str, list[Any]]:
        """The facts grouped into cells: one per key (and column), with its measures."""
        q = _quote
        facts, facts_params = self.facts.order_by().query.sql_with_params()
        grouping = [q(self.key), *([q(self.across)] if self.across else [])]
        measures, measure_params = [], []
        for measure in self.measures:
            sql, params = measure.sql()
            measures.append(sql)
            measure_params.extend(params)
        across = f", {q(self.across)}" if self.across else ""
        sql = (
            f"SELECT {q(self.key)} AS {q('key')}{across}, {', '.join(measures)} FROM ({facts}) {q('facts')} "
            f"GROUP BY {', '.join(grouping)}"
        )
        return sql, [*measure_params, *facts_params]

    def _label_sql(self, keys: str) -> tuple[str, str, list[Any]]:
        """What the rows show (the label column) and the join that reads it, for the keys of CTE ``keys``."""
        q = _quote
        if self.labels is None:
            return f"{q(keys)}.{q('key')}", "", []
        sql, params = self.labels.order_by().query.sql_with_params()
        join = f" LEFT JOIN ({sql}) {q('labels')} ON {q('labels')}.{q('key')} = {q(keys)}.{q('key')}"
        return f"{q('labels')}.{q('label')}", join, list(params)

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
