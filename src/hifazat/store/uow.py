"""The unit of work: one transaction per use case, committed exactly once.

Every state change is marked with `record`; at commit the ledger entries for them are written in
the same transaction, so a change and its entry land together or not at all."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import TracebackType

from sqlalchemy import Connection, Engine

from hifazat.store import ledger_store
from hifazat.store.repository import Repository, repositories

Hook = Callable[["UnitOfWork"], None]
#: the write to add to a held commit before it is made: it runs on the held transaction
Finisher = Callable[[Connection], bool]


class HeldCommit:
    """Commits held back so that what a request did and the answer kept for its retries commit
    in one transaction (an Idempotency-Key): a crash leaves both or neither.

    Inside `holding_commits()`, a unit of work's `commit` writes everything, ledger included,
    but leaves the transaction open here; `finish` adds the answer and commits. Should the
    request open another unit of work meanwhile, the held one commits first, so that no
    transaction ever waits on one held by its own request."""

    def __init__(self) -> None:
        self.held: list[UnitOfWork] = []

    def hold(self, uow: UnitOfWork) -> None:
        self.held.append(uow)

    def release_earlier(self) -> None:
        while self.held:
            self.held.pop(0)._finish(commit=True)

    def finish(self, write: Finisher) -> bool:
        """Runs `write` in the last held transaction (or says False when none is held) and
        commits; `write` returning False rolls the held work back instead."""
        if not self.held:
            return False
        *earlier, last = self.held
        self.held = [last]
        for uow in earlier:
            uow._finish(commit=True)
        self.held = []
        try:
            keep = write(last.connection)
        except BaseException:
            last._finish(commit=False)
            raise
        last._finish(commit=keep)
        if not keep:
            raise Superseded()
        return True

    def abandon(self) -> None:
        while self.held:
            self.held.pop()._finish(commit=False)


class Superseded(RuntimeError):
    """The held work was rolled back: its claim had passed to another attempt."""


_HOLDER: ContextVar[HeldCommit | None] = ContextVar("hifazat_held_commit", default=None)


@contextmanager
def holding_commits() -> Iterator[HeldCommit]:
    holder = HeldCommit()
    token = _HOLDER.set(holder)
    try:
        yield holder
    finally:
        _HOLDER.reset(token)
        holder.abandon()  # a request that ended without finishing keeps nothing


class UnitOfWork:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._hooks: list[Hook] = []
        #: (ledger kind, record key) of each state change, in the order made
        self.events: list[tuple[str, str]] = []
        self._committed = False
        self._read_only = False
        self._held = False

    def reading(self) -> UnitOfWork:
        """Marks this unit of work as a read: on SQLite it then takes no write lock, so readers
        do not queue behind each other or behind a writer (WAL gives them a stable snapshot)."""
        self._read_only = True
        return self

    def __enter__(self) -> UnitOfWork:
        holder = _HOLDER.get()
        if holder is not None and not self._read_only:
            holder.release_earlier()
        self.connection: Connection = self.engine.connect()
        if self._read_only:
            self.connection.execution_options(hifazat_read_only=True)
        self._transaction = self.connection.begin()
        self.repo = Repository(self.connection)
        self.auth, self.outbox, self.ledger = repositories(self.connection)
        return self

    def another(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

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
        if self.events:
            ledger_store.append(self.connection, self.events)
        self._committed = True
        holder = _HOLDER.get()
        if holder is not None:
            self._held = True
            holder.hold(self)
            return
        self._transaction.commit()

    def _finish(self, commit: bool) -> None:
        """Ends a held transaction: commits it or rolls it back, and closes."""
        if not self._held:
            return
        try:
            if commit:
                self._transaction.commit()
            else:
                self._transaction.rollback()
        finally:
            self._held = False
            self.connection.close()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._held:
            if exc_type is not None and not issubclass(exc_type, Exception):
                self._finish(commit=False)  # interrupted: keep nothing
            return  # the holder commits it, with the request's answer
        try:
            if not self._committed:
                self._transaction.rollback()
        finally:
            self.connection.close()


UnitOfWorkFactory = Callable[[], UnitOfWork]
