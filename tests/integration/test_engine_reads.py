"""Reads cost as few round trips as they can without giving anything up (store/engine.py): a
unit of work marked as a read never writes, on either database; on PostgreSQL it runs in
autocommit, so it holds no locks once its statement is done; and a pooled connection that died
while idle is replaced before a unit of work gets it, without a ping on every checkout."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, text

from hifazat.store import engine as engines
from hifazat.store import tables as t
from hifazat.store.uow import SharedTransaction, UnitOfWork
from tests.conftest import Registry


def test_a_read_refuses_to_write(registry: Registry) -> None:
    with (
        UnitOfWork(registry.engine).reading() as uow,
        pytest.raises(RuntimeError, match="marked as a read may not write"),
    ):
        uow.connection.execute(insert(t.policies), {"id": "x", "document": {}, "loaded_at": None})
    with UnitOfWork(registry.engine).reading() as uow:  # and nothing was written
        assert uow.connection.execute(select(t.policies.c.id)).all() == []


def test_a_write_never_joins_a_read_requests_transaction(registry: Registry) -> None:
    """Even when it comes first: the login page's zone lookup, a unit that may write, once
    opened a read request's connection and so ran on it, marked as a read."""
    shared = SharedTransaction(registry.engine, "read")
    with UnitOfWork(registry.engine, shared) as writer:
        assert not writer.connection.get_execution_options().get("hifazat_read_only")
    with UnitOfWork(registry.engine, shared).reading() as reader:
        assert reader.connection.get_execution_options().get("hifazat_read_only")
        assert reader.connection is not writer.connection
    shared.end(commit=False)


def test_a_read_holds_a_snapshot_on_sqlite_and_no_lock_on_postgresql(registry: Registry) -> None:
    registry.load_demo()
    with UnitOfWork(registry.engine).reading() as uow:
        before = uow.connection.execute(select(t.users.c.id, t.users.c.name)).all()
        with registry.engine.connect() as other:
            if registry.backend == "postgres":
                other.execute(text("SET lock_timeout = '2s'"))
                # an exclusive lock (what a migration takes) is not kept waiting by the read
                other.execute(text("LOCK TABLE users IN ACCESS EXCLUSIVE MODE NOWAIT"))
            other.execute(text("UPDATE users SET name = 'renamed'"))
            other.commit()
        # SQLite's deferred transaction sees one state of the file; PostgreSQL's statements
        # each see the latest (READ COMMITTED, as they did inside a transaction)
        after = uow.connection.execute(select(t.users.c.id, t.users.c.name)).all()
        assert (after == before) is (registry.backend == "sqlite")


def test_a_connection_that_died_idle_is_replaced_before_use(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL alone: SQLite has no server to lose."""
    engine = engines.make_engine(pg_url)
    killer = engines.make_engine(pg_url)
    try:
        with engine.connect() as c:
            pid = c.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with killer.connect() as k:
            k.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            k.commit()
        monkeypatch.setattr(engines, "PING_AFTER", 0.0)  # as after an idle spell
        with UnitOfWork(engine).reading() as uow:
            now = uow.connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert now != pid
    finally:
        engine.dispose()
        killer.dispose()
