"""The unit of work: one use case's changes, committed exactly once.

Every state change is marked with `record`; at commit the ledger entries for them are written in
the same transaction, so a change and its entry land together or not at all. On PostgreSQL a
small unit of work instead commits a waiting row for each change with it, and its entries are
made in a batch with other writers' once its transaction commits (`ledger_group`): the writer
returns once they are, told their leaf indices (`entered`).

A request or a command runs in one `SharedTransaction`: each unit of work it opens joins that
transaction (a writing one as a savepoint), so authentication, the guard, the idempotency claim,
the work and the kept answer commit together or not at all. A unit of work opened outside one
(a background loop, a test) has a transaction of its own."""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import TracebackType
from typing import Literal

from sqlalchemy import Connection, Engine, NestedTransaction, RootTransaction

from hifazat.store import ledger_group, ledger_store
from hifazat.store.engine import mark_reading
from hifazat.store.idempotency_store import Idempotency
from hifazat.store.records import status_reads
from hifazat.store.repository import Repository, repositories

Hook = Callable[["UnitOfWork"], None]
Mode = Literal["read", "write"]

log = logging.getLogger(__name__)


class SharedTransaction:
    """The one transaction of a request or a command. It opens with the first unit of work that
    joins it (for a read or for a write, as `mode` says or, left open, as that unit of work is)
    and `end` commits what its units committed — each unit's commit releases its savepoint, and
    a unit that failed rolled back only its own work, so a refused attempt kept beside a refused
    change survives — or rolls all of it back."""

    def __init__(self, engine: Engine, mode: Mode | None = None) -> None:
        self.engine = engine
        self.mode = mode
        self.connection: Connection | None = None
        self._transaction: RootTransaction | None = None
        self.ended = False
        #: ledger rows its units left waiting (group commit), entered once it commits
        self.waiting: list[int] = []
        #: their leaf indices, once entered
        self.entered: list[int] = []

    def join(self, read_only: bool) -> Connection | None:
        """The connection a unit of work runs on, or None where it must run alone: after the
        end, or a write inside a read (a GET that writes keeps a transaction of its own)."""
        if self.ended or (self.mode == "read" and not read_only):
            return None
        if self.connection is None:
            if self.mode is None:
                self.mode = "read" if read_only else "write"
            connection = self.engine.connect()
            if self.mode == "read":
                mark_reading(connection)
            self._transaction = connection.begin()
            self.connection = connection
        return self.connection

    def end(self, commit: bool) -> None:
        if self.ended:
            return
        self.ended = True
        if self.connection is None or self._transaction is None:
            return
        try:
            if commit and self.mode == "write" and self.waiting:
                with ledger_group.committing(self.engine):
                    self._transaction.commit()
                self.entered = _entered(self.connection, self.waiting)
            elif commit and self.mode == "write":
                self._transaction.commit()
            else:
                self._transaction.rollback()
        finally:
            self.connection.close()
            self.connection = None


class UnitOfWork:
    def __init__(self, engine: Engine, shared: SharedTransaction | None = None) -> None:
        self.engine = engine
        self._shared = shared
        self._hooks: list[Hook] = []
        #: (ledger kind, record key) of each state change, in the order made
        self.events: list[tuple[str, str]] = []
        self._committed = False
        self._read_only = False
        self._joined = False
        self._inline = False
        #: the leaf index of each change's entry, once made (a joined unit's are the request's)
        self.entered: list[int] = []

    def reading(self) -> UnitOfWork:
        """Marks this unit of work as a read: on SQLite it then takes no write lock, so readers
        do not queue behind each other or behind a writer (WAL gives them a stable snapshot)."""
        self._read_only = True
        return self

    def entering_inline(self) -> UnitOfWork:
        """Writes this unit's ledger entries in its own transaction, never in a group batch."""
        self._inline = True
        return self

    def another(self) -> UnitOfWork:
        """A fresh unit of work in the same transaction (or on the same engine): what a refused
        attempt is kept in once the attempt's own work was rolled back."""
        return UnitOfWork(self.engine, self._shared)

    def __enter__(self) -> UnitOfWork:
        joined = self._shared.join(self._read_only) if self._shared is not None else None
        self._transaction: RootTransaction | NestedTransaction | None
        if joined is not None:
            self._joined = True
            self.connection: Connection = joined
            self._transaction = None if self._read_only else joined.begin_nested()
        else:
            self.connection = self.engine.connect()
            if self._read_only:
                mark_reading(self.connection)
            self._transaction = self.connection.begin()
        self.repo = Repository(self.connection)
        self._read_ahead: set[str] = set()
        self.idempotency = Idempotency(self.connection)
        self.auth, self.outbox, self.ledger = repositories(self.connection)
        return self

    def read_ahead(self, protectee_id: str) -> None:
        """Reads, in one round trip, what a status of this protectee is about to read."""
        if protectee_id not in self._read_ahead:
            self._read_ahead.add(protectee_id)
            self.outbox.primed[protectee_id] = status_reads.read_ahead(self.repo, protectee_id)

    def record(self, kind: str, key: str) -> None:
        """Marks a state change for the ledger; its entry is written from the record at commit."""
        self.events.append((kind, key))

    def before_commit(self, hook: Hook) -> None:
        self._hooks.append(hook)

    def commit(self) -> None:
        if self._committed:
            raise RuntimeError("a unit of work commits once")
        if self._read_only:
            raise RuntimeError("a reading unit of work cannot commit")
        for hook in self._hooks:
            hook(self)
        self.repo.flush()
        waiting: list[int] = []
        assert self._transaction is not None
        if not self._inline and ledger_group.grouped(self.connection, self.events):
            if self._joined:
                waiting = ledger_group.enqueue(self.connection, self.events)
                self._transaction.commit()  # a savepoint's release
            else:
                with ledger_group.committing(self.engine):
                    waiting = ledger_group.enqueue(self.connection, self.events)
                    self._transaction.commit()
        else:
            if self.events:
                self.entered = ledger_store.append(self.connection, self.events)
            self._transaction.commit()  # a savepoint's release, where joined
        self._committed = True
        if self._joined and self._shared is not None:
            self._shared.waiting += waiting
        elif waiting:
            self.entered = _entered(self.connection, waiting)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._committed and self._transaction is not None:
                self._transaction.rollback()
        except Exception:
            # the database ended the whole transaction itself (SQLite, on a full disk): the
            # savepoint is gone with it, so the shared transaction can only roll back
            if self._shared is not None and self._joined:
                self._shared.end(commit=False)
            if exc_type is None:
                raise
        finally:
            self.repo.close()
            if not self._joined:
                self.connection.close()


def _entered(c: Connection, waiting: list[int]) -> list[int]:
    """The leaf indices of committed waiting rows, once a leader has entered them. The changes
    are committed whatever happens here: a failure is logged, and the next leader or checkpoint
    enters them."""
    try:
        return ledger_group.wait(c, waiting)
    except Exception:
        log.exception("committed changes wait to be entered in the ledger")
        return []
