"""The OpenAPI document as a generated client needs it (issue 21): valid, with stable operation
ids, its credentials and idempotency keys declared, only the errors each operation can answer,
and equal to the committed copy, so that a change to the API is a deliberate one. Read from the
app itself, so it needs no database."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy
from fastapi import FastAPI
from fastapi.routing import APIRoute
from openapi_spec_validator import validate

from hifazat.api.contract import text
from hifazat.bootstrap.app import create_app
from hifazat.settings import ServerSettings

COPY = Path(__file__).parents[3] / "docs" / "openapi-v1.json"
PUBLIC = {
    "meta_health",
    "meta_ready",
    "reports_transparency",
    "ledger_public_key",
    "ledger_log_checkpoint",
    "ledger_log_tile",
    "auth_login",
}
ERROR = {"$ref": "#/components/schemas/ErrorResponse"}


@cache
def _app() -> FastAPI:
    engine = sqlalchemy.create_engine("sqlite://")
    return create_app(ServerSettings(database_url="sqlite://"), engine=engine, periodic=False)


def _document() -> dict[str, Any]:
    return _app().openapi()


def _operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in _document()["paths"].items():
        for method, operation in operations.items():
            yield method, path, operation


def _by_id() -> dict[str, dict[str, Any]]:
    return {op["operationId"]: op for _, _, op in _operations()}


def test_the_document_is_valid_openapi() -> None:
    validate(_document())


def test_operation_ids_are_readable_and_unique() -> None:
    ids = [op["operationId"] for _, _, op in _operations()]
    assert len(ids) == len(set(ids)) >= 40
    bad = [
        i for i in ids if not re.fullmatch(r"[a-z]+(_[a-z]+)*", i) or i.endswith(("_get", "_post"))
    ]
    assert bad == []
    for wanted in ("protectees_list", "protectees_status", "decisions_propose", "appeals_rule"):
        assert wanted in ids


def test_every_operation_has_a_tag() -> None:
    assert all(len(op.get("tags", [])) == 1 for _, _, op in _operations())


def test_security_schemes_are_the_credentials_principal_reads() -> None:
    schemes = _document()["components"]["securitySchemes"]
    assert schemes["BearerToken"] == {**schemes["BearerToken"], "type": "http", "scheme": "bearer"}
    assert (schemes["SessionCookie"]["in"], schemes["SessionCookie"]["name"]) == (
        "cookie",
        "hifazat_session",
    )
    assert (schemes["CsrfHeader"]["in"], schemes["CsrfHeader"]["name"]) == (
        "header",
        "X-CSRF-Token",
    )


def test_every_operation_but_the_public_ones_needs_a_sign_in() -> None:
    for method, path, operation in _operations():
        security = operation.get("security")
        if operation["operationId"] in PUBLIC:
            assert not security, (method, path)
            continue
        session: dict[str, list[str]] = (
            {"SessionCookie": [], "CsrfHeader": []} if method != "get" else {"SessionCookie": []}
        )
        assert security == [{"BearerToken": []}, session], (method, path)


def _routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from _routes(included.routes)


def test_every_route_that_runs_idempotent_declares_its_key() -> None:
    ids = _by_id()
    idempotent = [
        r
        for r in _routes(_app().routes)
        if r.include_in_schema and "idempotent(" in inspect.getsource(r.endpoint)
    ]
    assert len(idempotent) >= 10
    for route in idempotent:
        assert route.operation_id is not None
        headers = _headers(ids[route.operation_id])
        assert headers["Idempotency-Key"]["required"] is False
        assert headers["Idempotency-Key"]["description"]
    others = {op for op in ids if op not in {r.operation_id for r in idempotent}}
    for op in others:
        assert "Idempotency-Key" not in _headers(ids[op]), op


def _headers(operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}


def test_a_sessions_csrf_header_is_a_parameter_of_every_signed_in_write() -> None:
    """So a generated client takes it as an argument (the scheme alone it ignores)."""
    for method, path, operation in _operations():
        csrf = _headers(operation).get("X-CSRF-Token")
        if method == "get" or operation["operationId"] in PUBLIC:
            assert csrf is None, (method, path)
        else:
            assert csrf is not None and csrf["required"] is False, (method, path)


def test_what_a_monitor_polls_answers_with_an_etag() -> None:
    polled = {"protectees_status", "audits_fairness", "audits_capacity", "audits_cost"}
    polled.add("audits_retaliation")
    polled.add("reports_transparency")
    for operation_id, operation in _by_id().items():
        conditional = "If-None-Match" in _headers(operation)
        assert conditional == (operation_id in polled), operation_id
        if conditional:
            responses = operation["responses"]
            assert "ETag" in responses["200"]["headers"]
            assert "304" not in responses  # untyped in a generated client: api/conditional.py
            assert "304 Not Modified" in _headers(operation)["If-None-Match"]["description"]


def test_every_list_pages_alike() -> None:
    """One style for every list: `limit` (1 to 500, 50 unless given) and `offset`, and an
    answer of items, total, limit and offset."""
    schemas = _document()["components"]["schemas"]
    lists = 0
    for _method, path, operation in _operations():
        ref = operation["responses"].get("200", {}).get("content", {})
        ref = ref.get("application/json", {}).get("schema", {}).get("$ref", "")
        query = {
            p["name"]: p["schema"] for p in operation.get("parameters", []) if p["in"] == "query"
        }
        if not ref.endswith("Page"):
            assert "limit" not in query and "offset" not in query, path
            continue
        lists += 1
        assert set(schemas[ref.rsplit("/", 1)[1]]["required"]) == {
            "items",
            "total",
            "limit",
            "offset",
        }
        assert query["limit"] == {
            "type": "integer",
            "maximum": 500,
            "minimum": 1,
            "default": 50,
            "title": "Limit",
        }, path
        assert query["offset"]["minimum"] == 0 and query["offset"]["default"] == 0, path
    assert lists >= 10


def _errors(operation_id: str) -> set[int]:
    responses = _by_id()[operation_id]["responses"]
    return {int(code) for code in responses if code[0] in "45"}


def test_each_operation_lists_only_the_errors_it_can_answer() -> None:
    assert _errors("reports_transparency") == {422, 429, 503}  # public: no 401/403/404/409
    assert _errors("ledger_public_key") == {429, 503}
    assert _errors("meta_health") == {429}
    assert _errors("auth_login") == {401, 422, 429, 503}
    assert _errors("protectees_list") == {401, 403, 422, 503}  # no path id: no 404
    assert _errors("protectees_status") == {401, 403, 404, 422, 503}
    assert _errors("decisions_approve") == {401, 403, 404, 409, 422, 503}
    assert _errors("ledger_checkpoint_make") == {401, 403, 409, 503}
    # one's own credentials: nothing named to be unknown, no unique key to collide on
    assert _errors("auth_logout") == {401, 403, 503}
    assert _errors("auth_password_change") == {401, 403, 422, 503}
    assert _errors("auth_token_create") == {401, 403, 422, 503}
    assert _errors("auth_token_revoke") == {401, 403, 404, 422, 503}
    assert _errors("decisions_propose") == {401, 403, 404, 409, 422, 503}
    for method, path, operation in _operations():
        codes = {int(c) for c in operation["responses"] if c[0] in "45"}
        if method == "get":
            assert 409 not in codes, path
        if "{" not in path and "requestBody" not in operation:
            # only "no checkpoint yet" is a 404 of a path without a record in it
            latest = {"ledger_checkpoint_latest", "ledger_log_checkpoint"}
            assert 404 not in codes or operation["operationId"] in latest


def test_every_error_has_the_error_schema() -> None:
    components = _document()["components"]["schemas"]
    assert set(components["ErrorResponse"]["properties"]) == {"error"}
    assert {"code", "message"} <= set(components["ErrorBody"]["properties"])
    for method, path, operation in _operations():
        for code, response in operation["responses"].items():
            if code[0] in "45":
                schema = response["content"]["application/json"]["schema"]
                assert schema == ERROR, (method, path, code)
    assert "HTTPValidationError" not in components


def test_the_committed_copy_is_the_served_document() -> None:
    """Fails on any change to a route or a schema until `make openapi` rewrites
    docs/openapi-v1.json (and the API section of CHANGELOG.md says what changed)."""
    served = text(_document())
    assert COPY.read_text(encoding="utf-8") == served, "run `make openapi`"
    assert _app().openapi_url == "/api/openapi.json"
    assert all(path.startswith("/api/v1/") for path in _document()["paths"])
