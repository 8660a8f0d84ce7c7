"""Property-based API testing from the OpenAPI document: no 5xx, and every response conforms to
the schema and status codes it documents. Bounded examples per operation, as an admin and as a
protectee (whose requests are mostly denied, which must be documented too)."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import Api

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


def test_api_conforms_to_its_openapi_document(api: Api) -> None:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", api.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 30
    for operation in operations:
        for role in ("admin", "protectee"):
            _exercise(operation, {"Authorization": f"Bearer {api.tokens[role]}"})


def _exercise(operation: Any, auth: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        case.call_and_validate(headers=auth, checks=CHECKS)

    check()
