"""Finding 12.5's class: every operation of the OpenAPI document, each of its instant and
integer parameters (query, path and body) given extreme values — years 1 and 9999 with
offsets, epoch numbers, integers past every bound — never answers 5xx, and refuses what it
refuses with 422 naming the field. The operations and fields come from the document."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api

INSTANTS = [
    "0001-01-01T00:00:00+05:00",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "1899-12-31T23:59:59Z",
    "2200-01-01T00:00:00Z",
    0.5,
    12345,
    "0.5",
    "2026-01-27T10:00:00",  # no offset
]
INTEGERS = [-(2**63), -1, 0, 2**31, 2**63, 10**26, "99999999999999999999999999"]


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _kind(document: dict[str, Any], schema: dict[str, Any]) -> str | None:
    schema = _resolve(document, schema)
    for option in schema.get("anyOf", [schema]):
        option = _resolve(document, option)
        if option.get("format") == "date-time":
            return "instant"
        if option.get("type") == "integer":
            return "integer"
    return None


def _example(document: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A plausible value, so that the one field under test is what the server judges."""
    schema = _resolve(document, schema)
    if "default" in schema:
        return schema["default"]
    kind = _kind(document, schema)
    if kind == "instant":
        return "2026-06-01T09:00:00+05:00"
    if kind == "integer":
        return schema.get("minimum", 1)
    if "enum" in schema:
        return schema["enum"][0]
    if schema.get("type") == "boolean":
        return False
    if schema.get("type") == "array":
        return []
    for option in schema.get("anyOf", []):
        if _resolve(document, option).get("type") != "null":
            return _example(document, option)
    return "a reason long enough to pass the rules, written out"


def _cases(document: dict[str, Any]) -> list[tuple[str, str, str, str, dict[str, Any]]]:
    """(method, path, where, name, schema) for every instant or integer the document has."""
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if _kind(document, parameter.get("schema", {})):
                    found.append((method, path, parameter["in"], parameter["name"], parameter))
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            if body:
                for name, field in _resolve(document, body).get("properties", {}).items():
                    if _kind(document, field):
                        found.append((method, path, "body", name, field))
    return found


def _body(document: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any] | None:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    if not schema:
        return None
    schema = _resolve(document, schema)
    required = set(schema.get("required", []))
    return {
        name: _example(document, field)
        for name, field in schema.get("properties", {}).items()
        if name in required
    }


def test_extreme_instants_and_integers_never_give_a_5xx(api: Api) -> None:
    document = api.client.get("/api/openapi.json").json()
    cases = _cases(document)
    assert len(cases) >= 15  # the document's instants and integers, found
    failures = []
    for method, path, where, name, spec in cases:
        operation = document["paths"][path][method]
        schema = spec.get("schema", spec)
        values = INSTANTS if _kind(document, schema) == "instant" else INTEGERS
        for value in values:
            concrete = path.replace("{pid}", "farooq-sattar").replace("{decision_id}", "d-006")
            for other in ("{provider_id}", "{appeal_id}", "{report_id}", "{notice_id}"):
                concrete = concrete.replace(other, "x-1")
            concrete = concrete.replace("{user_id}", "ssu-chief").replace("{token_id}", "tk-1")
            params: dict[str, Any] = {}
            body = _body(document, operation)
            if where == "query":
                params[name] = value
            elif where == "path":
                concrete = path.replace("{" + name + "}", str(value))
            else:
                body = {**(body or {}), name: value}
            response = api.call(method.upper(), concrete, "admin", params=params, json=body)
            if response.status_code >= 500:
                failures.append(f"{method} {concrete} {name}={value!r}: {response.status_code}")
            elif response.status_code == 422 and response.json()["error"].get("code") == "INVALID":
                field = response.json()["error"].get("field") or ""
                if (name not in field and where != "body") or field == "":
                    failures.append(f"{method} {concrete} {name}={value!r}: 422 names {field!r}")
    assert failures == []


CLI_CASES = [
    (["status", "farooq-sattar", "--at", "0001-01-01T00:00:00+05:00"], "--at"),
    (["status", "farooq-sattar", "--at", "9999-12-31T23:59:59-12:00"], "--at"),
    (["reviews", "due", "--within", "99999999999d"], "--within"),
    (
        [
            "decide",
            "withdraw",
            "--protectee",
            "farooq-sattar",
            "--provider",
            "sindh-police",
            "--by",
            "ssu-operator",
            "--reason-code",
            "court-order",
            "--reason",
            "A court ordered a security review of the cover",
            "--effective",
            "9999-12-31T23:59:59-12:00",
        ],
        "--effective",
    ),
]


def test_extreme_instants_and_durations_on_the_command_line(api: Api) -> None:
    before = api.reg.dump()
    for args, option in CLI_CASES:
        result = api.reg.cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        assert option in result.stderr and "Traceback" not in result.output, result.stderr
    assert api.reg.dump() == before


def test_extreme_instants_on_the_pages(api: Api) -> None:
    from tests.integration.test_web_pages import _signed_in

    _signed_in(api, "auditor")
    for at in ("0001-01-01T00:00", "9999-12-31T23:59", "2026-13-45T99:99"):
        page = api.client.get(f"/protectees/farooq-sattar?at={at}")
        assert page.status_code == 422, (at, page.status_code)
        assert "text/html" in page.headers["content-type"]
