"""Capacity, cost and the fairness audit over the demo, through the command line and the API."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Api, Registry


def counts(block: dict[str, Any]) -> dict[str, Any]:
    return {k: block[k] for k in ("personnel", "vehicles")}


def js(reg: Registry, *args: str) -> Any:
    result = reg.cli(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_capacity_of_the_demo_matches_a_hand_count(demo: Registry) -> None:
    # Sindh: three dedicated details (8 officers, 2 vehicles) and two nominal (2, 0).
    # Federal: two standard details (4, 1).
    found = {c["provider"]: c for c in js(demo, "capacity")}
    sindh, moi = found["sindh-police"], found["moi-federal"]
    assert counts(sindh["committed"]) == {"personnel": 3 * 8 + 2 * 2, "vehicles": 6}
    assert sindh["committed"]["personnel_pct"] == 0.9  # 28 of 3,000
    assert counts(sindh["pool"]) == {"personnel": 3000, "vehicles": 400}
    assert counts(moi["committed"]) == {"personnel": 8, "vehicles": 2}
    assert counts(moi["after_pending"]) == counts(moi["committed"])

    withdraw = js(
        demo,
        "decide",
        "withdraw",
        "--protectee",
        "ali-khorshidi",
        "--provider",
        "sindh-police",
        "--reason-code",
        "court-order",
        "--reason",
        "Sindh High Court ordered a security review",
        "--by",
        "ssu-operator",
    )
    assert demo.cli("approve", withdraw["decision"], "--by", "ssu-chief").exit_code == 0
    after = {c["provider"]: c for c in js(demo, "capacity")}["sindh-police"]
    assert counts(after["committed"]) == {"personnel": 28, "vehicles": 6}
    assert counts(after["after_pending"]) == {"personnel": 20, "vehicles": 4}


def test_cost_integrates_the_committed_complement(demo: Registry) -> None:
    result = js(
        demo, "cost", "--from", "2026-01-01T00:00:00+05:00", "--to", "2026-01-11T00:00:00+05:00"
    )
    providers = {line["subject"]: line for line in result["providers"]}
    assert providers["sindh-police"]["officer_days"] == 280.0  # 28 officers for 10 days
    assert providers["moi-federal"]["vehicle_days"] == 20.0


def test_fairness_audit_names_the_cluster_with_its_evidence(demo: Registry) -> None:
    result = js(demo, "audit", "fairness", "--from", "2026-01-01T00:00:00+05:00")
    [cluster] = [f for f in result["findings"] if f["kind"] == "cluster"]
    reports = [f["subject"] for f in js(demo, "flags") if f["rule"] == "DISCREPANCY"]
    assert cluster["affiliation"] == "MQM-P" and sorted(cluster["evidence"]) == sorted(reports)
    human = demo.cli("audit", "fairness", "--from", "2026-01-01T00:00:00+05:00")
    assert "cluster MQM-P" in human.stdout


def test_audits_over_the_api(api: Api) -> None:
    found = api.call("GET", "/api/v1/capacity", "approver").json()["providers"]
    assert {c["provider"] for c in found} == {"moi-federal", "sindh-police"}
    fairness = api.call("GET", "/api/v1/audit/fairness?from=2026-01-01T00:00:00%2B05:00", "auditor")
    assert fairness.status_code == 200 and fairness.json()["findings"]
    naive = api.call("GET", "/api/v1/audit/fairness?from=2026-01-01T00:00:00", "auditor")
    assert naive.status_code == 422
