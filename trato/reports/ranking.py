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
_TOTALS = object()  # the key of the totals per column among a ranking's cells


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

    @property
    def additive(self) -> bool:
        """Whether the figure of several cells is the figure of their facts together (not so for a distinct count)."""
        return not self.distinct

    def sql(self) -> tuple[str, list[Any]]:
        expression, params = self.expression()
        return f"{expression} AS {_quote(self.name)}", params

    def expression(self) -> tuple[str, list[Any]]:
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
        return expression, params

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
        """The first ``count`` rows, the total and, by difference, one Others group for the rest.

        The keys are ranked on their totals (one narrow row per key, a top-N sort); the cells of the first ``count``
        come back as they are, every other cell only inside the totals per column."""
        if self.across and all(measure.additive for measure in self.measures):
            return self._top_keys_first(count)
        return self._top_from_cells(count)

    def _top_from_cells(self, count: int) -> Top:
        """One query over the cells: what a distinct count needs, whose totals are not the counts of the facts."""
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
        return self._with_others([rows[position] for position in sorted(rows)], total)

    def _top_keys_first(self, count: int) -> Top:
        """Two queries, each grouping the facts by little: the keys ranked on their totals (one row per key), then
        the cells of the first ``count`` keys (their facts found by key) and the totals per column. With many keys
        and columns (5,000 products over 60 months) this is several times faster than grouping every key's cells
        first, and the totals per column are the counts of all the facts because every measure adds up."""
        q = _quote
        facts, facts_params = self.facts.order_by().query.sql_with_params()
        rank, rank_params = next(m for m in self.measures if m.name == self.rank_by).expression()
        label, labels, label_params = self._label_sql("first")
        ranked = (
            f"WITH {q('keys')} AS (SELECT {q(self.key)} AS {q('key')}, {rank} AS {q('total')} "
            f"FROM ({facts}) {q('facts')} GROUP BY {q(self.key)}), "
            f"{q('first')} AS (SELECT {q('key')}, {q('total')} FROM {q('keys')} "
            f"ORDER BY {q('total')} DESC, {q('key')} LIMIT %s) "
            f"SELECT {q('first')}.{q('key')}, {label}, (SELECT COUNT(*) FROM {q('keys')}) FROM {q('first')}{labels} "
            f"ORDER BY {q('first')}.{q('total')} DESC, {q('first')}.{q('key')}"
        )
        with connection.cursor() as cursor:
            cursor.execute(ranked, [*rank_params, *facts_params, count, *label_params])
            found = cursor.fetchall()
        shown = [Group(position, key, name) for position, (key, name, _keys) in enumerate(found, start=1)]
        total = Group(None, None, None, members=found[0][2] if found else 0)
        by_key = {group.key: group for group in shown}
        for key, *figures in self._cells_of(list(by_key)):
            self._add_cell(by_key.get(key, total), figures)
        return self._with_others(shown, total)

    def _cells_of(self, keys: list[Any]) -> list[tuple[Any, ...]]:
        """The cells of ``keys``, then the totals per column (their key: a marker no key equals)."""
        q = _quote
        facts, facts_params = self.facts.order_by().query.sql_with_params()
        measure_sql = [measure.sql() for measure in self.measures]
        measures = ", ".join(sql for sql, _params in measure_sql)
        measure_params = [param for _sql, params in measure_sql for param in params]
        across = q(self.across)
        parts, params = [], []
        named = [key for key in keys if key is not None]
        if named:
            placeholders = ", ".join(["%s"] * len(named))
            parts.append(
                f"SELECT 1 AS {q('kind')}, {q(self.key)}, {across}, {measures} FROM ({facts}) {q('facts')} "
                f"WHERE {q(self.key)} IN ({placeholders}) GROUP BY {q(self.key)}, {across}"
            )
            params += [*measure_params, *facts_params, *named]
        if None in keys:  # the facts without a key (a claim without a category) are a row of their own
            parts.append(
                f"SELECT 1, NULL, {across}, {measures} FROM ({facts}) {q('facts')} "
                f"WHERE {q(self.key)} IS NULL GROUP BY {across}"
            )
            params += [*measure_params, *facts_params]
        parts.append(f"SELECT 0, NULL, {across}, {measures} FROM ({facts}) {q('facts')} GROUP BY {across}")
        params += [*measure_params, *facts_params]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            return [(key if kind else _TOTALS, *figures) for kind, key, *figures in cursor.fetchall()]

    def _with_others(self, shown: list[Group], total: Group) -> Top:
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
