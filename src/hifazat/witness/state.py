"""The witness's own SQLite state: the latest checkpoint it cosigned per log, and the requests
that showed a history inconsistent with it (evidence of a split view).

The check of the old size and the write of the new head happen in one `BEGIN IMMEDIATE`
transaction, as tlog-witness requires: two requests racing cannot roll the head back."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
    update,
)

from hifazat.ledger.witness import Head

metadata = MetaData()

heads = Table(
    "heads",
    metadata,
    Column("origin", String(512), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("root_hash", LargeBinary(32), nullable=False),
    Column("note", Text, nullable=False),
    Column("cosigned_at", BigInteger, nullable=False),
)

evidence = Table(
    "evidence",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("origin", String(512), nullable=False),
    Column("received_at", BigInteger, nullable=False),
    Column("reason", Text, nullable=False),
    #: the checkpoint the witness had cosigned, and the request that contradicted it
    Column("held_note", Text, nullable=False),
    Column("old_size", BigInteger, nullable=False),
    Column("proof", Text, nullable=False),
    Column("offered_note", Text, nullable=False),
)


@dataclass(frozen=True)
class Evidence:
    id: int
    origin: str
    received_at: int
    reason: str
    held_note: str
    old_size: int
    proof: tuple[str, ...]
    offered_note: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "origin": self.origin,
            "received_at": datetime.fromtimestamp(self.received_at, UTC).isoformat(),
            "reason": self.reason,
            "cosigned": self.held_note,
            "offered": {
                "old_size": self.old_size,
                "proof": list(self.proof),
                "checkpoint": self.offered_note,
            },
        }


def open_state(path: Path) -> Engine:
    """The state file, created on first use; transactions begin IMMEDIATE (a write lock)."""
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _autocommit_driver(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _immediate(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    metadata.create_all(engine)
    return engine


@contextmanager
def locked(engine: Engine) -> Iterator[Connection]:
    with engine.begin() as conn:
        yield conn


def held(conn: Connection, origin: str) -> Head | None:
    row = conn.execute(select(heads).where(heads.c.origin == origin)).first()
    return None if row is None else Head(row.size, row.root_hash, row.note)


def keep_head(conn: Connection, origin: str, head: Head, now: int) -> None:
    values = {"size": head.size, "root_hash": head.root_hash, "note": head.note, "cosigned_at": now}
    done = conn.execute(update(heads).where(heads.c.origin == origin).values(**values))
    if done.rowcount == 0:
        conn.execute(insert(heads).values(origin=origin, **values))


def keep_evidence(
    conn: Connection,
    origin: str,
    now: int,
    reason: str,
    held_head: Head,
    old_size: int,
    proof: tuple[bytes, ...],
    offered: str,
) -> None:
    conn.execute(
        insert(evidence).values(
            origin=origin,
            received_at=now,
            reason=reason,
            held_note=held_head.note,
            old_size=old_size,
            proof="\n".join(base64.b64encode(h).decode("ascii") for h in proof),
            offered_note=offered,
        )
    )


def all_evidence(engine: Engine) -> list[Evidence]:
    with engine.connect() as conn:
        rows = conn.execute(select(evidence).order_by(evidence.c.id)).all()
    return [
        Evidence(
            r.id,
            r.origin,
            r.received_at,
            r.reason,
            r.held_note,
            r.old_size,
            tuple(p for p in r.proof.split("\n") if p),
            r.offered_note,
        )
        for r in rows
    ]


def all_heads(engine: Engine) -> list[tuple[str, Head]]:
    with engine.connect() as conn:
        rows = conn.execute(select(heads).order_by(heads.c.origin)).all()
    return [(r.origin, Head(r.size, r.root_hash, r.note)) for r in rows]
