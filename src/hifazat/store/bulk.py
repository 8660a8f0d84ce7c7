"""Many rows into one table at once."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, Connection, Table, insert


def copy_rows(c: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY: the rows in one stream, each value passed through its column type's
    bind processing first, as an INSERT would (psycopg sends an executemany row by row)."""
    columns = list(rows[0])
    processors = [_processor(c, table.c[name].type) for name in columns]
    raw: Any = c.connection.dbapi_connection
    names = ", ".join(f'"{name}"' for name in columns)  # the table's own column names
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as out:
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
    """COPY on PostgreSQL for more than a handful of rows; an executemany otherwise."""
    if c.dialect.name == "postgresql" and len(rows) > 20:
        copy_rows(c, table, rows)
    elif rows:
        c.execute(insert(table), rows)
