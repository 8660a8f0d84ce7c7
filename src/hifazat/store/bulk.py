"""Many rows into one table at once."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, Connection, Engine, LargeBinary, Table, insert

from hifazat.store.engine import is_postgres


def copy_rows(c: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY: the rows in one stream, each value passed through its column type's
    bind processing first, as an INSERT would (psycopg sends an executemany row by row)."""
    columns = list(rows[0])
    processors = [_processor(c, table.c[name].type) for name in columns]
    raw: Any = c.connection.dbapi_connection
    quote = c.dialect.identifier_preparer
    names = ", ".join(quote.quote(name) for name in columns)
    command = f"COPY {quote.format_table(table)} ({names}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(command) as out:
        for row in rows:
            out.write_row(
                [
                    value if process is None else process(value)
                    for value, process in zip(row.values(), processors, strict=True)
                ]
            )


def _processor(c: Connection, kind: Any) -> Any:
    if isinstance(kind, JSON):  # COPY's text format takes the document as JSON text
        return lambda value: None if value is None else json.dumps(value, ensure_ascii=False)
    return kind.bind_processor(c.dialect)


def insert_rows(c: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Many rows at once: COPY on PostgreSQL, the driver's own executemany on SQLite (both with
    each column type's bind processing); a few rows go through SQLAlchemy as usual."""
    if len(rows) <= 20:
        if rows:
            c.execute(insert(table), rows)
    elif is_postgres(c):
        copy_rows(c, table, rows)
    else:
        _sqlite_rows(c, table, rows)


def _sqlite_rows(c: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    statement = insert(table).compile(dialect=c.dialect, column_keys=list(rows[0]))
    order = list(statement.positiontup or ())
    # sqlite3 takes bytes as they are; the other types need their processing
    processors = [
        None if isinstance(table.c[name].type, LargeBinary) else _processor(c, table.c[name].type)
        for name in order
    ]
    raw: Any = c.connection.dbapi_connection
    raw.executemany(
        str(statement),
        [
            [
                None if row[name] is None else row[name] if process is None else process(row[name])
                for name, process in zip(order, processors, strict=True)
            ]
            for row in rows
        ],
    )


def refresh_statistics(engine: Engine) -> None:
    """After a bulk load, PostgreSQL's planner still believes the tables are as small as before
    (autovacuum catches up only later) and may scan whole tables for one protectee's rows; an
    ANALYZE now gives it the real sizes. SQLite plans by its indexes and needs none."""
    if is_postgres(engine):
        with engine.begin() as c:
            c.exec_driver_sql("ANALYZE")
