"""Reads and writes domain objects. Every statement is built with SQLAlchemy Core, so every
value is a bound parameter; the statements live in `records/`, one module per kind of record."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, select

from hifazat.store import tables as t
from hifazat.store.auth_store import AuthStore
from hifazat.store.bulk import refresh_statistics
from hifazat.store.ledger_store import LedgerStore
from hifazat.store.outbox_store import OutboxStore
from hifazat.store.records.decisions import DecisionRecords
from hifazat.store.records.entries import EntryRecords
from hifazat.store.records.events import EventRecords
from hifazat.store.records.exports import ExportRecords
from hifazat.store.records.registry import RegistryRecords
from hifazat.store.records.resources import AttendanceRecords, ResourceRecords, RosterRecords


class Repository(
    RegistryRecords,
    DecisionRecords,
    EntryRecords,
    ResourceRecords,
    RosterRecords,
    AttendanceRecords,
    EventRecords,
    ExportRecords,
):
    def __init__(self, connection: Connection) -> None:
        self.c = connection
        self.protectee_cache = {}
        self.user_cache = {}
        self.decision_cache = {}
        self.decision_owner = {}
        self.appeal_cache = {}
        self.assessment_cache = {}
        self.primed = {}
        self.locked = set()
        self.pending = None
        self.pending_ids = set()
        self.absent_ids = set()

    def deciders(self) -> dict[str, set[str]]:
        """The providers that decided on each protectee (any decision, in any state)."""
        covering: dict[str, set[str]] = defaultdict(set)
        d = t.decisions
        for pid, provider in self.c.execute(select(d.c.protectee_id, d.c.provider_id).distinct()):
            covering[pid].add(provider)
        return covering

    def refresh_statistics(self) -> None:
        """After a bulk load: see `bulk.refresh_statistics` (on a connection of its own)."""
        refresh_statistics(self.c.engine)


def repositories(connection: Connection) -> tuple[AuthStore, OutboxStore, LedgerStore]:
    """A unit of work's repositories besides `Repository`: auth, outbox and ledger."""
    return AuthStore(connection), OutboxStore(connection), LedgerStore(connection)
