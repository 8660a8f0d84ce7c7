"""The accountability workflows, each with its success path, refusals and flags; time-driven
checks move the injected clock, never sleep."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Registry

R = "A reason that says why, at length"


def run(reg: Registry, *args: str) -> Any:
    result = reg.cli(*args)
    assert result.exit_code == 0, (args, result.output)
    return result


def js(reg: Registry, *args: str) -> Any:
    return json.loads(run(reg, *args, "--json").stdout)


def refused(reg: Registry, rule: str, *args: str) -> str:
    result = reg.cli(*args)
    assert result.exit_code == 2, (args, result.output)
    assert result.stderr.startswith(f"error: {rule}: "), result.stderr
    return str(result.stderr)


def flags(reg: Registry, rule: str) -> list[dict[str, Any]]:
    return [f for f in js(reg, "flags") if f["rule"] == rule]


def decided(reg: Registry, *args: str, approver: str = "ssu-chief") -> str:
    decision = str(js(reg, "decide", *args)["decision"])
    run(reg, "approve", decision, "--by", approver)
    return decision


def withdraw_anis(reg: Registry, code: str = "protectee-request") -> str:
    return decided(
        reg,
        "withdraw",
        "--protectee",
        "anis-kaimkhani",
        "--provider",
        "sindh-police",
        "--reason-code",
        code,
        "--reason",
        R,
        "--by",
        "ssu-operator",
    )


# --- approval chains --------------------------------------------------------------------------
def test_chain_shows_the_step_it_waits_on(demo: Registry) -> None:
    run(
        demo,
        "threat",
        "add",
        "--protectee",
        "ali-khorshidi",
        "--level",
        "high",
        "--agency",
        "SB",
        "--summary",
        "Named in a threat letter",
        "--valid-until",
        "2026-12-31T00:00:00+05:00",
        "--by",
        "special-branch",
    )
    d = js(
        demo,
        "decide",
        "suspend",
        "--protectee",
        "ali-khorshidi",
        "--provider",
        "sindh-police",
        "--reason-code",
        "misconduct",
        "--reason",
        R,
        "--by",
        "ssu-operator",
    )["decision"]
    assert js(demo, "decision", "show", d)["waiting_on"] == "approver"
    refused(demo, "R-AUTHORITY", "approve", d, "--by", "ptac-chair")  # step 1 is the SSP's
    run(demo, "approve", d, "--by", "ssu-chief")
    shown = js(demo, "decision", "show", d)
    assert shown["waiting_on"] == "committee" and shown["state"] == "proposed"
    assert shown["steps"][0]["approved_by"] == "ssu-chief"
    run(demo, "approve", d, "--by", "ptac-chair")
    assert js(demo, "decision", "show", d)["state"] == "approved"
    assert js(demo, "ledger", "verify")["ok"]


# --- threat assessments -------------------------------------------------------------------------
def test_new_severe_assessment_above_the_cover_is_flagged_for_the_committee(demo: Registry) -> None:
    assert flags(demo, "R-THREAT") == []
    t = js(
        demo,
        "threat",
        "add",
        "--protectee",
        "anis-kaimkhani",
        "--level",
        "severe",
        "--agency",
        "SB",
        "--summary",
        "Credible plot",
        "--valid-until",
        "2026-03-01T00:00:00+05:00",
        "--by",
        "special-branch",
    )["assessment"]
    [flag] = flags(demo, "R-THREAT")
    assert (flag["protectee"], flag["subject"]) == ("anis-kaimkhani", t)
    demo.clock.set("2026-03-02T00:00:00+00:00")  # the assessment lapses: nothing to flag
    assert flags(demo, "R-THREAT") == []


# --- reviews ------------------------------------------------------------------------------------
def test_review_confirms_and_clears_the_overdue_flag(demo: Registry) -> None:
    assert "d-006" in {f["subject"] for f in flags(demo, "R-REVIEW")}
    refused(
        demo,
        "R-AUTHORITY",
        "review",
        "d-006",
        "--outcome",
        "confirm",
        "--reason",
        R,
        "--by",
        "ssu-operator",
    )
    refused(
        demo,
        "R-REASON",
        "review",
        "d-006",
        "--outcome",
        "confirm",
        "--reason",
        "fine",
        "--by",
        "ssu-chief",
    )
    done = js(demo, "review", "d-006", "--outcome", "confirm", "--reason", R, "--by", "ssu-chief")
    assert done["outcome"] == "confirmed" and done["decision"] is None
    assert "d-006" not in {f["subject"] for f in flags(demo, "R-REVIEW")}
    queue = {q["coverage"]: q for q in js(demo, "reviews", "due", "--within", "200d")}
    assert queue["d-006"]["due"] == "2026-07-26T10:00:00Z" and not queue["d-006"]["overdue"]
    demo.clock.set("2026-07-27T00:00:00+00:00")  # 180 days on, it is overdue again
    assert "d-006" in {f["subject"] for f in flags(demo, "R-REVIEW")}


def test_review_that_concludes_a_change_proposes_it(demo: Registry) -> None:
    done = js(
        demo,
        "review",
        "d-005",
        "--outcome",
        "downgrade",
        "--category",
        "standard",
        "--reason",
        R,
        "--by",
        "ssu-chief",
    )
    shown = js(demo, "decision", "show", done["decision"])
    assert (shown["action"], shown["reason_code"], shown["state"]) == (
        "downgrade",
        "review-outcome",
        "proposed",
    )
    missing = demo.cli(
        "review", "d-999", "--outcome", "confirm", "--reason", R, "--by", "ssu-chief"
    )
    assert missing.exit_code == 1 and "unknown decision 'd-999'" in missing.stderr


# --- appeals ------------------------------------------------------------------------------------
def test_appeal_after_effect_overturned_restores_the_cover(demo: Registry) -> None:
    d = withdraw_anis(demo)
    demo.clock.advance(days=4)
    assert js(demo, "status", "anis-kaimkhani")["coverages"] == []
    refused(demo, "R-AUTHORITY", "appeal", "lodge", d, "--by", "ssu-operator", "--grounds", R)
    refused(demo, "R-REASON", "appeal", "lodge", d, "--by", "mqm-liaison", "--grounds", "unfair")
    a = js(demo, "appeal", "lodge", d, "--by", "mqm-liaison", "--grounds", R)["appeal"]
    again = demo.cli("appeal", "lodge", d, "--by", "mqm-liaison", "--grounds", R)
    assert again.exit_code == 1 and "already appealed" in again.stderr
    refused(
        demo,
        "R-AUTHORITY",
        "appeal",
        "decide",
        a,
        "--outcome",
        "overturned",
        "--reason",
        R,
        "--by",
        "ssu-chief",
    )
    outcome = js(
        demo, "appeal", "decide", a, "--outcome", "overturned", "--reason", R, "--by", "ptac-chair"
    )
    restoring = outcome["restoring_decision"]
    status = js(demo, "status", "anis-kaimkhani")
    assert [(c["category"], c["decision"]) for c in status["coverages"]] == [("nominal", restoring)]
    assert js(demo, "decision", "show", restoring)["approved_by"] == "ptac-chair"


def test_appeal_before_effect_holds_it_until_upheld(demo: Registry) -> None:
    d = withdraw_anis(demo)
    a = js(demo, "appeal", "lodge", d, "--by", "mqm-liaison", "--grounds", R)["appeal"]
    demo.clock.advance(days=10)  # past the effective time: still held
    assert [c["provider"] for c in js(demo, "status", "anis-kaimkhani")["coverages"]] == [
        "sindh-police"
    ]
    assert js(demo, "decision", "show", d)["state"] == "held"
    run(demo, "appeal", "decide", a, "--outcome", "upheld", "--reason", R, "--by", "ptac-chair")
    assert js(demo, "status", "anis-kaimkhani")["coverages"] == []  # takes effect now
    assert js(demo, "decision", "show", d)["takes_effect_at"] == "2026-02-06T10:00:00Z"


def test_undecided_appeal_is_flagged_after_the_window(demo: Registry) -> None:
    d = withdraw_anis(demo)
    a = js(demo, "appeal", "lodge", d, "--by", "mqm-liaison", "--grounds", R)["appeal"]
    demo.clock.advance(days=14)
    assert flags(demo, "R-APPEAL") == []
    demo.clock.advance(minutes=1)
    [flag] = flags(demo, "R-APPEAL")
    assert flag["subject"] == a and flag["since"] == "2026-02-10T10:00:00Z"
    status_flags = js(demo, "status", "anis-kaimkhani")["flags"]
    assert any(f["rule"] == "R-APPEAL" and f["subject"] == a for f in status_flags)


def test_only_decided_decisions_can_be_appealed(demo: Registry) -> None:
    d = js(
        demo,
        "decide",
        "withdraw",
        "--protectee",
        "anis-kaimkhani",
        "--provider",
        "sindh-police",
        "--reason-code",
        "protectee-request",
        "--reason",
        R,
        "--by",
        "ssu-operator",
    )["decision"]
    refused(demo, "R-STATE", "appeal", "lodge", d, "--by", "mqm-liaison", "--grounds", R)


# --- emergencies --------------------------------------------------------------------------------
def emergency_suspension(reg: Registry) -> str:
    return decided(
        reg,
        "suspend",
        "--protectee",
        "ali-khorshidi",
        "--provider",
        "sindh-police",
        "--reason-code",
        "misconduct",
        "--reason",
        R,
        "--emergency",
        "--by",
        "ssu-operator",
        approver="ptac-chair",
    )


def test_emergency_takes_effect_at_once_and_is_flagged_until_ratified(demo: Registry) -> None:
    d = emergency_suspension(demo)
    [cover] = js(demo, "status", "ali-khorshidi")["coverages"]
    assert cover["state"] == "suspended" and cover["since"] == "2026-01-27T10:00:00Z"
    demo.clock.advance(hours=24, minutes=1)
    [flag] = flags(demo, "R-RATIFY")
    assert flag["subject"] == d and flag["since"] == "2026-01-28T10:00:00Z"
    refused(demo, "R-AUTHORITY", "ratify", d, "--by", "ssu-chief", "--reason", R)
    refused(demo, "R-REASON", "ratify", d, "--by", "ptac-chair", "--reason", "ok")
    run(demo, "ratify", d, "--by", "ptac-chair", "--reason", R)
    assert flags(demo, "R-RATIFY") == []
    again = demo.cli("ratify", d, "--by", "ptac-chair", "--reason", R)
    assert again.exit_code == 1 and "already ratified" in again.stderr


def test_refused_ratification_restores_the_cover(demo: Registry) -> None:
    d = emergency_suspension(demo)
    run(demo, "ratify", d, "--by", "ptac-chair", "--reason", R, "--refuse")
    [cover] = js(demo, "status", "ali-khorshidi")["coverages"]
    assert (cover["state"], cover["category"]) == ("active", "dedicated")
    told = [n for n in js(demo, "notices", "ali-khorshidi") if n["subject"] == "ratification"]
    assert told and told[0]["ratified"] is False


def test_ordinary_decisions_are_not_ratified(demo: Registry) -> None:
    d = withdraw_anis(demo)
    refused(demo, "R-STATE", "ratify", d, "--by", "ptac-chair", "--reason", R)


# --- ground reports -----------------------------------------------------------------------------
def reports(reg: Registry) -> dict[str, str]:
    return {f["protectee"]: f["subject"] for f in flags(reg, "DISCREPANCY")}


def test_resolutions_and_the_cluster(demo: Registry) -> None:
    open_reports = reports(demo)
    refused(
        demo,
        "R-AUTHORITY",
        "report",
        "resolve",
        open_reports["farooq-sattar"],
        "--outcome",
        "restored",
        "--reason",
        R,
        "--by",
        "mqm-liaison",
    )
    bad = demo.cli(
        "report",
        "resolve",
        open_reports["farooq-sattar"],
        "--outcome",
        "decision-recorded",
        "--reason",
        R,
        "--by",
        "ssu-operator",
    )
    assert bad.exit_code == 2 and "decision" in bad.stderr
    for person in ("farooq-sattar", "anis-kaimkhani", "ali-khorshidi"):
        run(
            demo,
            "report",
            "resolve",
            open_reports[person],
            "--outcome",
            "unfounded",
            "--reason",
            R,
            "--by",
            "ssu-operator",
        )
    assert set(reports(demo)) == {"khalid-maqbool-siddiqui", "mustafa-kamal"}
    assert flags(demo, "CLUSTER") == []  # two founded reports are no cluster


def test_decision_recorded_links_the_decision(demo: Registry) -> None:
    d = withdraw_anis(demo)
    report = reports(demo)["anis-kaimkhani"]
    run(
        demo,
        "report",
        "resolve",
        report,
        "--outcome",
        "decision-recorded",
        "--decision",
        d,
        "--reason",
        R,
        "--by",
        "ssu-operator",
    )
    wrong = demo.cli(
        "report",
        "resolve",
        reports(demo)["farooq-sattar"],
        "--outcome",
        "decision-recorded",
        "--decision",
        d,
        "--reason",
        R,
        "--by",
        "ssu-operator",
    )
    assert wrong.exit_code == 2 and "not about this protectee" in wrong.stderr
    assert len(flags(demo, "CLUSTER")) == 1  # a founded report still counts


def test_a_protectee_with_a_login_is_told_at_the_record_which_routes_to_the_login(
    demo: Registry,
) -> None:
    """Addressed to the record: the worker sends it on the record's and the login's channels
    (see tests/integration/test_notice_routing.py)."""
    run(demo, "users", "add", "registrar", "--name", "Registrar", "--role", "admin")
    run(
        demo,
        "users",
        "add",
        "anis",
        "--name",
        "Anis Kaimkhani",
        "--role",
        "protectee",
        "--protectee",
        "anis-kaimkhani",
        "--by",
        "registrar",
    )
    withdraw_anis(demo)
    told = {(n["recipient"], n["recipient_kind"]) for n in js(demo, "notices", "anis-kaimkhani")}
    assert told == {("anis-kaimkhani", "protectee"), ("mqm-liaison", "liaison")}
    missing = demo.cli("notices", "nobody")
    assert missing.exit_code == 1 and "unknown protectee" in missing.stderr


def test_a_review_of_one_protectee_leaves_the_others_overdue(demo: Registry) -> None:
    run(demo, "review", "d-006", "--outcome", "confirm", "--reason", R, "--by", "ssu-chief")
    farooq = js(demo, "status", "farooq-sattar")["flags"]
    anis = js(demo, "status", "anis-kaimkhani")["flags"]
    assert all(f["rule"] != "R-REVIEW" for f in farooq)
    assert any(f["rule"] == "R-REVIEW" and f["subject"] == "d-007" for f in anis)
