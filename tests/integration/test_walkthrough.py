"""docs/walkthrough.md, step by step: the Karachi case told through the system."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Registry

REASON = "Personnel redeployed to the Muharram security plan across Karachi"
FAROOQ = ("--protectee", "farooq-sattar", "--provider", "sindh-police")


def ok(reg: Registry, *args: str) -> str:
    result = reg.cli(*args)
    assert result.exit_code == 0, (args, result.output)
    return str(result.stdout)


def as_json(reg: Registry, *args: str) -> Any:
    return json.loads(ok(reg, *args, "--json"))


def test_walkthrough(demo: Registry) -> None:
    # 1. 27 January, 15:00 in Karachi: the police pulled cover with no decision on record.
    refused = demo.cli("decide", "withdraw", *FAROOQ, "--by", "ssu-operator")
    assert refused.exit_code == 2 and refused.stderr.startswith("error: R-REASON: ")

    # 2. The liaison's five ground reports, and the cluster they form.
    flags = as_json(demo, "flags")
    assert sum(f["rule"] == "DISCREPANCY" for f in flags) == 5
    [cluster] = [f for f in flags if f["rule"] == "CLUSTER"]
    assert (cluster["provider"], cluster["subject"]) == ("sindh-police", "MQM-P")

    # 3. Federal cover for the two federal ministers continues.
    khalid = as_json(demo, "status", "khalid-maqbool-siddiqui")
    assert {c["provider"] for c in khalid["coverages"]} == {"moi-federal", "sindh-police"}

    # 4. A lawful withdrawal: reason, and the authority the office's floor demands.
    body = as_json(
        demo,
        "decide",
        "withdraw",
        *FAROOQ,
        "--reason-code",
        "resource-redeployment",
        "--reason",
        REASON,
        "--by",
        "ssu-operator",
    )
    decision = body["decision"]
    assert body["needs_committee"]
    below_floor = demo.cli("approve", decision, "--by", "ssu-chief")
    assert below_floor.exit_code == 2 and below_floor.stderr.startswith("error: R-ENTITLEMENT: ")
    ok(demo, "approve", decision, "--by", "ptac-chair")
    shown = as_json(demo, "decision", "show", decision)
    assert shown["state"] == "approved" and shown["effective_at"] == "2026-01-30T10:00:00Z"

    # 5. Notice: the protectee and the liaison are told, with the reason verbatim.
    told = as_json(demo, "notices", "farooq-sattar")
    assert {(n["recipient"], n["recipient_kind"]) for n in told} == {
        ("farooq-sattar", "protectee"),
        ("mqm-liaison", "liaison"),
    }
    assert all(n["reason"] == REASON and n["old_category"] == "nominal" for n in told)
    assert all("appeal" in n["how_to_appeal"] for n in told)

    # 6. The appeal, lodged by the liaison before the withdrawal bites: it waits.
    appeal = as_json(
        demo,
        "appeal",
        "lodge",
        decision,
        "--by",
        "mqm-liaison",
        "--grounds",
        "Threats against MQM-P leaders have risen since the January withdrawals",
    )
    demo.clock.set("2026-02-01T10:00:00+00:00")
    held = as_json(demo, "status", "farooq-sattar")
    assert [c["provider"] for c in held["coverages"]] == ["sindh-police"]
    assert held["pending"][0]["held_by_appeal"] == appeal["appeal"]

    # 7. The committee decides — not the member who approved the withdrawal.
    own = demo.cli(
        "appeal",
        "decide",
        appeal["appeal"],
        "--outcome",
        "overturned",
        "--reason",
        "x" * 30,
        "--by",
        "ptac-chair",
    )
    assert own.exit_code == 2 and "may not judge its appeal" in own.stderr
    ok(demo, "users", "add", "registrar", "--name", "Registrar, Home Department", "--role", "admin")
    ok(
        demo,
        "users",
        "add",
        "home-minister",
        "--name",
        "Home Minister, PTAC chair",
        "--role",
        "committee",
        "--by",
        "registrar",
    )
    ok(
        demo,
        "appeal",
        "decide",
        appeal["appeal"],
        "--outcome",
        "overturned",
        "--reason",
        "A party leader may not be left without cover to meet a redeployment",
        "--by",
        "home-minister",
    )
    after = as_json(demo, "status", "farooq-sattar")
    assert [c["category"] for c in after["coverages"]] == ["nominal"] and after["pending"] == []
    assert as_json(demo, "decision", "show", decision)["state"] == "overturned"
    outcome = [n for n in as_json(demo, "notices", "farooq-sattar") if n["subject"] == "appeal"]
    assert len(outcome) == 2 and all(n["appeal_outcome"] == "overturned" for n in outcome)
    assert all(n["old_category"] == "nominal" and n["appeal_reason"] for n in outcome)

    # 8. The desk closes the ground report: cover is back on the ground.
    report = next(
        f["subject"]
        for f in as_json(demo, "flags")
        if f["rule"] == "DISCREPANCY" and f["protectee"] == "farooq-sattar"
    )
    ok(
        demo,
        "report",
        "resolve",
        report,
        "--outcome",
        "restored",
        "--reason",
        "Two constables back on duty at the residence",
        "--by",
        "ssu-operator",
    )
    assert all(f["subject"] != report for f in as_json(demo, "flags"))

    # 9. Everything above is in the ledger, and a receipt proves the decision offline.
    ok(demo, "ledger", "checkpoint")
    assert as_json(demo, "ledger", "verify")["ok"] is True
    receipt = as_json(demo, "notices", "farooq-sattar")[0]["receipt"]
    assert receipt is not None and '"reason":"' + REASON in receipt["entry"]
