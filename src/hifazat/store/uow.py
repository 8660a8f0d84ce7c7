"""The unit of work: one transaction per use case, committed exactly once.

Every state change is marked with `record`; at commit the ledger entries for them are written in
the same transaction, so a change and its entry land together or not at all."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy import Connection, Engine

from hifazat.store import ledger_store
from hifazat.store.repository import Repository

Hook = Callable[["UnitOfWork"], None]


class UnitOfWork:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._hooks: list[Hook] = []
        #: (ledger kind, record key) of each state change, in the order made
        self.events: list[tuple[str, str]] = []
        self._committed = False
        self._read_only = False

    def reading(self) -> UnitOfWork:
        """Marks this unit of work as a read: on SQLite it then takes no write lock, so readers
        do not queue behind each other or behind a writer (WAL gives them a stable snapshot)."""
        self._read_only = True
        return self

    def __enter__(self) -> UnitOfWork:
        self.connection: Connection = self.engine.connect()
        if self._read_only:
            self.connection.execution_options(hifazat_read_only=True)
        self._transaction = self.connection.begin()
        self.repo = Repository(self.connection)
        return self

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
        self._transaction.commit()
        self._committed = True

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._committed:
                self._transaction.rollback()
        finally:
            self.connection.close()


UnitOfWorkFactory = Callable[[], UnitOfWork]
