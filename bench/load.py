"""Scratch databases for a benchmark run, and loading the synthetic nation into one.

Each run gets its own database — an SQLite file in a temporary folder, or a PostgreSQL database
created for it and dropped after — with the schema migrated and a fresh ledger key."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import count
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from hifazat.domain.appeal import AppealOutcome
from hifazat.domain.errors import DomainError
from hifazat.domain.review import CONFIRMED
from hifazat.ledger.keys import create_key
from hifazat.ledger.note import Signer
from hifazat.services import appeals, emergencies, registry_entries, reviews
from hifazat.store.engine import make_engine
from hifazat.store.migrate import upgrade
from hifazat.store.uow import UnitOfWork

PG_ADMIN_URL = os.environ.get(
    "HIFAZAT_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
_names = count()


@dataclass
class Database:
    backend: str
    url: str
    engine: Engine
    key_path: Path
    signer: Signer

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)


def open_database(backend: str, url: str, key_path: Path) -> Database:
    """A database that already has its schema (a test's), with a new ledger key beside it."""
    engine = make_engine(url)
    return Database(backend, url, engine, key_path, create_key(key_path))


@contextmanager
def scratch(backend: str, folder: Path, admin_url: str = PG_ADMIN_URL) -> Iterator[Database]:
    """A new, migrated database; dropped (PostgreSQL) when done, the SQLite file left in
    `folder` for the caller's temporary folder to remove."""
    folder.mkdir(parents=True, exist_ok=True)
    key = folder / f"{backend}-{next(_names)}.ledger-key"
    if backend == "sqlite":
        url = f"sqlite:///{folder / f'bench-{os.getpid()}-{next(_names)}.db'}"
        engine = make_engine(url)
        upgrade(engine)
        try:
            yield Database(backend, url, engine, key, create_key(key))
        finally:
            engine.dispose()
        return
    if backend != "postgres":
        raise ValueError(f"unknown backend {backend!r}: sqlite or postgres")
    name = f"hifazat_bench_{os.getpid()}_{next(_names)}"
    admin = create_engine(make_url(admin_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
            engine = make_engine(url)
            try:
                upgrade(engine)
                yield Database(backend, url, engine, key, create_key(key))
            finally:
                engine.dispose()
        finally:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def postgres_available(admin_url: str = PG_ADMIN_URL) -> str | None:
    """None if PostgreSQL answers; else why not."""
    try:
        engine = create_engine(make_url(admin_url))
        with engine.connect() as c:
            c.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:
        return f"{type(error).__name__}: {str(error).splitlines()[0]}"
    return None


def read_operations(path: Path) -> list[dict[str, Any]]:
    ops: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return ops


def apply_operations(db: Database, ops: list[dict[str, Any]]) -> Counter[str]:
    """Reviews, appeals, ratifications and resolutions, each at its own time, through the
    services' in-transaction functions, in one unit of work (as the import does)."""
    done: Counter[str] = Counter()
    appeal_of: dict[str, str] = {}
    uow = db.uow()
    with uow:
        for o in ops:
            at = datetime.fromisoformat(o["at"])
            try:
                _apply(uow, o, at, appeal_of)
            except DomainError as error:
                raise RuntimeError(f"operation {o}: {type(error).__name__}: {error}") from error
            done[o["op"]] += 1
        uow.commit()
    return done


def _apply(uow: UnitOfWork, o: dict[str, Any], at: datetime, appeal_of: dict[str, str]) -> None:
    kind = o["op"]
    if kind == "review":
        reviews.review_in(uow, o["coverage"], CONFIRMED, o["reason"], o["by"], at)
    elif kind == "lodge":
        appeal_of[o["decision"]] = appeals.lodge_in(
            uow, o["decision"], o["by"], o["grounds"], at
        ).id
    elif kind == "rule":
        outcome = AppealOutcome(o["outcome"])
        appeals.decide_in(uow, appeal_of[o["decision"]], outcome, o["reason"], o["by"], at)
    elif kind == "ratify":
        emergencies.ratify_in(uow, o["decision"], o["by"], False, o["reason"], at)
    elif kind == "resolve":
        registry_entries.resolve_in(uow, o["report"], o["outcome"], o["reason"], o["by"], at)
    else:
        raise ValueError(f"unknown operation {kind!r}")
