"""Credentials, sessions, API tokens and the log of authentication events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, insert, select, update

from hifazat.store import tables as t


def event(c: Connection, at: datetime, user: str | None, kind: str, detail: str = "") -> None:
    c.execute(insert(t.auth_events).values(at=at, user_id=user, event=kind, detail=detail))


def events(c: Connection, user: str | None = None) -> list[Row[Any]]:
    query = select(t.auth_events).order_by(t.auth_events.c.id)
    if user is not None:
        query = query.where(t.auth_events.c.user_id == user)
    return list(c.execute(query))


def credentials(c: Connection, user_id: str, lock: bool = False) -> Row[Any] | None:
    """A user's credentials; `lock` holds the row to the end of the transaction, so concurrent
    sign-ins to one account are judged one after another against the failure count (PostgreSQL
    row lock; SQLite's write transactions are serialised already)."""
    query = select(t.credentials).where(t.credentials.c.user_id == user_id)
    return c.execute(query.with_for_update() if lock else query).first()


def save_credentials(c: Connection, user_id: str, **values: Any) -> None:
    if credentials(c, user_id) is None:
        c.execute(insert(t.credentials).values(user_id=user_id, **values))
    else:
        c.execute(update(t.credentials).where(t.credentials.c.user_id == user_id).values(**values))


def add_session(c: Connection, **values: Any) -> None:
    c.execute(insert(t.sessions).values(**values))


def session(c: Connection, id_sha256: str) -> Row[Any] | None:
    return c.execute(select(t.sessions).where(t.sessions.c.id_sha256 == id_sha256)).first()


def end_session(c: Connection, id_sha256: str, at: datetime) -> None:
    c.execute(
        update(t.sessions)
        .where(t.sessions.c.id_sha256 == id_sha256, t.sessions.c.ended_at.is_(None))
        .values(ended_at=at)
    )


def end_sessions_of(c: Connection, user_id: str, at: datetime, keep: str | None = None) -> int:
    """Ends every live session of a user but `keep` (a session id digest); says how many."""
    query = update(t.sessions).where(
        t.sessions.c.user_id == user_id, t.sessions.c.ended_at.is_(None)
    )
    if keep is not None:
        query = query.where(t.sessions.c.id_sha256 != keep)
    return c.execute(query.values(ended_at=at)).rowcount


def revoke_tokens_of(c: Connection, user_id: str, at: datetime) -> int:
    """Revokes every live token of a user; says how many."""
    return c.execute(
        update(t.api_tokens)
        .where(t.api_tokens.c.user_id == user_id, t.api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=at)
    ).rowcount


def add_token(c: Connection, **values: Any) -> None:
    c.execute(insert(t.api_tokens).values(**values))


def token_by_digest(c: Connection, token_sha256: str) -> Row[Any] | None:
    return c.execute(
        select(t.api_tokens).where(t.api_tokens.c.token_sha256 == token_sha256)
    ).first()


def token(c: Connection, token_id: str) -> Row[Any] | None:
    return c.execute(select(t.api_tokens).where(t.api_tokens.c.id == token_id)).first()


def revoke(c: Connection, token_id: str, at: datetime) -> None:
    c.execute(update(t.api_tokens).where(t.api_tokens.c.id == token_id).values(revoked_at=at))


class AuthStore:
    """The functions above on one unit of work's connection: its `auth` repository."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def event(self, at: datetime, user: str | None, kind: str, detail: str = "") -> None:
        event(self.c, at, user, kind, detail)

    def credentials(self, user_id: str, lock: bool = False) -> Row[Any] | None:
        return credentials(self.c, user_id, lock)

    def save_credentials(self, user_id: str, **values: Any) -> None:
        save_credentials(self.c, user_id, **values)

    def add_session(self, **values: Any) -> None:
        add_session(self.c, **values)

    def session(self, id_sha256: str) -> Row[Any] | None:
        return session(self.c, id_sha256)

    def end_session(self, id_sha256: str, at: datetime) -> None:
        end_session(self.c, id_sha256, at)

    def end_sessions_of(self, user_id: str, at: datetime, keep: str | None = None) -> int:
        return end_sessions_of(self.c, user_id, at, keep)

    def revoke_tokens_of(self, user_id: str, at: datetime) -> int:
        return revoke_tokens_of(self.c, user_id, at)

    def add_token(self, **values: Any) -> None:
        add_token(self.c, **values)

    def token_by_digest(self, token_sha256: str) -> Row[Any] | None:
        return token_by_digest(self.c, token_sha256)

    def token(self, token_id: str) -> Row[Any] | None:
        return token(self.c, token_id)

    def revoke(self, token_id: str, at: datetime) -> None:
        revoke(self.c, token_id, at)
