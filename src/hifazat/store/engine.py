"""Engines for the two supported databases, tuned so that a write transaction is serialised."""

from __future__ import annotations

import math
import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exc
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
        engine = _sqlite_engine(url, parsed.database)
    else:
        engine = _postgres_engine(url)
    event.listen(engine, "before_cursor_execute", _refuse_writes_in_reads)
    return engine


#: how the statements a read may send begin
_READS = ("SELECT", "WITH", "SHOW", "EXPLAIN", "PRAGMA", "BEGIN")


def _refuse_writes_in_reads(connection: Connection, _cursor: Any, statement: str, *_: Any) -> None:
    """A unit of work marked as a read never writes. It cannot commit, and on SQLite its
    changes rolled back; on PostgreSQL it runs in autocommit (`mark_reading`), where a write
    would stay, so a write is refused before it is sent, on both."""
    reading = connection.get_execution_options().get("hifazat_read_only")
    if reading and not statement.lstrip()[:7].upper().startswith(_READS):
        raise RuntimeError("a unit of work marked as a read may not write")


#: seconds a pooled PostgreSQL connection may sit unused before it is pinged on its next use
PING_AFTER = 1.0


def _postgres_engine(url: str) -> Engine:
    """Pings a pooled connection only when it has been idle a while. A ping on every checkout
    (SQLAlchemy's `pool_pre_ping`) was one more round trip per request, a fifth of a status
    read's time; what it guards against (a server restart, an idle timeout, a network cut)
    strikes connections that have sat in the pool, and a connection in steady use finds out
    on its next statement anyway (SQLAlchemy then replaces every connection the pool held
    before the failure). The pool hands out the connection returned last, so that under load
    the same few stay busy and need no ping, and the rest idle where a ping belongs."""
    engine = create_engine(url, pool_use_lifo=True, **_POOL)

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("hifazat_checked_in", -math.inf) <= PING_AFTER:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # the pool replaces the connection and tries again
            raise exc.DisconnectionError("a pooled connection no longer answers") from error

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["hifazat_checked_in"] = time.monotonic()

    return engine


def mark_reading(connection: Connection) -> None:
    """Marks a unit of work's connection as a read, before its transaction begins. SQLite
    then opens a deferred transaction: one snapshot, no write lock. PostgreSQL runs it in
    autocommit: under READ COMMITTED each statement takes its own snapshot with or without a
    transaction around it, so the transaction gave a read only two round trips (BEGIN and
    ROLLBACK) and locks held until its end."""
    connection.execution_options(hifazat_read_only=True)
    if is_postgres(connection):
        connection.execution_options(isolation_level="AUTOCOMMIT")


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
