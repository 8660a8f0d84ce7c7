"""One rule per field, whichever way the value comes in: the scenario import, the command line,
the HTTP API and the web form refuse the same values, by the same limit and the same message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import Api, write_scenario
from tests.integration.test_cli_fuzz import BASE, REASON

PASSWORD = "correct horse battery staple"
OVERRIDE = "Leader of the \u202eytrap\u202c in the Sindh Assembly"
TOO_LONG = "A reason that runs on. " * 200  # 4,600 characters
NEWLINE_AGENCY = "Special Branch\nfiled by: ptac-chair"
REASON_TEXT = "Federal minister: the office entitles federal protection"


def _imported(api: Api, tmp_path: Path, text: str) -> str:
    path = write_scenario(tmp_path, text)
    result = api.reg.cli("import", str(path))
    assert result.exit_code == 2, result.output
    return str(result.stderr)


def _api_message(response: object) -> str:
    status = getattr(response, "status_code", None)
    assert status == 422, (status, getattr(response, "text", ""))
    return str(response.json()["error"]["message"])  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("reason", "rule"),
    [(OVERRIDE, "U+202E is a bidirectional control"), (TOO_LONG, "4,000 characters")],
)
def test_a_reason_is_refused_alike_everywhere(
    api: Api, tmp_path: Path, reason: str, rule: str
) -> None:
    api.set_password("ssu-operator", PASSWORD)
    api.client.post("/login", data={"user": "ssu-operator", "password": PASSWORD, "next": "/"})
    before = api.reg.dump()
    assert rule in _imported(api, tmp_path, BASE.replace(REASON, f'reason: "{reason}"'))

    cli = api.reg.cli(
        "decide", "withdraw", "--protectee", "farooq-sattar", "--provider", "sindh-police",
        "--by", "ssu-operator", "--reason-code", "court-order", "--reason", reason,
    )  # fmt: skip
    assert cli.exit_code == 2 and cli.stderr.count("\n") == 1, cli.output
    assert cli.stderr.startswith("error: reason: ") and rule in cli.stderr

    body = {
        "action": "withdraw",
        "protectee": "farooq-sattar",
        "provider": "sindh-police",
        "reason_code": "court-order",
        "reason": reason,
    }
    message = _api_message(api.call("POST", "/api/v1/decisions", "operator", json=body))
    assert "reason" in message and rule in message

    token = re.search(r'name="csrf_token" value="([^"]+)"', api.client.get("/decide").text)
    assert token is not None
    page = api.client.post("/decide", data={**body, "csrf_token": token.group(1)})
    assert page.status_code == 422 and rule in page.text
    assert api.reg.dump() == before


def test_a_user_id_is_refused_alike_everywhere(api: Api, tmp_path: Path) -> None:
    before = api.reg.dump()
    users = "  - {id: ssu-operator,"
    text = BASE.replace(users, "  - {id: ssu/operator, name: X, roles: []}\n" + users)
    assert "users[0].id: 'ssu/operator' is not an id" in _imported(api, tmp_path, text)

    cli = api.reg.cli("users", "add", "bad/id", "--name", "Bad", "--by", "registrar")
    assert cli.exit_code == 2, cli.output
    assert cli.stderr.startswith("error: id: 'bad/id' is not an id: 1 to 64 of A–Z")
    assert cli.stderr.count("\n") == 1

    response = api.call("POST", "/api/v1/users", "admin", json={"id": "bad/id", "name": "Bad"})
    assert "id" in _api_message(response)
    assert api.reg.dump() == before


def test_a_one_line_field_is_refused_alike_everywhere(api: Api, tmp_path: Path) -> None:
    """An agency (a name) holds one line: a line break in it could forge a line of output."""
    before = api.reg.dump()
    text = BASE + (
        "threat_assessments:\n"
        '  - {protectee: farooq-sattar, level: low, agency: "Special Branch\\nfiled by: x",\n'
        '     assessed_at: "2024-03-01T00:00:00+05:00", valid_until: "2025-03-01T00:00:00+05:00",\n'
        "     summary: Routine, entered_by: ssu-operator}\n"
    )
    assert "agency: a line break or tab is not allowed" in _imported(api, tmp_path, text)

    cli = api.reg.cli(
        "threat", "add", "--protectee", "farooq-sattar", "--level", "low", "--agency",
        NEWLINE_AGENCY, "--valid-until", "2026-06-01T00:00:00+05:00", "--summary", "Routine",
        "--by", "special-branch",
    )  # fmt: skip
    assert cli.exit_code == 2, cli.output
    assert cli.stderr.startswith("error: agency: a line break or tab is not allowed")

    body = {
        "protectee": "farooq-sattar",
        "level": "low",
        "agency": NEWLINE_AGENCY,
        "valid_until": "2026-06-01T00:00:00+05:00",
        "summary": "Routine",
    }
    response = api.call("POST", "/api/v1/threat-assessments", "intelligence", json=body)
    assert "a line break or tab is not allowed" in _api_message(response)
    assert api.reg.dump() == before


def test_a_grant_without_a_basis_is_positional_whichever_way_it_comes(api: Api) -> None:
    """The default lives in the domain (decision.basis_for): the API once refused the grant
    the command line and the web accepted."""
    from datetime import timedelta

    from hifazat.services import auth

    grant = {"action": "grant", "provider": "moi-federal", "category": "standard",
             "reason_code": "office-entitlement", "reason": REASON_TEXT}  # fmt: skip
    cli = api.reg.cli(
        "decide", "grant", "--protectee", "farooq-sattar", "--provider", "moi-federal",
        "--category", "standard", "--by", "moi-operator", "--reason-code", "office-entitlement",
        "--reason", REASON_TEXT, "--json",
    )  # fmt: skip
    assert cli.exit_code == 0, cli.output
    token = auth.create_token(
        api.reg.uow(), "moi-operator", ["read", "write"], timedelta(days=1), api.reg.clock()
    ).secret
    answer = api.client.post(
        "/api/v1/decisions",
        json={**grant, "protectee": "anis-kaimkhani"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 201, answer.text
    with api.reg.uow() as uow:
        made = [
            d
            for pid in ("farooq-sattar", "anis-kaimkhani")
            for d in uow.repo.decisions(pid, "moi-federal")
            if d.action.value == "grant"
        ]
    assert [d.basis.value if d.basis else None for d in made] == ["positional", "positional"]
