"""The registry a route works with, and the request's one transaction.

`Registry` is the port: the composition root (`hifazat.bootstrap`) supplies the running one;
routes see only what they may use — units of work, the clock, the settings, the ledger key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal, Protocol

from fastapi import Depends, Request

from hifazat.domain.errors import DomainError
from hifazat.domain.times import Clock
from hifazat.ledger.note import Signer
from hifazat.ledger.report import Report
from hifazat.services.unit_of_work import UnitOfWork
from hifazat.settings import ServerSettings

SESSION_COOKIE = "hifazat_session"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Registry(Protocol):
    @property
    def clock(self) -> Clock: ...

    @property
    def settings(self) -> ServerSettings: ...

    def uow(self) -> UnitOfWork:
        """A unit of work: within a request, a part of its one transaction."""
        ...

    def lagging(self) -> UnitOfWork:
        """A unit of work for a read that may trail the primary (the hot standby's, where one
        is configured): reports and audits of the past, never a guard or a read of this
        request's own write."""
        ...

    def signer(self) -> Signer: ...

    def verify_ledger(self, records: bool = True) -> Report:
        """The ledger checked against the checkpoint kept beside the key."""
        ...

    def for_request(self, mode: Literal["read", "write"]) -> Registry:
        """This registry with a transaction of its own, which every unit of work joins."""
        ...

    def end(self, commit: bool) -> None:
        """Ends the request's transaction: commits what its units of work committed."""
        ...


def registry(request: Request) -> Iterator[Registry]:
    """The registry for one request: all it reads and writes — the caller's credentials, the
    guard, the idempotency claim, the work and the answer kept for retries — is one transaction
    (a read-only one for a GET), committed before the response is sent. A refusal keeps what
    the refused attempt recorded; any other failure keeps nothing."""
    app_registry: Registry = request.app.state.registry
    reg = app_registry.for_request("write" if request.method in UNSAFE else "read")
    request.state.registry = reg
    try:
        yield reg
    except DomainError:
        reg.end(commit=True)
        raise
    except BaseException:
        reg.end(commit=False)
        raise
    reg.end(commit=True)


def of_request(request: Request) -> Registry:
    """The request's registry where one is open (its transaction), else the app's: what a page
    or an error handler outside the route's dependencies reads through."""
    reg: Registry = getattr(request.state, "registry", None) or request.app.state.registry
    return reg


#: one per request, ended before the response is sent (so a failed commit is the answer)
Reg = Annotated[Registry, Depends(registry, scope="function")]
