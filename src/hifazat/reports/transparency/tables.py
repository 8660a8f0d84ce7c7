"""Published tables: every number goes out as a `Cell`, so nothing reaches the public without
passing through suppression, and the JSON, HTML and charts all read the same hidden flags."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hifazat.reports.transparency.suppression import Key, Relation, suppress

ALL = "*"


@dataclass(frozen=True)
class Label:
    key: str
    name: str

    def as_dict(self) -> dict[str, str]:
        return {"key": self.key, "name": self.name}


@dataclass(frozen=True)
class Cell:
    """A published number, or None with the reason it is hidden (`suppression.SMALL` or
    `suppression.WITHHELD`); the true value of a hidden cell is not kept at all."""

    value: float | None
    hidden: str | None = None

    @classmethod
    def of(cls, value: float, hidden: Mapping[Key, str], key: Key, digits: int = 1) -> Cell:
        if key in hidden:
            return cls(None, hidden[key])
        return cls(value if isinstance(value, int) else round(value, digits))

    def as_dict(self) -> dict[str, Any]:
        if self.hidden is None:
            return {"value": self.value, "suppressed": False}
        return {"value": None, "suppressed": True, "reason": self.hidden}


@dataclass(frozen=True)
class Table:
    rows: tuple[Label, ...]
    columns: tuple[Label, ...]
    cells: tuple[tuple[Cell, ...], ...]
    #: None where a row's cells do not add up (different units, or overlapping counts)
    row_totals: tuple[Cell, ...] | None
    column_totals: tuple[Cell, ...] | None
    total: Cell | None

    def column(self, key: str) -> tuple[Cell, ...]:
        at = [c.key for c in self.columns].index(key)
        return tuple(row[at] for row in self.cells)

    def as_dict(self) -> dict[str, Any]:
        def cells(values: tuple[Cell, ...] | None) -> list[dict[str, Any]] | None:
            return None if values is None else [c.as_dict() for c in values]

        return {
            "rows": [r.as_dict() for r in self.rows],
            "columns": [c.as_dict() for c in self.columns],
            "cells": [[c.as_dict() for c in row] for row in self.cells],
            "row_totals": cells(self.row_totals),
            "column_totals": cells(self.column_totals),
            "total": None if self.total is None else self.total.as_dict(),
        }


@dataclass
class Grid:
    """The raw counts behind one table, before suppression. `totals` names the namespace of
    the row totals and grand total, so two tables over the same rows (decisions by action and
    by reason) share them and are suppressed together."""

    name: str
    rows: tuple[Label, ...]
    columns: tuple[Label, ...]
    row_sums: bool = True
    column_sums: bool = True
    totals: str | None = None
    values: dict[tuple[str, str], float] = field(default_factory=dict)
    private: dict[tuple[str, str], int] = field(default_factory=dict)

    def add(self, row: str, column: str, value: float = 1, private: int = 0) -> None:
        self.values[(row, column)] = self.values.get((row, column), 0) + value
        self.private[(row, column)] = self.private.get((row, column), 0) + private

    def key(self, row: str, column: str) -> Key:
        space = (self.totals or self.name) if column == ALL else self.name
        return (space, row, column)

    def _get(self, row: str, column: str) -> tuple[float, int]:
        rows = [r.key for r in self.rows] if row == ALL else [row]
        columns = [c.key for c in self.columns] if column == ALL else [column]
        pairs = [(r, c) for r in rows for c in columns]
        return (
            sum(self.values.get(p, 0) for p in pairs),
            sum(self.private.get(p, 0) for p in pairs),
        )

    def _positions(self) -> list[tuple[str, str]]:
        rows = [r.key for r in self.rows]
        columns = [c.key for c in self.columns]
        found = [(r, c) for r in rows for c in columns]
        if self.row_sums:
            found += [(r, ALL) for r in rows]
        if self.column_sums:
            found += [(ALL, c) for c in columns]
        if self.row_sums and self.column_sums:
            found.append((ALL, ALL))
        return found

    def cells(self) -> dict[Key, tuple[float, int]]:
        """Every cell to publish, interior and margins, in reading order."""
        return {self.key(r, c): self._get(r, c) for r, c in self._positions()}

    def relations(self) -> list[Relation]:
        rows = [r.key for r in self.rows]
        columns = [c.key for c in self.columns]
        found = []
        if self.row_sums:
            for r in rows:
                found.append(Relation(self.key(r, ALL), tuple(self.key(r, c) for c in columns)))
        if self.column_sums:
            for c in columns:
                found.append(Relation(self.key(ALL, c), tuple(self.key(r, c) for r in rows)))
        if self.row_sums and self.column_sums:
            grand = self.key(ALL, ALL)
            found.append(Relation(grand, tuple(self.key(r, ALL) for r in rows)))
            found.append(Relation(grand, tuple(self.key(ALL, c) for c in columns)))
        return found

    def publish(self, hidden: Mapping[Key, str]) -> Table:
        def cell(row: str, column: str) -> Cell:
            return Cell.of(self._get(row, column)[0], hidden, self.key(row, column))

        rows = [r.key for r in self.rows]
        columns = [c.key for c in self.columns]
        both = self.row_sums and self.column_sums
        return Table(
            self.rows,
            self.columns,
            tuple(tuple(cell(r, c) for c in columns) for r in rows),
            tuple(cell(r, ALL) for r in rows) if self.row_sums else None,
            tuple(cell(ALL, c) for c in columns) if self.column_sums else None,
            cell(ALL, ALL) if both else None,
        )


@dataclass
class Problem:
    """Cells and relations suppressed together: everything a reader could combine."""

    values: dict[Key, float] = field(default_factory=dict)
    people: dict[Key, int] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)

    def add(self, key: Key, value: float, people: int) -> None:
        """A cell; one already present (a shared total) must agree with what it was."""
        if key in self.values:
            assert (self.values[key], self.people[key]) == (value, people), key
        self.values[key] = value
        self.people[key] = people

    def add_grid(self, grid: Grid) -> None:
        for key, (value, people) in grid.cells().items():
            self.add(key, value, people)
        self.relations += grid.relations()

    def solve(self, threshold: int, forced: Iterable[Key] = ()) -> dict[Key, str]:
        return suppress(self.values, self.people, self.relations, threshold, forced)
