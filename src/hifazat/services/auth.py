"""Passwords, sessions and API tokens. Passwords are Argon2 hashes; session ids and tokens are
random and stored as SHA-256 digests, so the database never holds a usable secret. Repeated
failures lock the account for a while; every login, failure and token change is recorded."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from hifazat.domain.errors import DomainError, InvalidInput, NotFound, Outcome
from hifazat.domain.rules.administration import check_password_setter, check_token_scopes
from hifazat.domain.users import User
from hifazat.services.ids import new_id
from hifazat.services.unit_of_work import UnitOfWork

LOCK_AFTER = 5
LOCK_FOR = timedelta(minutes=15)
MIN_PASSWORD = 12
#: `metrics` reads /metrics alone: what a Prometheus server is given
SCOPES = ("read", "write", "admin", "metrics")
_hasher = PasswordHasher()
#: a real hash to check against when the user does not exist, so timing does not tell
_DUMMY = _hasher.hash("not a password of anyone")


class AuthFailed(DomainError):
    """Wrong user or password, or a locked account: the message never says which."""

    outcome = Outcome.UNAUTHENTICATED


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _event(uow: UnitOfWork, at: datetime, user: str | None, event: str, detail: str = "") -> None:
    uow.auth.event(at, user, event, detail)


def set_password(uow: UnitOfWork, user_id: str, password: str, by: str, now: datetime) -> None:
    """An admin (or the registrar at the command line) sets a password. Every session and token
    of the account ends with it: whoever held the old credential holds nothing now."""
    with uow:
        actor = uow.repo.user(by)
        uow.repo.user(user_id)
        check_password_setter(actor, user_id)
        _store_password(uow, user_id, password, f"by {by}", now, keep_session=None)
        uow.commit()


def change_password(
    uow: UnitOfWork, user_id: str, current: str, new: str, now: datetime, session_secret: str
) -> None:
    """A user changes their own password from a signed-in session, proving the current one, so
    a stolen session or token alone cannot take the account. The user's other sessions and every
    token end; the session that made the change goes on."""
    with uow:
        cred = uow.auth.credentials(user_id, lock=True)
        if cred is None or not _check(cred.password_hash, current):
            _event(uow, now, user_id, "password.refused", "wrong current password")
            uow.commit()
            raise InvalidInput("current_password", "the current password is wrong")
        _store_password(uow, user_id, new, "by themself", now, keep_session=digest(session_secret))
        uow.commit()


def _store_password(
    uow: UnitOfWork, user_id: str, password: str, how: str, now: datetime, keep_session: str | None
) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput("password", f"use at least {MIN_PASSWORD} characters")
    uow.auth.save_credentials(
        user_id,
        password_hash=_hasher.hash(password),
        failed_logins=0,
        locked_until=None,
        changed_at=now,
    )
    ended = uow.auth.end_sessions_of(user_id, now, keep=keep_session)
    revoked = uow.auth.revoke_tokens_of(user_id, now)
    _event(uow, now, user_id, "password.set", f"{how}; {ended} sessions ended, {revoked} tokens")


@dataclass(frozen=True)
class Session:
    secret: str
    csrf: str
    user: User
    expires_at: datetime


def login(uow: UnitOfWork, user_id: str, password: str, now: datetime, ttl: timedelta) -> Session:
    with uow:
        cred = uow.auth.credentials(user_id, lock=True)
        if cred is None:
            _check(_DUMMY, password)
            _event(uow, now, None, "login.failed", f"unknown user {user_id[:64]!r}")
            uow.commit()
            raise AuthFailed("wrong user or password")
        if cred.locked_until is not None and cred.locked_until > now:
            _event(uow, now, user_id, "login.locked", "attempt while locked")
            uow.commit()
            raise AuthFailed("this account is locked for a while after repeated failures")
        if not _check(cred.password_hash, password):
            failures = cred.failed_logins + 1
            locked = now + LOCK_FOR if failures >= LOCK_AFTER else None
            uow.auth.save_credentials(
                user_id, failed_logins=0 if locked else failures, locked_until=locked
            )
            _event(
                uow, now, user_id, "login.failed", "locked" if locked else f"{failures} in a row"
            )
            uow.commit()
            raise AuthFailed("wrong user or password")
        secret, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        uow.auth.save_credentials(user_id, failed_logins=0, locked_until=None)
        uow.auth.add_session(
            id_sha256=digest(secret),
            user_id=user_id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + ttl,
        )
        _event(uow, now, user_id, "login.ok")
        user = uow.repo.user(user_id)
        uow.commit()
    return Session(secret, csrf, user, now + ttl)


def _check(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def logout(uow: UnitOfWork, secret: str, now: datetime) -> None:
    with uow:
        uow.auth.end_session(digest(secret), now)
        uow.commit()


def session_user(uow: UnitOfWork, secret: str, now: datetime) -> tuple[User, str] | None:
    """The user of a live session, and its CSRF token."""
    with uow.reading():
        row = uow.auth.session(digest(secret))
        if row is None or row.ended_at is not None or row.expires_at <= now:
            return None
        return uow.repo.user(row.user_id), row.csrf_token


@dataclass(frozen=True)
class Token:
    id: str
    secret: str
    scopes: tuple[str, ...]
    expires_at: datetime


def create_token(
    uow: UnitOfWork, user_id: str, scopes: list[str], ttl: timedelta, now: datetime
) -> Token:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise InvalidInput("scopes", f"choose from {', '.join(SCOPES)}")
    if ttl <= timedelta(0) or ttl > timedelta(days=365):
        raise InvalidInput("ttl", "a token lives between a second and a year")
    with uow:
        user = uow.repo.user(user_id)
        check_token_scopes(user, scopes)
        token = Token(
            new_id("tk"), "hz_" + secrets.token_urlsafe(32), tuple(sorted(scopes)), now + ttl
        )
        uow.auth.add_token(
            id=token.id,
            user_id=user_id,
            token_sha256=digest(token.secret),
            scopes=list(token.scopes),
            created_at=now,
            expires_at=token.expires_at,
        )
        _event(uow, now, user_id, "token.created", f"{token.id} {','.join(token.scopes)}")
        uow.commit()
    return token


def revoke_token(uow: UnitOfWork, token_id: str, by: User, now: datetime) -> None:
    with uow:
        row = uow.auth.token(token_id)
        if row is None or (row.user_id != by.id and "admin" not in by.roles):
            raise NotFound("token", token_id)
        uow.auth.revoke(token_id, now)
        _event(uow, now, row.user_id, "token.revoked", f"{token_id} by {by.id}")
        uow.commit()


def token_user(uow: UnitOfWork, secret: str, now: datetime) -> tuple[User, frozenset[str]] | None:
    with uow.reading():
        row = uow.auth.token_by_digest(digest(secret))
        if row is None or row.revoked_at is not None or row.expires_at <= now:
            return None
        return uow.repo.user(row.user_id), frozenset(row.scopes)
