"""The composition root: the one place that knows the concrete parts — the SQL store and its
engine, the ledger key on disk — and hands them to the entry points, which see only the ports
(`services.unit_of_work`, `serving.requests.Registry`). `Runtime` is the registry a route or a
command works through; `bootstrap.app` builds the HTTP app on one."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import Engine

from hifazat.domain.times import Clock
from hifazat.ledger.keys import load_signer
from hifazat.ledger.note import Signer
from hifazat.ledger.report import Report
from hifazat.settings import ServerSettings
from hifazat.store.engine import URL_ENV, database_url, make_engine
from hifazat.store.ledger_check import verify_beside_key
from hifazat.store.migrate import upgrade
from hifazat.store.uow import Mode, SharedTransaction, UnitOfWork

__all__ = [
    "URL_ENV",
    "Runtime",
    "SharedTransaction",
    "UnitOfWork",
    "database_url",
    "make_engine",
    "upgrade",
    "verify_beside_key",
]


@dataclass
class Runtime:
    """The running registry: its database, clock and settings, and — within one request or
    command — the transaction every unit of work joins."""

    engine: Engine
    clock: Clock
    settings: ServerSettings
    shared: SharedTransaction | None = None
    #: the standby's engine, for reads that may lag; None: they go to the primary
    replica: Engine | None = None

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine, self.shared)

    def lagging(self) -> UnitOfWork:
        """A read that may trail the primary by the standby's replication lag: never one that
        must see this request's own write, nor a guard (which records a refusal). Outside the
        request's transaction, on the standby where one is configured."""
        if self.replica is None:
            return self.uow()
        return UnitOfWork(self.replica).reading()

    def signer(self) -> Signer:
        return load_signer(self.settings.key_path())

    def verify_ledger(self, records: bool = True) -> Report:
        verifier = self.signer().verifier()
        return verify_beside_key(self.engine, verifier, self.settings.key_path(), records)

    def for_request(self, mode: Mode | None) -> Runtime:
        return replace(self, shared=SharedTransaction(self.engine, mode))

    def end(self, commit: bool) -> None:
        if self.shared is not None:
            self.shared.end(commit)
