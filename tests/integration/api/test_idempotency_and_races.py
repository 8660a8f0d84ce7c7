"""Retried POSTs store nothing twice; two approvers at once approve once."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import text

from tests.conftest import Api

BODY = {
    "action": "withdraw",
    "protectee": "farooq-sattar",
    "provider": "sindh-police",
    "reason_code": "court-order",
    "reason": "A court ordered a security review",
}


def _decisions(api: Api) -> int:
    with api.reg.engine.connect() as c:
        return int(c.execute(text("SELECT count(*) FROM decisions")).scalar_one())


def test_a_retried_post_returns_the_first_result(api: Api) -> None:
    before = _decisions(api)
    key = {"Idempotency-Key": "desk-7-2026-01-27-0001"}
    first = api.call("POST", "/api/v1/decisions", "operator", json=BODY, headers=key)
    again = api.call("POST", "/api/v1/decisions", "operator", json=BODY, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again.headers["idempotent-replayed"] == "true"
    assert _decisions(api) == before + 1
    other = api.call(
        "POST", "/api/v1/decisions", "operator", json={**BODY, "reason": "x" * 40}, headers=key
    )
    assert other.status_code == 422 and other.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    # keys belong to their user: another desk's identical key is another request
    mine = api.call("POST", "/api/v1/decisions", "approver", json=BODY, headers=key)
    assert mine.status_code == 201 and _decisions(api) == before + 2


def test_a_retried_refusal_is_answered_again_without_a_second_attempt(api: Api) -> None:
    key = {"Idempotency-Key": "k-refused"}
    body = {k: v for k, v in BODY.items() if k not in ("reason", "reason_code")}
    first = api.call("POST", "/api/v1/decisions", "operator", json=body, headers=key)
    with api.reg.engine.connect() as c:
        attempts = c.execute(text("SELECT count(*) FROM attempts")).scalar_one()
    again = api.call("POST", "/api/v1/decisions", "operator", json=body, headers=key)
    assert first.status_code == again.status_code == 422
    assert again.json()["error"]["code"] == "R-REASON"
    with api.reg.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM attempts")).scalar_one() == attempts


def test_two_approvers_at_once_approve_once(api: Api) -> None:
    decision = api.call("POST", "/api/v1/decisions", "operator", json=BODY).json()["decision"]
    start = threading.Barrier(2)
    results: list[Any] = []

    def approve(role: str) -> None:
        start.wait()
        results.append(api.call("POST", f"/api/v1/decisions/{decision}/approve", role, json={}))

    threads = [threading.Thread(target=approve, args=(r,)) for r in ("approver", "committee")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in results) == [200, 409]
    with api.reg.engine.connect() as c:
        approvals = c.execute(
            text("SELECT count(*) FROM approvals WHERE decision_id = :d"), {"d": decision}
        ).scalar_one()
    assert approvals == 1


def test_a_decision_shows_the_step_it_waits_on(api: Api) -> None:
    made = api.call("POST", "/api/v1/decisions", "operator", json=BODY).json()
    shown = api.call("GET", f"/api/v1/decisions/{made['decision']}", "committee").json()
    assert shown["state"] == "proposed" and shown["waiting_on"] == "approver"
