"""Every route against every kind of user: allowed (any answer but 401/403) or denied."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import ROLE_USERS, Api

EVERYONE = {"public", *ROLE_USERS}
SIGNED_IN = set(ROLE_USERS)
OVERSIGHT = {"admin", "committee", "auditor"}
DESKS = {"operator", "approver"}  # both of sindh-police, which covers farooq-sattar
CONCERNED = {*DESKS, "protectee", "liaison"}
STAFF = OVERSIGHT | DESKS | {"intelligence"}
P = "/api/v1/protectees/farooq-sattar"
R = {"reason": "A reason that says why, at length"}

# (method, path, json body, roles allowed)
ROUTES: list[tuple[str, str, dict[str, Any] | None, set[str]]] = [
    ("GET", "/api/v1/health", None, EVERYONE),
    ("GET", "/api/v1/ready", None, EVERYONE),
    ("GET", "/metrics", None, {"admin"}),
    ("GET", "/api/v1/reports/transparency", None, EVERYONE),
    ("GET", "/api/v1/ledger/public-key", None, EVERYONE),
    ("GET", "/api/v1/ledger/log/checkpoint", None, EVERYONE),
    ("GET", "/api/v1/ledger/log/tile/0/000", None, EVERYONE),
    ("GET", "/api/v1/ledger/log/tile/entries/000", None, OVERSIGHT),
    ("GET", "/api/openapi.json", None, EVERYONE),
    ("POST", "/api/v1/auth/login", {"user": "nobody", "password": "x"}, set()),  # 401 for all
    ("GET", "/api/v1/auth/me", None, SIGNED_IN),
    # credentials change and tokens are minted from a session only, never by a token (the
    # sessions' side is in test_credentials.py)
    ("POST", "/api/v1/auth/tokens", {"scopes": ["read"]}, set()),
    ("DELETE", "/api/v1/auth/tokens/tk-none", None, SIGNED_IN),
    ("GET", "/api/v1/providers", None, SIGNED_IN),
    ("GET", "/api/v1/providers/sindh-police", None, SIGNED_IN),
    # a provider's officers and vehicles: its own desks alone, not even admin or the committee
    ("GET", "/api/v1/providers/sindh-police/roll", None, DESKS),
    ("GET", "/api/v1/providers/sindh-police/roster?from=2026-01-28", None, DESKS),
    ("GET", "/api/v1/providers/sindh-police/attendance?from=2026-01-27", None, DESKS),
    (
        "POST",
        "/api/v1/providers/sindh-police/attendance",
        {"officer": "SP-1", "kind": "out"},
        DESKS,
    ),
    # counts shift by shift, naming nobody: oversight and every desk
    ("GET", "/api/v1/providers/sindh-police/capacity?from=2026-01-27", None, OVERSIGHT | DESKS),
    # counts of who stands with the protectee now: whoever reads the protectee's status
    ("GET", f"{P}/on-duty", None, OVERSIGHT | {"intelligence"} | CONCERNED),
    ("GET", "/api/v1/protectees", None, SIGNED_IN),
    ("GET", P, None, STAFF | {"protectee", "liaison"}),
    ("GET", f"{P}/status", None, OVERSIGHT | {"intelligence"} | CONCERNED),
    ("GET", f"{P}/decisions", None, OVERSIGHT | CONCERNED),
    ("GET", f"{P}/notices", None, OVERSIGHT | CONCERNED),
    ("GET", f"{P}/appeals", None, OVERSIGHT | CONCERNED),
    ("GET", f"{P}/ground-reports", None, OVERSIGHT | CONCERNED),
    ("GET", f"{P}/threat-assessments", None, {"committee", "auditor", "intelligence", "approver"}),
    (
        "POST",
        "/api/v1/threat-assessments",
        {
            "protectee": "farooq-sattar",
            "level": "low",
            "agency": "SB",
            "valid_until": "2027-01-01T00:00:00+05:00",
            "summary": "s",
        },
        {"intelligence"},
    ),
    (
        "POST",
        "/api/v1/decisions",
        {"action": "withdraw", "protectee": "farooq-sattar", "provider": "sindh-police"},
        DESKS | {"committee"},
    ),
    ("GET", "/api/v1/decisions/d-006", None, OVERSIGHT | CONCERNED),
    ("GET", "/api/v1/decisions/d-006/receipt", None, OVERSIGHT | CONCERNED),
    ("POST", "/api/v1/decisions/d-006/approve", {}, {"approver", "committee"}),
    ("POST", "/api/v1/decisions/d-006/rescind", R, DESKS | {"committee"}),
    ("POST", "/api/v1/decisions/d-006/ratify", R, {"committee"}),
    ("GET", "/api/v1/flags", None, OVERSIGHT | DESKS),
    ("GET", "/api/v1/reviews/due", None, OVERSIGHT | DESKS),
    ("GET", "/api/v1/audit/fairness", None, OVERSIGHT),
    ("GET", "/api/v1/audit/retaliation", None, OVERSIGHT),
    # public events are public by nature; auditors and the committee enter them
    ("GET", "/api/v1/events", None, SIGNED_IN),
    (
        "POST",
        "/api/v1/events",
        {
            "at": "2026-01-20T11:00:00+05:00",
            "affiliation": "PPP",
            "kind": "protest",
            "title": "Rally at Tibet Centre",
            "source": "Dawn, 21 January 2026",
        },
        {"auditor", "committee"},
    ),
    ("GET", "/api/v1/capacity", None, OVERSIGHT | DESKS),
    ("GET", "/api/v1/cost", None, OVERSIGHT),
    (
        "POST",
        "/api/v1/reviews",
        {"coverage": "d-006", "outcome": "confirmed", **R},
        {"approver", "committee"},
    ),
    (
        "POST",
        "/api/v1/appeals",
        {"decision": "d-006", "grounds": R["reason"]},
        {"protectee", "liaison"},
    ),
    ("POST", "/api/v1/appeals/ap-none/decide", {"outcome": "upheld", **R}, {"committee"}),
    (
        "POST",
        "/api/v1/ground-reports",
        {
            "protectee": "farooq-sattar",
            "provider": "sindh-police",
            "observed_at": "2026-01-27T09:00:00+05:00",
            "text": "Guard post empty since noon",
        },
        {"protectee", "liaison", "admin", "committee", *DESKS},
    ),
    ("POST", "/api/v1/notices/n-none/requeue", R, {"admin"}),  # a desk learns nothing: 403
    ("GET", "/api/v1/ledger/checkpoint", None, SIGNED_IN),
    ("POST", "/api/v1/ledger/checkpoints", None, OVERSIGHT),
    ("GET", "/api/v1/users", None, {"admin", "auditor"}),
    ("POST", "/api/v1/users", {"id": "clerk", "name": "Clerk"}, {"admin"}),
    ("POST", "/api/v1/users/clerk/roles", {"role": "committee"}, {"admin"}),
    ("POST", "/api/v1/users/clerk/password", {"password": "a long enough password"}, set()),
    (
        "POST",
        "/api/v1/auth/password",
        {"current_password": "x", "password": "a long enough password"},
        set(),
    ),
    ("POST", "/api/v1/auth/logout", None, SIGNED_IN),
]


def test_every_route_against_every_role(api: Api) -> None:
    flags = json.loads(api.reg.cli("flags", "--json").stdout)
    ground = next(
        f["subject"]
        for f in flags
        if f["rule"] == "DISCREPANCY" and f["protectee"] == "farooq-sattar"
    )
    resolve = f"/api/v1/ground-reports/{ground}/resolve"
    routes = [*ROUTES, ("POST", resolve, {"outcome": "unfounded", **R}, DESKS | {"committee"})]
    documented = {
        (method.upper(), path)
        for path, ops in api.client.get("/api/openapi.json").json()["paths"].items()
        for method in ops
    }
    for method, path in documented:
        assert any(m == method and _matches(path, p) for m, p, _, _ in routes), (
            f"{method} {path} is not in the access table"
        )

    failures = []
    for method, path, body, allowed in routes:
        for role in sorted(EVERYONE):
            response = api.call(method, path, None if role == "public" else role, json=body)
            denied = response.status_code in (401, 403)
            if denied == (role in allowed):
                failures.append(
                    f"{method} {path} as {role}: {response.status_code} {response.text[:120]}"
                )
            if denied:
                assert response.json()["error"]["code"] in {"UNAUTHENTICATED", "FORBIDDEN"}
    assert failures == []


def _matches(openapi_path: str, concrete: str) -> bool:
    """Whether a concrete path (its query string aside) is an instance of the route's."""
    concrete = concrete.partition("?")[0]
    a, b = openapi_path.strip("/").split("/"), concrete.strip("/").split("/")
    return len(a) == len(b) and all(x == y or x.startswith("{") for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("role", ["intelligence", "committee", "auditor"])
def test_threat_summary_for_those_entitled(api: Api, role: str) -> None:
    _severe_threat(api)
    [view] = api.call("GET", f"{P}/threat-assessments", role).json()["items"]
    assert view["summary"] == "Named in an intercepted plan" and view["level"] == "severe"
    flags = api.call("GET", f"{P}/status", role).json()["flags"]
    assert any(f["rule"] == "R-THREAT" for f in flags)


def test_approver_of_a_covering_provider_sees_the_level_only(api: Api) -> None:
    _severe_threat(api)
    [view] = api.call("GET", f"{P}/threat-assessments", "approver").json()["items"]
    assert view["level"] == "severe" and "summary" not in view
    flags = api.call("GET", f"{P}/status", "approver").json()["flags"]
    assert any(f["rule"] == "R-THREAT" for f in flags)


@pytest.mark.parametrize("role", ["operator", "protectee", "liaison"])
def test_nobody_else_learns_of_the_assessment(api: Api, role: str) -> None:
    _severe_threat(api)
    assert api.call("GET", f"{P}/threat-assessments", role).status_code == 403
    flags = api.call("GET", f"{P}/status", role).json()["flags"]
    assert all(f["rule"] != "R-THREAT" for f in flags)
    assert "Named in an intercepted plan" not in api.call("GET", f"{P}/status", role).text


def test_a_protectee_sees_only_their_own_record(api: Api) -> None:
    own = api.call("GET", "/api/v1/protectees", "protectee").json()
    assert [p["id"] for p in own["items"]] == ["farooq-sattar"]
    other = api.call("GET", "/api/v1/protectees/ali-khorshidi/status", "protectee")
    assert other.status_code == 403
    assert api.call("GET", "/api/v1/protectees/nobody/status", "protectee").status_code == 403
    assert api.call("GET", "/api/v1/protectees/nobody/status", "committee").status_code == 404


def test_a_desk_sees_flags_of_protectees_its_provider_covers(api: Api) -> None:
    from datetime import timedelta

    from hifazat.services import auth

    token = auth.create_token(
        api.reg.uow(), "moi-operator", ["read"], timedelta(days=1), api.reg.clock()
    ).secret
    moi = api.client.get("/api/v1/flags", headers={"Authorization": f"Bearer {token}"})
    seen = {f["protectee"] for f in moi.json()["items"]}
    # the federal desk covers the two ministers only: no other protectee's flags reach it
    assert seen == {"khalid-maqbool-siddiqui", "mustafa-kamal"}
    sindh = {f["protectee"] for f in api.call("GET", "/api/v1/flags", "operator").json()["items"]}
    assert {"farooq-sattar", "anis-kaimkhani", "ali-khorshidi"} <= sindh


def _severe_threat(api: Api) -> None:
    response = api.call(
        "POST",
        "/api/v1/threat-assessments",
        "intelligence",
        json={
            "protectee": "farooq-sattar",
            "level": "severe",
            "agency": "Special Branch",
            "valid_until": "2026-06-01T00:00:00+05:00",
            "summary": "Named in an intercepted plan",
        },
    )
    assert response.status_code == 201, response.text
