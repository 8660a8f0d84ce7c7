"""Responses kept for POSTs that carried an Idempotency-Key.

The key is claimed, the work done and the answer kept in the request's one transaction: a
request that dies leaves no claim (its retry runs afresh at once), and a retry that arrives
while the first is running waits on the claimed row until the first commits, then replays its
answer. So a claim is never seen unanswered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from hifazat.store import tables as t

#: the status of a claim not yet answered, inside the claiming transaction only
CLAIMED = 0


@dataclass(frozen=True)
class Earlier:
    """The answer kept for a key."""

    request_sha256: str
    status: int
    body: Any
    created_at: datetime


class Idempotency:
    """The keys and their answers, on one unit of work's connection."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def claim(self, key: str, user: str, request: str, at: datetime) -> Earlier | None:
        """Claims the key for this request (None), or returns the answer it already holds."""
        values = {"user_id": user, "request_sha256": request, "status": CLAIMED, "body": {}}
        try:
            with self.c.begin_nested():
                self.c.execute(
                    insert(t.idempotency).values(key_sha256=key, created_at=at, **values)
                )
            return None
        except IntegrityError:
            pass
        idem = t.idempotency
        row = self.c.execute(select(idem).where(idem.c.key_sha256 == key)).one()
        return Earlier(row.request_sha256, row.status, row.body, row.created_at)

    def complete(self, key: str, status: int, body: Any) -> None:
        """Keeps the answer for the key this request claimed."""
        idem = t.idempotency
        self.c.execute(
            update(idem).where(idem.c.key_sha256 == key).values(status=status, body=body)
        )
