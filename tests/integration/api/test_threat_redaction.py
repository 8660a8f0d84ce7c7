"""Finding 12.3 and its class: no route or page that renders a rule — refusals, the committee's
floors on a proposal, flags, approval queues — tells a threat assessment's id or level to a
reader without the need to know it. Every GET route of the OpenAPI document is read as every
role, with the threatened protectee's ids filled in, beside the writes that render rules."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import ROLE_USERS, Api
from tests.integration.test_web_pages import _signed_in

PID = "ali-khorshidi"  # covered by sindh-police (d-005)
#: who may see an assessment whole, and who its level alone (approvers of a covering provider)
SUMMARY = {"intelligence", "committee", "auditor"}
LEVEL = SUMMARY | {"approver"}
WITHDRAW = {
    "action": "withdraw",
    "protectee": PID,
    "provider": "sindh-police",
    "reason_code": "court-order",
    "reason": "The Sindh High Court ordered a security review of the cover",
}
LEVEL_TOLD = re.compile(r"\bsevere threat|\"level\":\s*\"severe\"|R-THREAT|>severe<", re.I)


def _threatened(api: Api) -> tuple[str, str]:
    """A severe assessment on the protectee, and a reduction of their cover awaiting approval."""
    made = api.call(
        "POST",
        "/api/v1/threat-assessments",
        "intelligence",
        json={
            "protectee": PID,
            "level": "severe",
            "agency": "Special Branch",
            "valid_until": "2027-06-01T00:00:00+05:00",
            "summary": "Credible plot reported by two sources",
        },
    )
    assert made.status_code == 201, made.text
    pending = api.call("POST", "/api/v1/decisions", "operator", json=WITHDRAW)
    assert pending.status_code == 201, pending.text
    return made.json()["assessment"], pending.json()["decision"]


def _fill(path: str, decision: str) -> str:
    return (
        path.replace("{pid}", PID)
        .replace("{decision_id}", decision)
        .replace("{provider_id}", "sindh-police")
    )


def _api_answers(api: Api, role: str, decision: str) -> list[tuple[str, str]]:
    seen = []
    proposal = api.call("POST", "/api/v1/decisions", role, json=WITHDRAW)
    seen.append(("propose", proposal.text))
    emergency = api.call("POST", "/api/v1/decisions", role, json={**WITHDRAW, "emergency": True})
    seen.append(("propose emergency", emergency.text))
    approval = api.call("POST", f"/api/v1/decisions/{decision}/approve", role, json={}, headers={})
    seen.append(("approve", approval.text))
    document = api.client.get("/api/openapi.json").json()
    for path, operations in document["paths"].items():
        concrete = _fill(path, decision)
        if "get" not in operations or "{" in concrete:
            continue  # no read, or an id of another kind of record than this protectee's
        seen.append((f"GET {concrete}", api.call("GET", concrete, role).text))
    return seen


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_no_api_route_tells_a_threat_to_a_reader_without_need_to_know(api: Api, role: str) -> None:
    assessment, decision = _threatened(api)
    answers = _api_answers(api, role, decision)
    told_id = [where for where, text in answers if assessment in text]
    told_level = [where for where, text in answers if LEVEL_TOLD.search(text)]
    if role in SUMMARY:
        return  # they may read it all
    assert told_id == [], f"{role} learned the assessment's id from {told_id}"
    if role not in LEVEL:
        assert told_level == [], f"{role} learned the threat's level from {told_level}"


def test_the_committee_floor_is_told_in_full_only_to_those_who_may_read_it(api: Api) -> None:
    """Not vacuous: the same proposal tells the committee of the floor, the id and the level,
    a covering approver of the level alone, and an operator only that the committee decides."""
    assessment, _ = _threatened(api)
    said = {
        role: api.call("POST", "/api/v1/decisions", role, json=WITHDRAW).json()["needs_committee"]
        for role in ("committee", "approver", "operator")
    }
    assert any(assessment in why for why in said["committee"])
    assert any("severe" in why and assessment not in why for why in said["approver"])
    assert said["operator"] and all("severe" not in why for why in said["operator"])
    assert all("committee must approve" in why for why in said["operator"])


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_no_page_tells_a_threat_to_a_reader_without_need_to_know(api: Api, role: str) -> None:
    assessment, decision = _threatened(api)
    csrf = _signed_in(api, ROLE_USERS[role])
    form = {
        "csrf_token": csrf,
        "action": "withdraw",
        "protectee": PID,
        "provider": "sindh-police",
        "reason_code": "court-order",
        "reason": WITHDRAW["reason"],
        "effective_at": "",
    }
    pages: list[tuple[str, Any]] = [
        (path, api.client.get(path))
        for path in ("/", f"/protectees/{PID}", "/protectees", "/reviews", "/appeals", "/capacity")
    ]
    pages.append(("POST /decide", api.client.post("/decide", data=form, follow_redirects=True)))
    approve = api.client.post(
        f"/decisions/{decision}/approve", data={"csrf_token": csrf}, follow_redirects=True
    )
    pages.append(("POST approve", approve))
    told_id = [p for p, r in pages if assessment in r.text]
    told_level = [p for p, r in pages if LEVEL_TOLD.search(r.text)]
    if role in SUMMARY:
        return
    assert told_id == [], f"{role} learned the assessment's id from {told_id}"
    if role not in LEVEL:
        assert told_level == [], f"{role} learned the threat's level from {told_level}"
