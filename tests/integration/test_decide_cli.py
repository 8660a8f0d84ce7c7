"""Deciding through the command line: each refusal, and the lawful path."""

from __future__ import annotations

import json

from tests.conftest import Registry

WITHDRAW = ("decide", "withdraw", "--protectee", "farooq-sattar", "--provider", "sindh-police")
REASON = ("--reason-code", "court-order", "--reason", "Sindh High Court ordered a security review")


def test_withdrawal_without_reason_is_refused_and_stores_nothing(demo: Registry) -> None:
    before = demo.dump()
    result = demo.cli(*WITHDRAW, "--by", "ssu-operator")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: R-REASON: ")
    assert result.stdout == ""
    assert demo.dump() == before


def test_short_reason_and_unknown_code_are_refused(demo: Registry) -> None:
    short = demo.cli(
        *WITHDRAW, "--reason-code", "court-order", "--reason", "ordered", "--by", "ssu-operator"
    )
    assert short.exit_code == 2 and "at least 20 characters" in short.stderr
    unknown = demo.cli(
        *WITHDRAW, "--reason-code", "politics", "--reason", "x" * 30, "--by", "ssu-operator"
    )
    assert unknown.exit_code == 2 and "unknown reason code 'politics'" in unknown.stderr


def test_approval_rules_then_the_cover_ends_at_its_effective_time(demo: Registry) -> None:
    soon = "2026-01-28T15:00:00+05:00"  # 24 h after the clock: under the 72 h notice
    early = demo.cli(*WITHDRAW, *REASON, "--by", "ssu-operator", "--effective", soon)
    assert early.exit_code == 2 and early.stderr.startswith("error: R-NOTICE: ")
    proposed = demo.cli(*WITHDRAW, *REASON, "--by", "ssu-operator", "--json")
    assert proposed.exit_code == 0, proposed.output
    body = json.loads(proposed.stdout)
    assert body["state"] == "proposed"
    decision = body["decision"]

    by_operator = demo.cli("approve", decision, "--by", "ssu-operator")
    assert by_operator.exit_code == 2
    assert by_operator.stderr.startswith("error: R-AUTHORITY: ")

    before = demo.dump()
    too_soon = demo.cli("approve", decision, "--by", "ssu-chief", "--effective", soon)
    assert too_soon.exit_code == 2
    assert too_soon.stderr.startswith("error: R-NOTICE: ")
    assert "72h" in too_soon.stderr
    assert demo.dump() == before

    lawful = "2026-01-31T12:00:00+05:00"
    approved = demo.cli("approve", decision, "--by", "ssu-chief", "--effective", lawful)
    assert approved.exit_code == 0, approved.output

    def cover_at(at: str) -> list[str]:
        out = demo.cli("status", "farooq-sattar", "--at", at, "--json")
        assert out.exit_code == 0, out.output
        return [c["provider"] for c in json.loads(out.stdout)["coverages"]]

    assert cover_at("2026-01-31T11:59:59+05:00") == ["sindh-police"]
    assert cover_at("2026-01-31T12:00:00+05:00") == []
    now = json.loads(demo.cli("status", "farooq-sattar", "--json").stdout)
    assert [p["decision"] for p in now["pending"]] == [decision]
    assert now["pending"][0]["effective_at"] == "2026-01-31T07:00:00Z"


def test_two_person_rule_refuses_self_approval(demo: Registry) -> None:
    decision = demo.cli(*WITHDRAW, *REASON, "--by", "ssu-chief").stdout.strip()
    result = demo.cli("approve", decision, "--by", "ssu-chief")
    assert result.exit_code == 2
    assert "error: R-AUTHORITY: two-person rule" in result.stderr


