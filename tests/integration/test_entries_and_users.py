"""Threat assessments, ground reports and user administration through the command line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SCENARIO, Registry, write_scenario

THREAT = (
    "threat",
    "add",
    "--protectee",
    "farooq-sattar",
    "--agency",
    "Special Branch",
    "--summary",
    "Named in intercepted chatter",
    "--valid-until",
    "2026-07-27T00:00:00+05:00",
)


def test_intelligence_enters_assessments_and_they_set_a_floor(demo: Registry) -> None:
    refused = demo.cli(*THREAT, "--level", "high", "--by", "ssu-chief")
    assert refused.exit_code == 2 and refused.stderr.startswith("error: R-AUTHORITY: ")
    added = demo.cli(*THREAT, "--level", "high", "--by", "special-branch", "--json")
    assert added.exit_code == 0, added.output
    assessment = json.loads(added.stdout)["assessment"]
    assert assessment.startswith("t-")

    proposed = demo.cli(
        "decide",
        "withdraw",
        "--protectee",
        "farooq-sattar",
        "--provider",
        "sindh-police",
        "--reason-code",
        "court-order",
        "--reason",
        "Sindh High Court ordered a security review",
        "--by",
        "ssu-operator",
        "--json",
    )
    body = json.loads(proposed.stdout)
    assert any(assessment in why for why in body["needs_committee"])
    # The shipped policy's chain: the provider's approver, then the committee.
    first = demo.cli("approve", body["decision"], "--by", "ssu-chief")
    assert first.exit_code == 0, first.output
    assert "waiting on committee" in first.stdout
    again = demo.cli("approve", body["decision"], "--by", "ssu-chief")
    assert again.exit_code == 2 and "step 2 of 2 needs the committee" in again.stderr
    final = demo.cli("approve", body["decision"], "--by", "ptac-chair")
    assert final.exit_code == 0, final.output and "takes effect" in final.stdout


def test_assessment_input_is_checked(demo: Registry) -> None:
    bad_level = demo.cli(*THREAT, "--level", "dire", "--by", "special-branch")
    assert bad_level.exit_code == 2 and "level" in bad_level.stderr
    backwards = demo.cli(
        *THREAT[:-2],
        "--valid-until",
        "2025-01-01T00:00:00+05:00",
        "--level",
        "low",
        "--by",
        "special-branch",
    )
    assert backwards.exit_code == 2 and "valid_until" in backwards.stderr


def test_expired_threat_cover_is_flagged_r_basis(demo: Registry) -> None:
    demo.cli(
        *THREAT[:-2],
        "--valid-until",
        "2026-02-10T00:00:00+05:00",
        "--level",
        "severe",
        "--by",
        "special-branch",
    )
    grant = demo.cli(
        "decide",
        "grant",
        "--protectee",
        "farooq-sattar",
        "--provider",
        "moi-federal",
        "--category",
        "dedicated",
        "--basis",
        "threat",
        "--reason-code",
        "threat-assessed",
        "--reason",
        "Severe threat assessed by Special Branch",
        "--by",
        "moi-operator",
    ).stdout.strip()
    assert demo.cli("approve", grant, "--by", "moi-approver").exit_code == 0

    def basis_flags() -> list[dict[str, str]]:
        flags = json.loads(demo.cli("flags", "--json").stdout)
        return [f for f in flags if f["rule"] == "R-BASIS"]

    assert basis_flags() == []
    demo.clock.set("2026-02-11T00:00:00+00:00")
    [flag] = basis_flags()
    assert (flag["protectee"], flag["provider"], flag["subject"]) == (
        "farooq-sattar",
        "moi-federal",
        grant,
    )


def test_ground_report_by_liaison_and_refusal_for_strangers(demo: Registry) -> None:
    report = demo.cli(
        "report",
        "discrepancy",
        "--protectee",
        "farooq-sattar",
        "--provider",
        "sindh-police",
        "--by",
        "mqm-liaison",
        "--observed",
        "2026-01-27T14:00:00+05:00",
        "--text",
        "Guard post empty since noon",
    )
    assert report.exit_code == 0, report.output
    stranger = demo.cli(
        "report",
        "discrepancy",
        "--protectee",
        "farooq-sattar",
        "--provider",
        "sindh-police",
        "--by",
        "special-branch",
        "--observed",
        "2026-01-27T14:00:00+05:00",
        "--text",
        "Guard post empty since noon",
    )
    assert stranger.exit_code == 2 and stranger.stderr.startswith("error: R-AUTHORITY: ")
    future = demo.cli(
        "report",
        "discrepancy",
        "--protectee",
        "farooq-sattar",
        "--provider",
        "sindh-police",
        "--by",
        "mqm-liaison",
        "--observed",
        "2026-03-01T14:00:00+05:00",
        "--text",
        "Guard post empty since noon",
    )
    assert future.exit_code == 2 and "future" in future.stderr
    flags = json.loads(demo.cli("flags", "--json").stdout)
    assert sum(f["rule"] == "DISCREPANCY" for f in flags) == 6


def test_user_administration_needs_an_admin(demo: Registry) -> None:
    no_admin = demo.cli(
        "users", "add", "clerk", "--name", "Clerk", "--role", "operator@sindh-police"
    )
    assert no_admin.exit_code == 2 and no_admin.stderr.startswith("error: R-AUTHORITY: ")
    first = demo.cli("users", "add", "root", "--name", "Registrar", "--role", "admin")
    assert first.exit_code == 0, first.output
    second_admin = demo.cli("users", "add", "root2", "--name", "Another", "--role", "admin")
    assert second_admin.exit_code == 2
    ok = demo.cli(
        "users",
        "add",
        "clerk",
        "--name",
        "Clerk",
        "--role",
        "operator@sindh-police",
        "--by",
        "root",
    )
    assert ok.exit_code == 0, ok.output
    bad_role = demo.cli("users", "grant", "clerk", "operator@nowhere", "--by", "root")
    assert bad_role.exit_code == 1 and "unknown provider 'nowhere'" in bad_role.stderr
    not_admin = demo.cli("users", "grant", "clerk", "committee", "--by", "ssu-chief")
    assert not_admin.exit_code == 2
    granted = demo.cli("users", "grant", "clerk", "approver@sindh-police", "--by", "root")
    assert granted.exit_code == 0, granted.output
    users = {u["id"]: u for u in json.loads(demo.cli("users", "list", "--json").stdout)}
    assert users["clerk"]["roles"] == ["approver@sindh-police", "operator@sindh-police"]


def test_reviews_due_lists_overdue_cover(demo: Registry) -> None:
    result = demo.cli("reviews", "due", "--json")
    assert result.exit_code == 0, result.output
    queue = json.loads(result.stdout)
    assert len(queue) == 7 and all(item["overdue"] for item in queue)
    assert queue[0]["coverage"] == "d-001"
    assert queue[0]["due"] == "2024-09-08T13:00:00Z"
    human = demo.cli("reviews", "due")
    assert "overdue" in human.stdout


def test_sanctioned_pool_exceeded_is_flagged(registry: Registry, tmp_path: Path) -> None:
    text = SCENARIO.read_text("utf-8").replace(
        "pool: {personnel: 1200, vehicles: 150}", "pool: {personnel: 6, vehicles: 150}"
    )
    assert registry.cli("import", str(write_scenario(tmp_path, text))).exit_code == 0
    flags = json.loads(registry.cli("flags", "--json").stdout)
    [flag] = [f for f in flags if f["rule"] == "R-SANCTION"]
    assert flag["provider"] == "moi-federal"
    assert "8 personnel committed against a pool of 6" in flag["detail"]
