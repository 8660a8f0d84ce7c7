"""The unit of work: one transaction per use case, committed exactly once.

Hooks registered with `before_commit` run inside that transaction just before it commits; the
ledger uses this to write its entries atomically with the change they record."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine

from hifazat.store.repository import Repository

Hook = Callable[["UnitOfWork"], None]


@dataclass(frozen=True)
class Event:
    """A state change made in this unit of work, in the order it was made."""

    kind: str
    at: datetime
    actor: str
    payload: Mapping[str, Any]


class UnitOfWork:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._hooks: list[Hook] = []
        self.events: list[Event] = []
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        self.connection: Connection = self.engine.connect()
        self._transaction = self.connection.begin()
        self.repo = Repository(self.connection)
        return self

    def record(self, kind: str, at: datetime, actor: str, payload: Mapping[str, Any]) -> None:
        self.events.append(Event(kind, at, actor, payload))

    def before_commit(self, hook: Hook) -> None:
        self._hooks.append(hook)

    def commit(self) -> None:
        if self._committed:
            raise RuntimeError("a unit of work commits once")
        for hook in self._hooks:
            hook(self)
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
