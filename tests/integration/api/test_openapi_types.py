"""Typed views (issue 14): every 2xx body the API sends is named in the OpenAPI document by a
schema of its own, and no route takes or returns a loose `dict[str, Any]`. Read from the app
itself, so it needs no database."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
import sqlalchemy
from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import ValidationError

from hifazat.api import schemas
from hifazat.bootstrap.app import create_app
from hifazat.domain.notice import SUBJECTS
from hifazat.domain.policy import PROVIDER_LEVELS, THREAT_LEVELS
from hifazat.settings import ServerSettings

JSON = "application/json"


@cache
def _app() -> FastAPI:
    engine = sqlalchemy.create_engine("sqlite://")
    return create_app(ServerSettings(database_url="sqlite://"), engine=engine, periodic=False)


def _successes() -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for path, operations in _app().openapi()["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith("2"):
                    yield method, path, status, response


def _named(schema: dict[str, Any]) -> bool:
    if schema.get("type") == "array":
        return _named(schema.get("items", {}))
    return str(schema.get("$ref", "")).startswith("#/components/schemas/")


def test_every_success_names_its_schema_or_its_media_type() -> None:
    untyped = set()
    for method, path, status, response in _successes():
        content = response.get("content")
        assert content, f"{method.upper()} {path} {status} declares no content"
        for media, body in content.items():
            if media == JSON:
                if not _named(body.get("schema", {})):
                    untyped.add((method, path))
            else:  # a document that is not JSON says what it is, e.g. text/plain
                assert "/" in media and media != "*/*", (method, path, media)
    assert not untyped, sorted(untyped)


def test_the_document_covers_the_api() -> None:
    operations = {(m, p) for m, p, _, _ in _successes()}
    assert len(operations) >= 40
    assert ("post", "/api/v1/decisions") in operations
    assert ("get", "/api/v1/reports/transparency") in operations


def test_named_schemas_are_closed_objects() -> None:
    """A response model names each of its keys: one the services add without the model fails
    loudly instead of reaching clients undocumented (notices carry their body's keys open)."""
    components = _app().openapi()["components"]["schemas"]
    refs = set()
    for _, _, _, response in _successes():
        schema = response.get("content", {}).get(JSON, {}).get("schema", {})
        schema = schema.get("items", schema)
        if "$ref" in schema:
            refs.add(schema["$ref"].rsplit("/", 1)[1])
    assert refs
    open_ones = {name for name in refs if components[name].get("additionalProperties") is not False}
    assert open_ones == set(), open_ones


def _loose(hint: Any) -> bool:
    """Whether a type is, or holds, a `dict` of anything."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is dict and (not args or args[1] is Any):
        return True
    if hint is dict:
        return True
    return any(_loose(arg) for arg in args if arg is not Ellipsis)


def _routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)  # FastAPI keeps a router included
        if included is not None:
            yield from _routes(included.routes)


def _api_routes() -> list[APIRoute]:
    return [r for r in _routes(_app().routes) if r.endpoint.__module__.startswith("hifazat.api")]


def test_no_route_takes_or_returns_a_loose_dict() -> None:
    routes = _api_routes()
    assert len(routes) >= 40
    loose = []
    for route in routes:
        hints = typing.get_type_hints(route.endpoint, include_extras=True)
        written = inspect.get_annotations(route.endpoint)
        for name, hint in hints.items():
            if _loose(hint) or "dict[str, Any]" in str(written.get(name, "")):
                loose.append(f"{route.path} {route.endpoint.__name__}({name})")
    assert loose == []


def test_the_check_for_loose_dicts_can_fail() -> None:
    def endpoint(body: dict[str, Any]) -> list[dict[str, Any]]:
        return [body]

    hints = typing.get_type_hints(endpoint)
    assert _loose(hints["body"]) and _loose(hints["return"])
    assert not _loose(schemas.UserView) and not _loose(list[schemas.UserView])


def test_enums_are_the_domains() -> None:
    """The schema's enums come from the domain's own tuples, not copies of them."""
    components = _app().openapi()["components"]["schemas"]
    assert components["AssessmentView"]["properties"]["level"]["enum"] == list(THREAT_LEVELS)
    assert components["ProviderView"]["properties"]["level"]["enum"] == list(PROVIDER_LEVELS)
    assert components["NoticeView"]["properties"]["subject"]["enum"] == list(SUBJECTS)


def test_a_view_the_model_does_not_name_is_refused() -> None:
    user: dict[str, object] = {"id": "u", "name": "U", "roles": [], "protectee": None}
    assert schemas.UserView.model_validate(user).wire() == user
    with pytest.raises(ValidationError):
        schemas.UserView.model_validate({**user, "password_hash": "x"})


def test_instants_and_numbers_go_out_as_they_came_in() -> None:
    """The wire is unchanged by the models: instants as utc_text writes them, integers that
    stay integers where a computed number may be either."""
    line = {"subject": "p", "officer_days": 0, "vehicle_days": 2.5, "recoverable": None}
    cost = {
        "from": "2025-01-27T10:00:00Z",
        "to": "2026-01-27T10:00:00.250000Z",
        "now": "2026-01-27T10:00:00Z",
        "officer_day_rate": None,
        "vehicle_day_rate": None,
        "providers": [line],
        "protectees": [],
    }
    wire = schemas.CostView.model_validate(cost).wire()
    assert wire == cost
    assert type(wire["providers"][0]["officer_days"]) is int
    assert (
        schemas.CostView.model_validate(cost)
        .model_dump_json(by_alias=True)
        .startswith('{"from":"2025-01-27T10:00:00Z","to":"2026-01-27T10:00:00.250000Z"')
    )
