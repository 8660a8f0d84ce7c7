"""What `/metrics` reports of the registry itself, read from the database at each scrape.

Counted in the database rather than in a process's memory, so that every application node and
every worker reports the same figures, a restart loses nothing, and a count can be checked
against the records it counts. Each figure is one aggregate query over an indexed or small
table; nothing here names a person, a protectee or a force."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select, text

from hifazat.store import tables as t
from hifazat.store.engine import is_postgres, mark_reading

#: refused attempts by the rule they broke (an attempt breaking a rule twice counts once)
_REFUSALS = {
    "postgresql": (
        "SELECT r->>'rule' AS rule, count(DISTINCT a.id) FROM attempts a, "
        "json_array_elements(a.rules) r GROUP BY 1"
    ),
    "sqlite": (
        "SELECT json_extract(r.value, '$.rule') AS rule, count(DISTINCT a.id) FROM attempts a, "
        "json_each(a.rules) r GROUP BY 1"
    ),
}


@dataclass(frozen=True)
class Gauges:
    """The registry's figures at one instant (`at`)."""

    at: datetime
    decisions: dict[str, int] = field(default_factory=dict)
    refusals: dict[str, int] = field(default_factory=dict)
    #: attempts to put a notice on a channel, by outcome (sent, failed)
    attempts: dict[str, int] = field(default_factory=dict)
    #: how notices' deliveries ended, by outcome (delivered, dead, requeued)
    outcomes: dict[str, int] = field(default_factory=dict)
    #: notices by state now (pending, delivered, dead)
    notices: dict[str, int] = field(default_factory=dict)
    #: the oldest pending notice's wait, in seconds (0 when none waits)
    queue_oldest_seconds: float = 0.0
    ledger_entries: int = 0
    #: committed changes waiting for their ledger entries (group commit)
    ledger_pending: int = 0
    #: seconds since the newest signed checkpoint (None: none signed yet)
    checkpoint_age_seconds: float | None = None
    checkpoint_size: int = 0


def read(engine: Engine, now: datetime) -> Gauges:
    """The figures, on one read-only connection."""
    with engine.connect() as c:
        mark_reading(c)
        return _read(c, now)


def _read(c: Connection, now: datetime) -> Gauges:
    decisions = _by(c, t.decisions.c.action)
    refusals = {
        str(rule): int(n)
        for rule, n in c.execute(text(_REFUSALS["postgresql" if is_postgres(c) else "sqlite"]))
        if rule
    }
    d = t.deliveries
    ok = _by(c, d.c.ok)
    attempts = {"sent": ok.get("True", 0), "failed": ok.get("False", 0)}
    outcomes = _by(c, t.notice_outcomes.c.outcome)
    n = t.notices
    notices = _by(c, n.c.state)
    oldest = c.execute(
        select(func.min(n.c.created_at)).where(n.c.state == "pending")
    ).scalar_one_or_none()
    size = c.execute(select(t.ledger_head.c.size)).scalar_one_or_none() or 0
    pending = c.execute(
        select(func.count()).select_from(t.ledger_pending).where(t.ledger_pending.c.seq.is_(None))
    ).scalar_one()
    cp = t.ledger_checkpoints
    newest = c.execute(
        select(cp.c.made_at, cp.c.tree_size).order_by(cp.c.id.desc()).limit(1)
    ).first()
    return Gauges(
        at=now,
        decisions=decisions,
        refusals=refusals,
        attempts=attempts,
        outcomes=outcomes,
        notices=notices,
        queue_oldest_seconds=max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
        ledger_entries=int(size),
        ledger_pending=int(pending),
        checkpoint_age_seconds=(
            max(0.0, (now - newest.made_at).total_seconds()) if newest is not None else None
        ),
        checkpoint_size=int(newest.tree_size) if newest is not None else 0,
    )


def _by(c: Connection, column: Any) -> dict[str, int]:
    """Rows counted by one column's values."""
    query = select(column, func.count()).group_by(column)
    return {str(key): int(n) for key, n in c.execute(query)}
