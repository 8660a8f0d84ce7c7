"""Responses kept for POSTs that carried an Idempotency-Key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from hifazat.store import tables as t

IN_PROGRESS = 0


def claim(c: Connection, key: str, user: str, request: str, at: datetime) -> Row[Any] | None:
    """Claims the key for this request; returns the earlier row if someone claimed it first."""
    try:
        with c.begin_nested():
            c.execute(
                insert(t.idempotency).values(
                    key_sha256=key,
                    user_id=user,
                    request_sha256=request,
                    status=IN_PROGRESS,
                    body={},
                    created_at=at,
                )
            )
        return None
    except IntegrityError:
        return c.execute(select(t.idempotency).where(t.idempotency.c.key_sha256 == key)).first()


def complete(c: Connection, key: str, status: int, body: Any) -> None:
    c.execute(
        update(t.idempotency)
        .where(t.idempotency.c.key_sha256 == key)
        .values(status=status, body=body)
    )


def release(c: Connection, key: str) -> None:
    c.execute(delete(t.idempotency).where(t.idempotency.c.key_sha256 == key))
