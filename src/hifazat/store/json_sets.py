"""Several result sets in one round trip: each set a JSON array of row arrays, all of them the
columns of one statement.

A protectee's status reads ten small sets (the person, decisions, steps, appeals, assessments,
reviews, ground reports, undelivered notices...). Sent one by one they cost ten round trips and
ten statements built by SQLAlchemy per call, which was most of a status read's time. Here each
set keeps the `Select` its reader already uses, so the rows and their conversion to domain
objects are the reader's own; only the transport changes. The statement is compiled once per
dialect and sent as the driver's text, its values still bound parameters.
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Boolean, ColumnElement, Connection, Date, Select, func, select
from sqlalchemy.sql.expression import CompoundSelect

from hifazat.store.types import UTCDateTime, to_utc

Convert = Callable[[Any], Any]


def _date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)  # SQLite's JSON carries 0 and 1


def _converter(column: ColumnElement[Any]) -> Convert | None:
    """How a JSON value becomes what the driver would have returned for this column."""
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return to_utc
    if isinstance(kind, Date):
        return _date
    if isinstance(kind, Boolean):
        return _bool
    return None


@dataclass
class RowSet:
    """One set: its statement, and the rows' order (a JSON aggregate keeps none for certain)."""

    query: Select[Any] | CompoundSelect[Any]
    order: Callable[[Any], Any] | None = None
    row: type = field(init=False)
    converts: tuple[tuple[int, Convert], ...] = field(init=False)

    def __post_init__(self) -> None:
        names = list(self.query.selected_columns.keys())
        self.row = namedtuple("Row", names, rename=True)  # type: ignore[misc]
        self.converts = tuple(
            (i, conv)
            for i, column in enumerate(self.query.selected_columns)
            if (conv := _converter(column)) is not None
        )

    def decode(self, raw: Any) -> list[Any]:
        if raw is None:  # PostgreSQL aggregates no rows to NULL
            return []
        if isinstance(raw, str):  # SQLite's JSON is text; psycopg decodes json itself
            raw = json.loads(raw)
        converts, make = self.converts, self.row._make  # type: ignore[attr-defined]
        rows = []
        for values in raw:
            for i, conv in converts:
                values[i] = conv(values[i])
            rows.append(make(values))
        if self.order is not None:
            rows.sort(key=self.order)
        return rows


#: a dialect's sets and scalars, from whether it is PostgreSQL (a set may be written per dialect)
Build = Callable[[bool], tuple[Mapping[str, RowSet], Mapping[str, ColumnElement[Any]]]]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    #: the parameters' names in order, for a positional driver (SQLite); None for named ones
    order: tuple[str, ...] | None
    defaults: dict[str, Any]
    sets: tuple[RowSet, ...]
    names: tuple[str, ...]


class JsonSets:
    """A statement returning one row: each set's rows as a JSON array, then the scalars."""

    def __init__(self, build: Build) -> None:
        self.build = build
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, c: Connection) -> _Compiled:
        dialect = c.dialect
        found = self._compiled.get(dialect.name)
        if found is None:
            postgres = dialect.name == "postgresql"
            sets, scalars = self.build(postgres)
            columns: list[ColumnElement[Any]] = []
            for name, rs in sets.items():
                sub = rs.query.subquery()
                if postgres:
                    agg = func.json_agg(func.json_build_array(*sub.c))
                else:
                    agg = func.json_group_array(func.json_array(*sub.c))
                columns.append(select(agg).select_from(sub).scalar_subquery().label(name))
            columns += [value.label(name) for name, value in scalars.items()]
            compiled = select(*columns).compile(dialect=dialect)
            positions = compiled.positiontup
            found = _Compiled(
                compiled.string,
                tuple(positions) if compiled.positional and positions is not None else None,
                dict(compiled.params),
                tuple(sets.values()),
                (*sets, *scalars),
            )
            self._compiled[dialect.name] = found
        return found

    def read(self, c: Connection, params: Mapping[str, Any]) -> dict[str, Any]:
        """Each set's rows by its name, and each scalar's value."""
        compiled = self._compile(c)
        values = {**compiled.defaults, **params}
        order = compiled.order
        bound: Any = tuple(values[n] for n in order) if order is not None else values
        row = c.exec_driver_sql(compiled.sql, bound).one()
        n = len(compiled.sets)
        out: dict[str, Any] = {
            name: rs.decode(raw)
            for name, rs, raw in zip(compiled.names, compiled.sets, row, strict=False)
        }
        for name, value in zip(compiled.names[n:], row[n:], strict=True):
            out[name] = value
        return out