def test_downgrade_below_entitlement_needs_the_committee(demo: Registry) -> None:
    result = demo.cli(
        "decide",
        "downgrade",
        "--protectee",
        "ali-khorshidi",
        "--provider",
        "sindh-police",
        "--category",
        "nominal",
        "--reason-code",
        "resource-redeployment",
        "--reason",
        "Personnel needed for Muharram processions",
        "--by",
        "ssu-operator",
        "--json",
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["needs_committee"] and "rank 2" in body["needs_committee"][0]
    refused = demo.cli("approve", body["decision"], "--by", "ssu-chief")
    assert refused.exit_code == 2
    assert refused.stderr.startswith("error: R-ENTITLEMENT: ")
    approved = demo.cli("approve", body["decision"], "--by", "ptac-chair")
    assert approved.exit_code == 0, approved.output


def test_exempt_reason_passes_the_entitlement_floor(demo: Registry) -> None:
    decision = demo.cli(
        "decide",
        "downgrade",
        "--protectee",
        "ali-khorshidi",
        "--provider",
        "sindh-police",
        "--category",
        "nominal",
        "--reason-code",
        "protectee-request",
        "--reason",
        "Protectee asked in writing for a smaller detail",
        "--by",
        "ssu-operator",
    ).stdout.strip()
    assert demo.cli("approve", decision, "--by", "ssu-chief").exit_code == 0


def test_state_machine_refusals(demo: Registry) -> None:
    second_grant = demo.cli(
        "decide",
        "grant",
        "--protectee",
        "farooq-sattar",
        "--provider",
        "sindh-police",
        "--category",
        "standard",
        "--reason-code",
        "office-entitlement",
        "--reason",
        "Leader of a parliamentary party in the province",
        "--by",
        "ssu-operator",
    )
    assert second_grant.exit_code == 2 and second_grant.stderr.startswith("error: R-STATE: ")
    nothing = demo.cli(
        "decide",
        "withdraw",
        "--protectee",
        "farooq-sattar",
        "--provider",
        "moi-federal",
        *REASON,
        "--by",
        "moi-operator",
    )
    assert nothing.exit_code == 2 and nothing.stderr.startswith("error: R-STATE: ")
    sideways = demo.cli(
        "decide",
        "upgrade",
        "--protectee",
        "ali-khorshidi",
        "--provider",
        "sindh-police",
        "--category",
        "nominal",
        "--reason-code",
        "threat-reassessed",
        "--reason",
        "New assessment from Special Branch",
        "--by",
        "ssu-operator",
    )
    assert sideways.exit_code == 2 and "not higher" in sideways.stderr


def test_operator_of_another_provider_may_not_propose(demo: Registry) -> None:
    result = demo.cli(*WITHDRAW, *REASON, "--by", "moi-operator")
    assert result.exit_code == 2 and result.stderr.startswith("error: R-AUTHORITY: ")


def test_naive_effective_time_is_refused(demo: Registry) -> None:
    result = demo.cli(
        *WITHDRAW, *REASON, "--by", "ssu-operator", "--effective", "2026-02-01T12:00:00"
    )
    assert result.exit_code == 2
    assert "--effective" in result.stderr and "offset" in result.stderr


def test_unknown_protectee_fails_with_exit_1(demo: Registry) -> None:
    result = demo.cli("status", "nobody", "--json")
    assert result.exit_code == 1 and "unknown protectee 'nobody'" in result.stderr


def test_rescind_before_effect_and_not_after(demo: Registry) -> None:
    decision = demo.cli(*WITHDRAW, *REASON, "--by", "ssu-operator").stdout.strip()
    assert demo.cli("approve", decision, "--by", "ssu-chief").exit_code == 0
    short = demo.cli("rescind", decision, "--by", "ssu-chief", "--reason", "no")
    assert short.exit_code == 2 and short.stderr.startswith("error: R-REASON: ")
    liaison = demo.cli("rescind", decision, "--by", "mqm-liaison", "--reason", "x" * 25)
    assert liaison.exit_code == 2 and liaison.stderr.startswith("error: R-AUTHORITY: ")
    ok = demo.cli(
        "rescind", decision, "--by", "ssu-chief", "--reason", "The court stayed its order on appeal"
    )
    assert ok.exit_code == 0, ok.output
    demo.clock.advance(days=4)
    status = json.loads(demo.cli("status", "farooq-sattar", "--json").stdout)
    assert [c["provider"] for c in status["coverages"]] == ["sindh-police"]

    later = demo.cli(*WITHDRAW, *REASON, "--by", "ssu-operator").stdout.strip()
    assert demo.cli("approve", later, "--by", "ssu-chief").exit_code == 0
    demo.clock.advance(days=4)
    too_late = demo.cli(
        "rescind", later, "--by", "ssu-chief", "--reason", "Changed our mind after the fact"
    )
    assert too_late.exit_code == 2 and "already in effect" in too_late.stderr


def test_double_approval_is_a_conflict(demo: Registry) -> None:
    decision = demo.cli(*WITHDRAW, *REASON, "--by", "ssu-operator").stdout.strip()
    assert demo.cli("approve", decision, "--by", "ssu-chief").exit_code == 0
    again = demo.cli("approve", decision, "--by", "ptac-chair")
    assert again.exit_code == 1 and "already approved" in again.stderr
