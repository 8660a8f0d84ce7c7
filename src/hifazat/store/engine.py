"""Engines for the two supported databases, tuned so that a write transaction is serialised."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

DEFAULT_URL = "sqlite:///hifazat.db"
URL_ENV = "HIFAZAT_DATABASE_URL"


#: connections kept open: a server thread pool serves many requests at once, and a connection
#: opened past the pool's size is closed again when returned (SQLite: reopened with its pragmas);
#: an error's text never carries the statement's parameters (names, secrets' digests), so a
#: logged failure cannot leak them
_POOL: dict[str, Any] = {"pool_size": 10, "max_overflow": 20, "hide_parameters": True}


def database_url(explicit: str | None = None) -> str:
    return explicit or os.environ.get(URL_ENV) or DEFAULT_URL


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    return create_engine(url, pool_pre_ping=True, **_POOL)


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:" and not _is_uri(url):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30}, **_POOL)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" below open transactions, not the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front, so two desks cannot both pass R-STATE;
        # a unit of work marked as a read takes none.
        if connection.get_execution_options().get("hifazat_read_only"):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _is_uri(url: str) -> bool:
    """A `file:` URI (`sqlite:///file:...?mode=ro&uri=true`) names its file itself; its folder
    is not one to create."""
    return make_url(url).query.get("uri") in ("true", "1")


def is_postgres(bind: Engine | Connection) -> bool:
    """Where a statement has a PostgreSQL form (COPY, FOR UPDATE, ON CONFLICT...) and a
    SQLite one."""
    return bind.dialect.name == "postgresql"
