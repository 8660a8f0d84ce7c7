"""The base of the record mixins."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, event, insert

from hifazat.domain.appeal import Appeal
from hifazat.domain.decision import Decision
from hifazat.domain.protectee import Protectee
from hifazat.domain.threat import ThreatAssessment
from hifazat.domain.users import User
from hifazat.store import tables as t
from hifazat.store.bulk import insert_rows

#: an execution option for reads that may run with rows still pending (they look at them too)
PENDING_SEEN = "hifazat_pending_seen"


class Base:
    """A connection every record mixin reads and writes through."""

    c: Connection
    #: read once per unit of work (one transaction): records are added, never changed
    protectee_cache: dict[str, Protectee]
    user_cache: dict[str, User]
    #: a protectee's decisions (enriched) and assessments, read once per unit of work and kept
    #: in step with every write made through this repository, so that a rule checking the
    #: hundredth decision of an import does not read the first ninety-nine again
    decision_cache: dict[str, list[Decision]]
    decision_owner: dict[str, str]
    appeal_cache: dict[str, list[Appeal]]
    assessment_cache: dict[str, list[ThreatAssessment]]
    #: rows read ahead in one round trip (`store.status_reads`) for a read about to follow, by
    #: (set, protectee): taken by that read once, so that no later read can find them stale
    primed: dict[tuple[str, str], list[Any]]
    #: protectees whose row this transaction has locked (a lock lasts until commit)
    locked: set[str]
    #: rows held back to be written together (None: every row is written at once); they are
    #: written before any statement reads the database, so no read can miss them
    pending: dict[Table, list[dict[str, Any]]] | None
    pending_ids: set[tuple[str, str]]
    #: (table, id) pairs looked up in bulk and found missing (`presume_absent`): an import asks
    #: whether each of its ids is taken, and a round trip per row cost more than its rules
    absent_ids: set[tuple[str, str]]

    def write_behind(self) -> None:
        """Holds inserts back and writes each table's in one statement: for an import, where
        the rules read from the caches and the database is only written to."""
        if self.pending is None:
            self.pending = {}
            event.listen(self.c, "before_execute", self._before_execute)

    def _before_execute(self, _c: Any, _clause: Any, _m: Any, _p: Any, options: Any) -> None:
        if self.pending and not options.get(PENDING_SEEN):
            self.flush()

    def close(self) -> None:
        """Drops what was held back and stops watching the connection: the unit of work ended
        (a rolled-back one's rows must not reach a later one sharing the connection)."""
        if self.pending is not None:
            event.remove(self.c, "before_execute", self._before_execute)
            self.pending = None
            self.pending_ids.clear()
        self.absent_ids.clear()

    def flush(self) -> None:
        """Writes the held-back rows, parents before children."""
        if not self.pending:
            return
        pending, self.pending = self.pending, {}
        self.pending_ids.clear()
        for table in t.metadata.sorted_tables:
            if rows := pending.get(table):
                insert_rows(self.c, table, rows)

    def _insert(self, table: Table, row: dict[str, Any]) -> None:
        if "id" in row:
            self.absent_ids.discard((table.name, row["id"]))
        if self.pending is None:
            self.c.execute(insert(table), row)
            return
        self.pending.setdefault(table, []).append(row)
        if "id" in row:
            self.pending_ids.add((table.name, row["id"]))
