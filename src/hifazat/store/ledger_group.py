"""Group commit on PostgreSQL: concurrent writers' ledger entries entered in one batch.

Writing an entry inline means holding the ledger head from the moment the entry is written until
the writer's transaction commits, so writers take turns at the pace of one commit each (about
300 entries/s at national size, whatever the number of writers). Instead, a small unit of work
commits its records together with a row in `ledger_pending` naming each change, without touching
the head: the change and the fact that it awaits its entry land together or not at all. Then
the writer waits for its leaf index. One waiting writer per process is the leader: it takes the
head and enters every waiting row, its own and everyone else's, in one transaction (the entries
written from the records, exactly as inline), and hands each waiter in the process its index;
the others wait for the leader rather than queue on the head. A row entered by another process's
leader keeps its `seq`, so that its own writer can read it. This is how Tessera integrates
batches; it is PostgreSQL's own group commit one level up.

A writer that dies between its commit and its entry leaves its row waiting: the next leader,
or the next checkpoint, enters it, and `ledger verify` names a row that has waited longer than
`ledger_store.STALE`. SQLite takes one writer at a time anyway (BEGIN IMMEDIATE), so there
entries are always written inline, and so is any unit of work with more than `GROUP_LIMIT`
changes (an import)."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager

from sqlalchemy import Connection, Engine

from hifazat.store.engine import is_postgres
from hifazat.store.ledger_store import enqueue, enter_waiting, read_entered

#: more changes than this in one unit of work are entered inline, in its own transaction
GROUP_LIMIT = 64
#: the longest a leader waits for writers still committing to join its batch
GATHER = 0.01
#: the execution option that marks a batch's own transaction (for those counting transactions)
BATCH = "hifazat_ledger_batch"
__all__ = ["BATCH", "GROUP_LIMIT", "enqueue", "grouped", "wait"]


def grouped(c: Connection, wanted: Sequence[tuple[str, str]]) -> bool:
    return 0 < len(wanted) <= GROUP_LIMIT and is_postgres(c)


class Group:
    """One process's waiters on one database: at most one of them leads at a time."""

    def __init__(self) -> None:
        self._turn = threading.Condition()
        self._leading = False
        #: rows some writer in this process waits on
        self._waiting: set[int] = set()
        #: their leaf indices, once entered
        self._done: dict[int, int] = {}
        #: writers here committing rows they will then wait on
        self._committing = 0

    @contextmanager
    def committing(self) -> Iterator[None]:
        """Around a writer's commit of waiting rows, so that a leader gathers them too."""
        with self._turn:
            self._committing += 1
        try:
            yield
        finally:
            with self._turn:
                self._committing -= 1
                self._turn.notify_all()

    def wait(self, c: Connection, rows: Sequence[int]) -> list[int]:
        """The leaf index of each row (committed already); `c` has no transaction open, and
        leads with one of its own if no other writer here is leading."""
        wanted = set(rows)
        with self._turn:
            self._waiting |= wanted
        try:
            while True:
                with self._turn:
                    while self._leading and not wanted <= self._done.keys():
                        self._turn.wait()
                    if wanted <= self._done.keys():
                        return [self._done[row] for row in rows]
                    self._leading = True
                    # writers committing now will wait in a moment: let them join this batch
                    # (as PostgreSQL's commit_delay), for at most GATHER
                    deadline = time.monotonic() + GATHER
                    while self._committing and (left := deadline - time.monotonic()) > 0:
                        self._turn.wait(left)
                    waited = set(self._waiting)
                entered: dict[int, int] = {}
                try:
                    entered = self._lead(c, wanted, waited)
                finally:
                    with self._turn:
                        self._leading = False
                        # only rows dropped as they were told: a writer that began waiting
                        # after the batch began reads its kept row itself, and drops it
                        self._done.update((r, s) for r, s in entered.items() if r in waited)
                        self._turn.notify_all()
                if not wanted <= entered.keys():
                    raise RuntimeError(f"ledger rows {sorted(wanted - entered.keys())} vanished")
        finally:
            with self._turn:
                self._waiting -= wanted
                for row in wanted:
                    self._done.pop(row, None)

    @staticmethod
    def _lead(c: Connection, wanted: set[int], waited: set[int]) -> dict[int, int]:
        """One batch: every waiting row entered, the rows waited on here dropped as they are
        told, and `wanted` rows another process's leader entered first read."""
        c.execution_options(**{BATCH: True})
        try:
            with c.begin():
                entered = enter_waiting(c, waited)
                if earlier := wanted - entered.keys():
                    entered |= read_entered(c, earlier)
        finally:
            c.execution_options(**{BATCH: False})
        return entered


_groups: weakref.WeakKeyDictionary[Engine, Group] = weakref.WeakKeyDictionary()
_groups_lock = threading.Lock()


def group_for(engine: Engine) -> Group:
    with _groups_lock:
        group = _groups.get(engine)
        if group is None:
            group = _groups[engine] = Group()
        return group


def committing(engine: Engine) -> AbstractContextManager[None]:
    """Wraps the commit of a transaction holding waiting rows (`Group.committing`)."""
    return group_for(engine).committing()


def wait(c: Connection, rows: Sequence[int]) -> list[int]:
    """The leaf index of each committed waiting row, entered by this writer or by a leader."""
    return group_for(c.engine).wait(c, rows)
