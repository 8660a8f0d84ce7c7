"""Refused attempts: the change is stopped, but who tried what, and which rules refused it, is
kept — in a unit of work of its own, since the attempt's own was rolled back (within a request,
both are savepoints of its one transaction, which keeps the attempt)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from hifazat.domain.errors import Refusal
from hifazat.services.ids import new_id
from hifazat.services.unit_of_work import UnitOfWork


def keep_refusal(
    uow: UnitOfWork,
    command: str,
    actor: str,
    subject: Mapping[str, Any],
    refusal: Refusal,
    at: datetime,
) -> str:
    attempt = new_id("a")
    with uow.another() as fresh:
        fresh.repo.add_attempt(
            attempt,
            at,
            actor,
            command,
            {k: v for k, v in subject.items() if v is not None},
            [{"rule": v.rule, "message": v.message} for v in refusal.violations],
        )
        fresh.record("attempt.refused", attempt)
        fresh.commit()
    return attempt


@contextmanager
def refusals_kept(
    uow: UnitOfWork, command: str, actor: str | None, subject: Mapping[str, Any], at: datetime
) -> Iterator[None]:
    """Runs a use case; a refusal is recorded as an attempt, then raised on."""
    try:
        yield
    except Refusal as refusal:
        keep_refusal(uow, command, actor or "unknown", subject, refusal, at)
        raise
