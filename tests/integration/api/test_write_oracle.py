"""Finding 12.10 and its class: a write never tells what a read would not. Every write route of
the OpenAPI document that names a record is sent, as every kind of user, at a record that user
may not read and at one that does not exist: both answer 403 — never 404 (it does not exist) or
422 (it exists, but is not yours) — wherever the read answers 403."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from hifazat.services import auth
from tests.conftest import ROLE_USERS, Api

PID = "ali-khorshidi"
R = "A reason that says why, at some length"

#: write route -> (body, given the target's id; the read that shows the same target)
TARGETED: dict[tuple[str, str], tuple[Any, str]] = {
    ("POST", "/api/v1/decisions/{decision_id}/approve"): (
        lambda _: {},
        "/api/v1/decisions/{id}",
    ),
    ("POST", "/api/v1/decisions/{decision_id}/rescind"): (
        lambda _: {"reason": R},
        "/api/v1/decisions/{id}",
    ),
    ("POST", "/api/v1/decisions/{decision_id}/ratify"): (
        lambda _: {"reason": R},
        "/api/v1/decisions/{id}",
    ),
    ("POST", "/api/v1/reviews"): (
        lambda target: {"coverage": target, "outcome": "confirmed", "reason": R},
        "/api/v1/decisions/{id}",
    ),
    ("POST", "/api/v1/appeals"): (
        lambda target: {"decision": target, "grounds": R},
        "/api/v1/decisions/{id}",
    ),
    ("POST", "/api/v1/appeals/{appeal_id}/decide"): (
        lambda _: {"outcome": "upheld", "reason": R},
        f"/api/v1/protectees/{PID}/appeals",
    ),
    ("POST", "/api/v1/ground-reports/{report_id}/resolve"): (
        lambda _: {"outcome": "unfounded", "reason": R},
        f"/api/v1/protectees/{PID}/ground-reports",
    ),
    ("POST", "/api/v1/notices/{notice_id}/requeue"): (
        lambda _: {"reason": R},
        f"/api/v1/protectees/{PID}/notices",
    ),
}
#: writes that name no record someone may be unable to read: they create one, or act on the
#: caller's own account, or are the admin's (who reads every user)
UNTARGETED = {
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/auth/password"),
    ("POST", "/api/v1/auth/tokens"),
    ("DELETE", "/api/v1/auth/tokens/{token_id}"),  # another's token and none answer alike
    ("POST", "/api/v1/decisions"),  # names a protectee, whom every desk may read
    ("POST", "/api/v1/threat-assessments"),
    ("POST", "/api/v1/ground-reports"),
    ("POST", "/api/v1/ledger/checkpoints"),
    ("POST", "/api/v1/users"),
    ("POST", "/api/v1/users/{user_id}/roles"),
    ("POST", "/api/v1/users/{user_id}/password"),
    # names a provider (everyone reads providers) and, past its desk's gate alone, an officer of
    # its roll and a protectee (every desk reads protectees)
    ("POST", "/api/v1/providers/{provider_id}/attendance"),
    ("POST", "/api/v1/events"),  # public by nature: names an affiliation, no record
}
ROLES = sorted({*ROLE_USERS, "federal-operator", "federal-approver"})


def _tokens(api: Api) -> None:
    """Desks of a provider that does not cover the protectee."""
    reg = api.reg
    for role, user in (("federal-operator", "moi-operator"), ("federal-approver", "moi-approver")):
        api.tokens[role] = auth.create_token(
            reg.uow(), user, ["read", "write"], timedelta(days=30), reg.clock()
        ).secret


def _targets(api: Api) -> dict[str, str]:
    """An existing record of each kind, all about the one protectee."""
    appeal = api.call(
        "POST", "/api/v1/appeals", "liaison", json={"decision": "d-005", "grounds": R}
    )
    assert appeal.status_code == 201, appeal.text
    reports = api.call("GET", f"/api/v1/protectees/{PID}/ground-reports", "committee").json()
    withdraw = {
        "action": "withdraw",
        "protectee": PID,
        "provider": "sindh-police",
        "reason_code": "court-order",
        "reason": R,
    }
    made = api.call("POST", "/api/v1/decisions", "operator", json=withdraw).json()["decision"]
    later = {"effective_at": "2026-02-01T09:00:00+05:00"}
    approved = api.call("POST", f"/api/v1/decisions/{made}/approve", "approver", json=later)
    assert approved.status_code == 200, approved.text
    notices = api.call("GET", f"/api/v1/protectees/{PID}/notices", "committee").json()
    return {
        "decision_id": "d-005",
        "appeal_id": appeal.json()["appeal"],
        "report_id": reports["items"][0]["report"],
        "notice_id": notices["items"][0]["notice"],
    }


def _concrete(path: str, ids: dict[str, str]) -> tuple[str, str]:
    """The path with its id filled in, and the id the body or read names."""
    for name, value in ids.items():
        if "{" + name + "}" in path:
            return path.replace("{" + name + "}", value), value
    return path, ids["decision_id"]


def test_every_write_route_is_judged_here(api: Api) -> None:
    document = api.client.get("/api/openapi.json").json()
    writes = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"post", "put", "patch", "delete"}
    }
    assert writes - set(TARGETED) - UNTARGETED == set(), "a write route is in neither table"


@pytest.mark.parametrize("role", ROLES)
def test_a_write_on_what_a_role_may_not_read_is_403_whether_or_not_it_exists(
    api: Api, role: str
) -> None:
    _tokens(api)
    existing = _targets(api)
    missing = {name: f"{value}-none" for name, value in existing.items()}
    failures = []
    for (method, path), (body, read) in TARGETED.items():
        for ids in (existing, missing):
            concrete, target = _concrete(path, ids)
            seen = api.call("GET", read.replace("{id}", target), role)
            if seen.status_code != 403:
                continue  # this role may read it (or read every such record): not this test's
            answer = api.call(method, concrete, role, json=body(target))
            if answer.status_code != 403:
                failures.append(
                    f"{method} {concrete} as {role}: {answer.status_code} {answer.text}"
                )
    assert failures == []
