"""What every route depends on: the registry, the signed-in user, and idempotency."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyCookie, APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from hifazat.access.guard import Forbidden
from hifazat.access.permissions import scope_needed
from hifazat.api.errors import status_and_body
from hifazat.domain.errors import DomainError, Refusal
from hifazat.domain.users import User
from hifazat.services import auth, guarded
from hifazat.services.unit_of_work import KeptAnswer
from hifazat.serving.requests import SESSION_COOKIE, UNSAFE, Reg, Registry

CSRF_HEADER = "X-CSRF-Token"

# The credentials as the OpenAPI document names them (components.securitySchemes). None of them
# refuses a request itself (auto_error=False): `principal` decides, as it always has.
BEARER = HTTPBearer(
    scheme_name="BearerToken",
    description="An API token (POST /api/v1/auth/tokens), sent as `Authorization: Bearer …`.",
    auto_error=False,
)
SESSION = APIKeyCookie(
    name=SESSION_COOKIE,
    scheme_name="SessionCookie",
    description="The session cookie that POST /api/v1/auth/login sets.",
    auto_error=False,
)
CSRF = APIKeyHeader(
    name=CSRF_HEADER,
    scheme_name="CsrfHeader",
    description=(
        "The session's `csrf_token` (from the login answer): a session's POST and DELETE "
        "must carry it with the cookie."
    ),
    auto_error=False,
)


@dataclass(frozen=True)
class Principal:
    user: User
    via: str  # token | session
    scopes: frozenset[str]
    session_secret: str | None = None

    def need(self, action: str) -> User:
        """The user, if the credential's scope covers the action."""
        wanted = scope_needed(action)
        held = set(self.scopes)
        held |= {"read"} if "write" in held else set()  # a writer reads what it writes
        held |= {"metrics"} if "admin" in held else set()  # an admin's token sees the gauges
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


def principal(
    request: Request,
    reg: Reg,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
    secret: Annotated[str | None, Depends(SESSION)],
    csrf_sent: Annotated[str | None, Depends(CSRF)],
) -> Principal:
    """The signed-in caller: a bearer token, else the session cookie (with its CSRF header on
    unsafe methods). The header is read as it always was (any `Bearer ` prefix, the token
    stripped), which HTTPBearer's parsing is not; BEARER only names the scheme."""
    now = reg.clock()
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        found = auth.token_user(reg.uow(), header[7:].strip(), now)
        if found is None:
            raise auth.AuthFailed("the token is unknown, expired or revoked")
        return Principal(found[0], "token", found[1])
    if secret:
        session = auth.session_user(reg.uow(), secret, now)
        if session is None:
            raise auth.AuthFailed("the session has ended; sign in again")
        user, csrf = session
        if request.method in UNSAFE and csrf_sent != csrf:
            raise Forbidden(f"a signed-in form or request must carry the {CSRF_HEADER} header")
        return Principal(user, "session", frozenset(auth.SCOPES), secret)  # a session may all
    raise auth.AuthFailed("sign in, or send a bearer token")


def idempotency_key(
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            description=(
                "Any string unique to this request, e.g. a UUID: a retry with the same key gets "
                "the first response (with `Idempotent-Replayed: true`) and stores nothing twice; "
                "the same key with a different request is refused (422 IDEMPOTENCY_KEY_REUSED)."
            ),
        ),
    ] = None,
) -> str | None:
    """Declares the header in the document; `idempotent` reads it from the request."""
    return key


#: the dependency of every route that runs through `idempotent`
IDEMPOTENT = Depends(idempotency_key)


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
    stored twice; the same key with a different request is refused. The claim, the work and
    the kept response are the request's one transaction, so a crash leaves none of them, and a
    concurrent retry waits on the claim until the first has committed, then replays it."""
    key = request.headers.get("Idempotency-Key")
    if not key:
        return _respond(run, reg, user)
    key_digest = _digest(user.id, key)
    request_digest = _digest(
        request.method, request.url.path, json.dumps(payload, sort_keys=True, default=str)
    )
    with reg.uow() as uow:
        earlier = uow.idempotency.claim(key_digest, user.id, request_digest, reg.clock())
        uow.commit()
    if earlier is not None:
        return _replay(earlier, request_digest)
    response = _respond(run, reg, user)
    with reg.uow() as uow:
        uow.idempotency.complete(key_digest, response.status_code, json.loads(bytes(response.body)))
        uow.commit()
    return response


def _replay(earlier: KeptAnswer, request_digest: str) -> JSONResponse:
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
    return JSONResponse(
        earlier.body, status_code=earlier.status, headers={"Idempotent-Replayed": "true"}
    )


def _respond(run: Callable[[], tuple[int, Any]], reg: Registry, user: User) -> JSONResponse:
    try:
        status, body = run()
    except Refusal as refusal:  # the rules' messages, as this user may read them
        status, body = status_and_body(guarded.refusal_for(reg.uow(), user, refusal))
    except DomainError as error:
        status, body = status_and_body(error)
    return JSONResponse(body, status_code=status)


Who = Annotated[Principal, Depends(principal)]
__all__ = [
    "IDEMPOTENT",
    "SESSION_COOKIE",
    "Principal",
    "Reg",
    "Registry",
    "Who",
    "idempotent",
    "principal",
]
