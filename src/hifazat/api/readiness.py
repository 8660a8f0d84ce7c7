"""Readiness: can this server do its work now? A real round trip to the database that also asks
whether it takes writes, and the ledger key present, owner-only and parsing. Liveness
(/api/v1/health) says only that the process answers.

The answers name no path, no SQL and no driver text: the endpoint is public. The log has the
cause."""

from __future__ import annotations

import logging
import stat
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from hifazat.ledger.keys import KeyFileError, load_signer
from hifazat.store.engine import is_postgres
from hifazat.store.faults import fault_of

log = logging.getLogger("hifazat.api")


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "detail": self.detail}


def database_check(engine: Engine) -> Check:
    try:
        with engine.connect() as c, c.begin() as tx:
            c.execute(text("SELECT 1"))
            writable = _writable(c)
            tx.rollback()
    except SQLAlchemyError as error:
        fault = fault_of(error)
        log.warning("not ready: database: %s", fault.detail if fault else type(error).__name__)
        return Check(False, fault.message if fault else "the database answered with an error")
    if not writable:
        return Check(False, "the database is read-only: it answers but refuses changes")
    return Check(True, "answers, and accepts changes")


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


def key_check(path: Path) -> Check:
    try:
        load_signer(path)
    except KeyFileError as error:
        log.warning("not ready: %s", error)
        return Check(False, _key_problem(path))
    return Check(True, "present, owner-only, and a signer key")


def _key_problem(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except OSError:
        return "the ledger key is missing or unreadable: create it with `hifazat db upgrade`"
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return "the ledger key is open to other users: chmod 600 it"
    return "the ledger key is unreadable or not a signer key"
