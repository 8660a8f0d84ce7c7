"""The contract's error shape, `{"error": {"code", "message"}}`, and the status of each error."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any, Protocol

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException

from hifazat.access import redaction
from hifazat.domain.errors import DomainError, InvalidInput, Outcome, Refusal
from hifazat.ledger.keys import KeyFileError
from hifazat.serving import logs
from hifazat.serving.errors import answers_json, error_body


class Fault(Protocol):
    """A database fault as the store names it: what to tell the client and the log."""

    @property
    def kind(self) -> str: ...

    @property
    def message(self) -> str: ...

    @property
    def detail(self) -> str: ...


#: the store's classifier of database errors (None: not a fault, a bug)
FaultOf = Callable[[BaseException], Fault | None]
log = logging.getLogger("hifazat.api")


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None = None
    violations: list[dict[str, str]] | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


#: each kind of error (domain.errors.Outcome) as the contract answers it: the status and the
#: code; None for a refusal, whose code is its first rule's id, which a client acts on
ANSWERS: dict[Outcome, tuple[int, str | None]] = {
    Outcome.REFUSED: (422, None),
    Outcome.INVALID: (422, "INVALID"),
    Outcome.NOT_FOUND: (404, "NOT_FOUND"),
    Outcome.CONFLICT: (409, "CONFLICT"),
    Outcome.FORBIDDEN: (403, "FORBIDDEN"),
    Outcome.UNAUTHENTICATED: (401, "UNAUTHENTICATED"),
}


def status_and_body(error: DomainError) -> tuple[int, dict[str, Any]]:
    status, code = ANSWERS[error.outcome]
    if code is None:
        assert isinstance(error, Refusal)
        # a refusal not already redacted for its reader is shown as to anyone
        violations = [redaction.unknown_reader(v) for v in error.violations]
        first = violations[0]
        return status, error_body(first["rule"], first["message"], violations=violations)
    if isinstance(error, InvalidInput):
        return status, error_body(code, error.message, field=error.field)
    return status, error_body(code, str(error))


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in (
        (401, "Not signed in"),
        (403, "Forbidden"),
        (404, "Unknown"),
        (409, "Conflict"),
        (422, "Refused by a rule, or invalid input"),
        (429, "Too many requests: wait for Retry-After"),
        (503, "The database or the ledger key cannot serve now: try again after Retry-After"),
    )
}


class HtmlError(Protocol):
    """Renders an error that is not the domain's (an HTTP error, a fault) as a page."""

    def __call__(self, request: Request, status: int, message: str) -> Response: ...


class DomainPage(Protocol):
    """Renders the domain's error as a page: the web's own status for its kind, and its words
    in the reader's language (a refusal's rules, redacted as the reader may see them)."""

    def __call__(self, request: Request, error: DomainError) -> Response: ...


def install(app: FastAPI, html: HtmlError | None = None, domain: DomainPage | None = None) -> None:
    """JSON errors under /api; `html` and `domain` render them for pages."""

    def page(request: Request) -> bool:
        return html is not None and not answers_json(request.url.path)

    @app.exception_handler(DomainError)
    def _domain(request: Request, error: DomainError) -> Response:
        if domain is not None and not answers_json(request.url.path):
            return domain(request, error)
        status, body = status_and_body(error)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(body, status_code=status, headers=headers)

    @app.exception_handler(IntegrityError)
    def _collision(_: Request, error: IntegrityError) -> JSONResponse:
        # a write that collided with one made meanwhile (a unique key taken first)
        return JSONResponse(
            error_body("CONFLICT", "the change collided with another made at the same time"),
            status_code=409,
        )

    @app.exception_handler(DataError)
    def _unstorable(_: Request, error: DataError) -> JSONResponse:
        # e.g. a NUL character in a path: input the database refuses to hold
        return JSONResponse(
            error_body("INVALID", "the request holds characters that cannot be stored"),
            status_code=422,
        )

    @app.exception_handler(RequestValidationError)
    def _invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {"loc": (), "msg": "invalid"}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return JSONResponse(
            error_body("INVALID", f"{where}: {first.get('msg')}", field=where), status_code=422
        )

    @app.exception_handler(HTTPException)
    def _http(request: Request, error: HTTPException) -> Response:
        if error.status_code == 400 and not page(request):  # a body that is not JSON at all
            return JSONResponse(
                error_body("INVALID", f"body: {error.detail}", field="body"), status_code=422
            )
        if page(request):
            assert html is not None
            return html(request, error.status_code, str(error.detail))
        headers = getattr(error, "headers", None)
        if error.status_code == 405:  # every method of the path, not only one route's
            headers = {**(headers or {}), "Allow": ", ".join(_methods_of(request))}
        code = {401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD"}.get(
            error.status_code, "ERROR"
        )
        return JSONResponse(
            error_body(code, str(error.detail)), status_code=error.status_code, headers=headers
        )


