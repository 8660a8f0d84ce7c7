"""What every route depends on: the registry, the signed-in user, and idempotency."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, Engine

from hifazat.access.guard import Forbidden
from hifazat.access.permissions import scope_needed
from hifazat.api.errors import status_and_body
from hifazat.domain.errors import DomainError, Refusal
from hifazat.domain.times import Clock
from hifazat.domain.users import User
from hifazat.ledger.keys import load_signer
from hifazat.ledger.note import Signer
from hifazat.services import auth, secure
from hifazat.settings import ServerSettings
from hifazat.store import idempotency_store
from hifazat.store.uow import Superseded, UnitOfWork, holding_commits

SESSION_COOKIE = "hifazat_session"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class Registry:
    engine: Engine
    clock: Clock
    settings: ServerSettings

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    def signer(self) -> Signer:
        return load_signer(self.settings.key_path())


def registry(request: Request) -> Registry:
    reg = request.app.state.registry
    assert isinstance(reg, Registry)
    return reg


@dataclass(frozen=True)
class Principal:
    user: User
    via: str  # token | session
    scopes: frozenset[str]
    session_secret: str | None = None

    def need(self, action: str) -> User:
        """The user, if the credential's scope covers the action."""
        wanted = scope_needed(action)
        held = self.scopes | ({"read"} if "write" in self.scopes else set())
        if wanted not in held:
            raise Forbidden(
                f"this token's scopes ({', '.join(sorted(self.scopes))}) do not "
                f"allow {action.replace('.', ' ')}"
            )
        return self.user

    def need_session(self, action: str) -> User:
        """The user, if this is a signed-in session: a bearer token never changes credentials
        or mints tokens, so a leaked token cannot become the account."""
        user = self.need(action)
        if self.via != "session":
            raise Forbidden(
                f"{action.replace('.', ' ')} needs a signed-in session; a token cannot do it"
            )
        return user


def principal(request: Request, reg: Annotated[Registry, Depends(registry)]) -> Principal:
    now = reg.clock()
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        found = auth.token_user(reg.uow(), header[7:].strip(), now)
        if found is None:
            raise auth.AuthFailed("the token is unknown, expired or revoked")
        return Principal(found[0], "token", found[1])
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        session = auth.session_user(reg.uow(), secret, now)
        if session is None:
            raise auth.AuthFailed("the session has ended; sign in again")
        user, csrf = session
        if request.method in UNSAFE and request.headers.get(CSRF_HEADER) != csrf:
            raise Forbidden(f"a signed-in form or request must carry the {CSRF_HEADER} header")
        return Principal(user, "session", frozenset({"read", "write", "admin"}), secret)
    raise auth.AuthFailed("sign in, or send a bearer token")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def idempotent(
    request: Request,
    reg: Registry,
    user: User,
    payload: Any,
    run: Callable[[], tuple[int, Any]],
) -> JSONResponse:
    """Runs a POST once per Idempotency-Key: a retry gets the first response, and nothing is
    stored twice; the same key with a different request is refused. The work and the kept
    response commit in one transaction, so a crash leaves both or neither; a claim left by a
    request that died is taken over once its lease has passed."""
    key = request.headers.get("Idempotency-Key")
    if not key:
        return _respond(run, reg, user)
    key_digest = _digest(user.id, key)
    request_digest = _digest(
        request.method, request.url.path, json.dumps(payload, sort_keys=True, default=str)
    )
    now: datetime = reg.clock()
    lease = timedelta(seconds=reg.settings.idempotency_lease_seconds)
    with reg.engine.begin() as c:
        mine, earlier = idempotency_store.claim(c, key_digest, user.id, request_digest, now, lease)
    if earlier is not None:
        return _replay(earlier, request_digest, lease)
    assert mine is not None
    with holding_commits() as held:
        try:
            response = _respond(run, reg, user)
        except BaseException:
            held.abandon()
            with reg.engine.begin() as c:
                idempotency_store.release(c, key_digest, mine)
            raise
        body = json.loads(bytes(response.body))

        def keep(c: Connection) -> bool:
            return idempotency_store.complete(c, key_digest, mine, response.status_code, body)

        try:
            if not held.finish(keep):  # nothing was written: keep the answer on its own
                with reg.engine.begin() as c:
                    keep(c)
        except Superseded:
            return _still_running(lease)
    return response


def _replay(
    earlier: idempotency_store.Earlier, request_digest: str, lease: timedelta
) -> JSONResponse:
    if earlier.request_sha256 != request_digest:
        return JSONResponse(
            {
                "error": {
                    "code": "IDEMPOTENCY_KEY_REUSED",
                    "message": "this Idempotency-Key was used for a different request",
                }
            },
            status_code=422,
        )
    if earlier.status == idempotency_store.IN_PROGRESS:
        return _still_running(lease)
    return JSONResponse(
        earlier.body, status_code=earlier.status, headers={"Idempotent-Replayed": "true"}
    )


def _still_running(lease: timedelta) -> JSONResponse:
    seconds = int(lease.total_seconds())
    return JSONResponse(
        {
            "error": {
                "code": "CONFLICT",
                "message": "a request with this Idempotency-Key is still running; retry after "
                f"{seconds} s at most",
            }
        },
        status_code=409,
        headers={"Retry-After": str(seconds)},
    )


def _respond(run: Callable[[], tuple[int, Any]], reg: Registry, user: User) -> JSONResponse:
    try:
        status, body = run()
    except Refusal as refusal:  # the rules' messages, as this user may read them
        status, body = status_and_body(secure.refusal_for(reg.uow(), user, refusal))
    except DomainError as error:
        status, body = status_and_body(error)
    return JSONResponse(body, status_code=status)


Reg = Annotated[Registry, Depends(registry)]
Who = Annotated[Principal, Depends(principal)]
