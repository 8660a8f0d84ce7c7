"""The OpenAPI document as a generated client needs it: the credentials each operation takes,
and only the errors it can answer, each with the error schema.

FastAPI writes the document from the routes; this refines what it cannot say from them: a
session needs its CSRF header on unsafe methods (a requirement of two schemes together, where
FastAPI lists each scheme as an alternative), and which errors an operation can answer, derived
from the route itself (see `errors_of`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from hifazat.api.deps import BEARER, CSRF, SESSION
from hifazat.api.errors import ERRORS, ErrorResponse

Document = dict[str, Any]
UNSAFE = frozenset({"post", "put", "patch", "delete"})
BEARER_NAME, SESSION_NAME, CSRF_NAME = BEARER.scheme_name, SESSION.scheme_name, CSRF.scheme_name
ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorResponse"}
#: operations that ask nothing of the database, so cannot answer 503
NO_DATABASE = frozenset({"meta_health"})
#: signed-in writes whose body names a record, which may be unknown (404)
BODY_NAMES_A_RECORD = frozenset(
    {
        "assessments_add",
        "decisions_propose",
        "reviews_record",
        "appeals_lodge",
        "ground_reports_file",
        "users_add",
    }
)
#: signed-in writes that change only a caller's own credentials, which no unique key guards,
#: so cannot collide with a change made meanwhile (409)
CANNOT_COLLIDE = frozenset(
    {
        "auth_logout",
        "auth_password_change",
        "auth_token_create",
        "auth_token_revoke",
        "users_password_set",
    }
)
#: the header a session's unsafe request echoes its CSRF token in, as a parameter a generated
#: client takes (the CsrfHeader scheme says it is required; this says how to send it)
CSRF_PARAMETER: Document = {
    "name": CSRF.model.name,
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": (
        "With the session cookie: the `csrf_token` the sign-in answered. Not needed with a "
        "bearer token."
    ),
}
ETAG_HEADER: Document = {
    "description": "A tag of this answer, to send back in If-None-Match",
    "schema": {"type": "string"},
}


def install(app: FastAPI) -> None:
    """Serves the refined document at the app's openapi_url (made once, then kept)."""
    plain: Callable[[], Document] = app.openapi

    def openapi() -> Document:
        if app.openapi_schema is None:
            refine(plain())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def refine(document: Document) -> None:
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    error = ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(error.pop("$defs", {}))
    schemas["ErrorResponse"] = error
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            _credentials(method, operation)
            _conditional(operation)
            _errors(method, operation)
    for unused in ("HTTPValidationError", "ValidationError"):  # FastAPI's 422, never sent
        schemas.pop(unused, None)


def _credentials(method: str, operation: Document) -> None:
    """A token, or a session; a session's unsafe request also carries the CSRF header."""
    named = {name for requirement in operation.get("security", []) for name in requirement}
    if not named:
        return
    session: dict[str, list[str]] = (
        {SESSION_NAME: [], CSRF_NAME: []} if method in UNSAFE else {SESSION_NAME: []}
    )
    operation["security"] = [{BEARER_NAME: []}, session]
    if method in UNSAFE:
        operation.setdefault("parameters", []).append(dict(CSRF_PARAMETER))


def _conditional(operation: Document) -> None:
    """An operation that honours If-None-Match answers with an ETag (its 304 is not listed:
    see api/conditional.py)."""
    if any(p.get("name") == "If-None-Match" for p in operation.get("parameters", [])):
        operation["responses"]["200"].setdefault("headers", {})["ETag"] = dict(ETAG_HEADER)


def errors_of(method: str, operation: Document) -> set[int]:
    """The errors an operation can answer, from its route: a record named by the path, or by
    a signed-in body that names one, can be unknown (404); a signed-in operation can lack or
    exceed its credentials (401, 403), and a signed-in write other than to one's own
    credentials can collide (409); a public one is rate-limited by address (429); input can be
    invalid or a rule can refuse it (422); the database or the ledger key can be unavailable
    (503). Codes a route declares itself (login's 401, the latest checkpoint's 404) are kept."""
    parameters = [p for p in operation.get("parameters", []) if p.get("in") != "header"]
    signed_in = bool(operation.get("security"))
    name = operation.get("operationId")
    codes = {int(code) for code in operation.get("responses", {}) if code[0] in "45"}
    codes.discard(422)  # FastAPI's, for any route with input; put back below if so
    if any(p.get("in") == "path" for p in parameters) or name in BODY_NAMES_A_RECORD:
        codes.add(404)
    codes |= {401, 403} if signed_in else {429}
    if signed_in and method in UNSAFE and name not in CANNOT_COLLIDE:
        codes.add(409)
    if parameters or "requestBody" in operation:
        codes.add(422)
    if operation.get("operationId") not in NO_DATABASE:
        codes.add(503)
    return codes


def _errors(method: str, operation: Document) -> None:
    responses = operation.setdefault("responses", {})
    codes = errors_of(method, operation)
    for code in [c for c in responses if c[0] in "45" and int(c) not in codes]:
        del responses[code]
    for code in sorted(codes):
        answer = responses.setdefault(str(code), {"description": ERRORS[code]["description"]})
        if code == 422:  # FastAPI's own 422 names a body the app never sends
            answer["description"] = ERRORS[code]["description"]
        answer["content"] = {"application/json": {"schema": ERROR_SCHEMA}}
    operation["responses"] = dict(sorted(responses.items()))


def text(document: Document) -> str:
    """The document as docs/openapi-v1.json keeps it (`make openapi` writes it)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
