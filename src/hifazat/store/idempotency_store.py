"""Responses kept for POSTs that carried an Idempotency-Key.

A key is claimed first, in a transaction of its own, so that a second request with the key
knows the first is running. The claim is a lease: a request that died before committing leaves
a claim that a retry may take over once the lease has passed. The work and the answer kept for
retries then commit in one transaction (see `uow.holding_commits`), fenced on the claim, so a
request whose claim was taken over commits nothing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from hifazat.store import tables as t

IN_PROGRESS = 0
#: how long a claim holds before a retry may take it over: longer than any one request
LEASE = timedelta(seconds=120)


@dataclass(frozen=True)
class Earlier:
    """What a key already holds: a finished answer, or a live claim."""

    request_sha256: str
    status: int
    body: Any
    created_at: datetime


def claim(
    c: Connection, key: str, user: str, request: str, at: datetime, lease: timedelta = LEASE
) -> tuple[str | None, Earlier | None]:
    """Claims the key for this request: (the claim, None), or (None, what holds it). A claim
    whose lease has passed without an answer is taken over."""
    mine = secrets.token_hex(16)
    values = {
        "user_id": user,
        "request_sha256": request,
        "status": IN_PROGRESS,
        "body": {"claim": mine},
        "created_at": at,
    }
    try:
        with c.begin_nested():
            c.execute(insert(t.idempotency).values(key_sha256=key, **values))
        return mine, None
    except IntegrityError:
        pass
    idem = t.idempotency
    row = c.execute(select(idem).where(idem.c.key_sha256 == key).with_for_update()).first()
    if row is None:  # released meanwhile: the retry may go ahead
        c.execute(insert(idem).values(key_sha256=key, **values))
        return mine, None
    earlier = Earlier(row.request_sha256, row.status, row.body, row.created_at)
    stale = row.status == IN_PROGRESS and row.created_at + lease <= at
    if stale and row.request_sha256 == request:
        c.execute(update(idem).where(idem.c.key_sha256 == key).values(**values))
        return mine, None
    return None, earlier


def complete(c: Connection, key: str, mine: str, status: int, body: Any) -> bool:
    """Keeps the answer, if the claim is still this request's; says whether it was."""
    idem = t.idempotency
    row = c.execute(select(idem).where(idem.c.key_sha256 == key).with_for_update()).first()
    if row is None or row.status != IN_PROGRESS or row.body.get("claim") != mine:
        return False
    c.execute(update(idem).where(idem.c.key_sha256 == key).values(status=status, body=body))
    return True


def release(c: Connection, key: str, mine: str) -> None:
    """Gives the key up after a failure, so that a retry runs afresh at once."""
    idem = t.idempotency
    row = c.execute(select(idem).where(idem.c.key_sha256 == key)).first()
    if row is not None and row.status == IN_PROGRESS and row.body.get("claim") == mine:
        c.execute(delete(idem).where(idem.c.key_sha256 == key))
