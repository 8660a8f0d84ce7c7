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


def errors_of(method: str, operation: Document) -> set[int]:
    """The errors an operation can answer, from its route: a record named by the path, or by
    a signed-in body, can be unknown (404); a signed-in operation can lack or exceed its
    credentials (401, 403), and a signed-in write can collide (409); a public one is
    rate-limited by address (429); input can be invalid or a rule can refuse it (422); the
    database or the ledger key can be unavailable (503). Codes a route declares itself
    (login's 401, the latest checkpoint's 404) are kept."""
    parameters = [p for p in operation.get("parameters", []) if p.get("in") != "header"]
    signed_in = bool(operation.get("security"))
    codes = {int(code) for code in operation.get("responses", {}) if code[0] in "45"}
    codes.discard(422)  # FastAPI's, for any route with input; put back below if so
    if any(p.get("in") == "path" for p in parameters):
        codes.add(404)
    if signed_in and "requestBody" in operation:
        codes.add(404)
    codes |= {401, 403} if signed_in else {429}
    if signed_in and method in UNSAFE:
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
