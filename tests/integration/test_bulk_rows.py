"""Rows written many at a time (an import's held-back inserts, ledger entries) read back exactly
as a plain INSERT would have stored them: times in UTC, JSON documents, bytes, nulls."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from hifazat.store import tables as t
from hifazat.store.bulk import insert_rows
from tests.conftest import Registry

PKT = timezone(timedelta(hours=5))


@pytest.mark.parametrize("count", [3, 40])  # below and above where the bulk path starts
def test_rows_written_in_bulk_read_back_as_written(registry: Registry, count: int) -> None:
    attempts = [
        {
            "id": f"at-{n:03d}",
            "at": datetime(2024, 3, 1, 9, 30, tzinfo=PKT) + timedelta(minutes=n, microseconds=n),
            "actor": "ssu-operator",
            "command": "decide",
            "subject": {"reason": "Sindh — ‘quoted’ \\ and \t tabbed", "n": n, "none": None},
            "rules": [{"rule": "R-REASON", "message": f"line {n}"}],
        }
        for n in range(count)
    ]
    nodes = [{"level": 40, "idx": n, "hash": bytes([n % 256]) * 32} for n in range(count)]
    with registry.engine.begin() as c:
        insert_rows(c, t.attempts, attempts)
        insert_rows(c, t.ledger_nodes, nodes)
    with registry.engine.connect() as c:
        back = c.execute(select(t.attempts).order_by(t.attempts.c.id)).all()
        hashes = c.execute(
            select(t.ledger_nodes.c.hash)
            .where(t.ledger_nodes.c.level == 40)
            .order_by(t.ledger_nodes.c.idx)
        ).scalars()
        stored = [bytes(h) for h in hashes]
    assert [r.at for r in back] == [a["at"] for a in attempts]
    assert all(r.at.utcoffset() == timedelta(0) for r in back)  # read back in UTC
    assert [r.subject for r in back] == [a["subject"] for a in attempts]
    assert [r.rules for r in back] == [a["rules"] for a in attempts]
    assert stored == [n["hash"] for n in nodes]
