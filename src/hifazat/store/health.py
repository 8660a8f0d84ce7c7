"""Whether the database can serve the registry: it answers, and it takes changes."""

from __future__ import annotations

import logging

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from hifazat.store.engine import is_postgres
from hifazat.store.faults import fault_of

log = logging.getLogger("hifazat.api")


def database_problem(engine: Engine) -> str | None:
    """What stops the database serving the registry (None: it answers and takes changes)."""
    try:
        with engine.connect() as c, c.begin() as tx:
            c.execute(text("SELECT 1"))
            writable = _writable(c)
            tx.rollback()
    except SQLAlchemyError as error:
        fault = fault_of(error)
        log.warning("not ready: database: %s", fault.detail if fault else type(error).__name__)
        return fault.message if fault else "the database answered with an error"
    if not writable:
        return "the database is read-only: it answers but refuses changes"
    return None


def _writable(c: Connection) -> bool:
    """PostgreSQL says whether this transaction may write; SQLite is asked by a write that is
    rolled back (its write lock is already held: the engine begins IMMEDIATE), which raises
    when the file is read-only."""
    if is_postgres(c):
        read_only = c.execute(
            text("SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on'")
        ).scalar_one()
        return not read_only
    c.execute(text("UPDATE ledger_head SET size = size WHERE id = 1"))
    return True