def _methods_of(request: Request) -> list[str]:
    """The methods the OpenAPI document gives this path (Starlette names one route's only)."""
    methods: set[str] = set()
    path = request.url.path
    for template, operations in request.app.openapi().get("paths", {}).items():
        if re.fullmatch(re.sub(r"\{[^/}]+\}", "[^/]+", template), path):
            methods |= {m.upper() for m in operations}
    return sorted(methods)


def install_faults(
    app: FastAPI, retry_after: int, fault_of: FaultOf, html: HtmlError | None = None
) -> None:
    """Infrastructure faults: 503 UNAVAILABLE (with Retry-After while the database cannot
    serve; `fault_of`, the store's, says which errors are such) and a 500 in the contract's
    shape for a bug. The cause goes to the log — the driver's
    words, never the statement's parameters — and never into the answer: no SQL, no path, no
    stack trace."""

    def answer(
        request: Request, status: int, code: str, message: str, headers: dict[str, str]
    ) -> Response:
        rid = logs.id_of(request.scope)
        headers = {**headers, logs.HEADER: rid} if rid else headers
        if html is not None and not answers_json(request.url.path):
            response = html(request, status, message)
            response.headers.update(headers)
            return response
        return JSONResponse(error_body(code, message), status_code=status, headers=headers)

    def database(request: Request, error: Exception) -> Response:
        fault = fault_of(error)
        where = f"{request.method} {logs.route_of(request.scope)}"
        if fault is None:
            log.error("database error on %s", where, exc_info=error)
            return answer(request, 500, "INTERNAL", INTERNAL, {})
        log.warning("database %s on %s: %s", fault.kind, where, fault.detail)
        return answer(request, 503, "UNAVAILABLE", fault.message, {"Retry-After": str(retry_after)})

    def key(request: Request, error: Exception) -> Response:
        where = f"{request.method} {logs.route_of(request.scope)}"
        log.error("ledger key unusable on %s: %s", where, error)
        return answer(request, 503, "UNAVAILABLE", KEY_UNUSABLE, {})

    def bug(request: Request, error: Exception) -> Response:
        # answered outside the request's context, so its id is given to the line by hand;
        # Starlette re-raises the error after this answer, and the server logs it once more
        log.error(
            "unhandled error on %s %s",
            request.method,
            logs.route_of(request.scope),
            exc_info=error,
            extra={"request_id": logs.id_of(request.scope) or "-"},
        )
        return answer(request, 500, "INTERNAL", INTERNAL, {})

    app.add_exception_handler(DBAPIError, database)
    app.add_exception_handler(PoolTimeout, database)
    app.add_exception_handler(KeyFileError, key)
    app.add_exception_handler(Exception, bug)


INTERNAL = "an internal error stopped this request; it has been logged"
KEY_UNUSABLE = (
    "the ledger signing key is missing or unusable, so nothing can be signed or verified; "
    "an administrator must restore it (see /api/v1/ready)"
)
