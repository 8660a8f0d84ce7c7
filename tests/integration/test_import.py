"""Scenario import: broken files fail whole, naming the line, and leave the database as it was."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SCENARIO, Registry, write_scenario

DEMO = SCENARIO.read_text(encoding="utf-8")
POLICY = (SCENARIO.parent.parent / "policies" / "pk-sindh-illustrative.yaml").read_text("utf-8")


def _line_of(text: str, needle: str) -> int:
    for n, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)


def _write(tmp_path: Path, text: str) -> Path:
    return write_scenario(tmp_path, text)


def test_demo_imports_with_counts(registry: Registry) -> None:
    result = registry.cli("import", str(SCENARIO), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "policy": "pk-sindh-illustrative",
        "providers": 2,
        "users": 8,
        "protectees": 5,
        "threat_assessments": 0,
        "decisions": 7,
        "discrepancies": 5,
        "officers": 0,
        "vehicles": 0,
        "rosters": 0,
        "attendance": 0,
        "events": 0,
    }


BROKEN: dict[str, tuple[Callable[[str], str], str, str]] = {
    "unknown key": (
        lambda t: t.replace(
            "    jurisdiction: Sindh\n", "    jurisdiction: Sindh\n    colour: red\n", 1
        ),
        "colour: red",
        "unknown key",
    ),
    "naive timestamp": (
        lambda t: t.replace(
            'decided_at: "2024-03-13T11:05:00+05:00"', 'decided_at: "2024-03-13T11:05:00"'
        ),
        "id: d-004",
        "no UTC offset",
    ),
    "dangling reference": (
        lambda t: t.replace(
            "protectee: farooq-sattar, provider: sindh-police, action: grant",
            "protectee: farooq-satar, provider: sindh-police, action: grant",
        ),
        "id: d-006",
        "unknown protectee 'farooq-satar'",
    ),
    "duplicate id": (
        lambda t: t.replace("{id: d-007,", "{id: d-006,"),
        "protectee: anis-kaimkhani, provider: sindh-police, action: grant",
        "duplicate id 'd-006'",
    ),
    "refused decision": (
        lambda t: t.replace(
            "reason: Leader of the Opposition in the Sindh Assembly", "reason: opposition"
        ),
        "id: d-005",
        "R-REASON",
    ),
    "unknown category": (
        lambda t: re.sub(r"(id: d-006,.*?)category: nominal", r"\1category: platinum", t),
        "id: d-006",
        "platinum",
    ),
    "bad role": (
        lambda t: t.replace("roles: [intelligence]", "roles: [spy]"),
        "roles: [spy]",
        "'spy' is not a role",
    ),
    "repeated key": (
        lambda t: t.replace("    level: federal\n", "    level: federal\n    level: district\n", 1),
        "level: district",
        "given twice",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_file_names_its_line_and_changes_nothing(
    registry: Registry, tmp_path: Path, case: str
) -> None:
    mutate, needle, message = BROKEN[case]
    text = mutate(DEMO)
    assert text != DEMO, "the mutation must apply"
    path = _write(tmp_path, text)
    before = registry.dump(everything=True)
    result = registry.cli("import", str(path))
    assert result.exit_code == 2, result.output
    assert f"broken.yaml:{_line_of(text, needle)}:" in result.stderr, result.stderr
    assert message in result.stderr
    assert result.stderr.startswith("error: ")
    assert registry.dump(everything=True) == before


def test_refused_row_names_the_rule_first(registry: Registry, tmp_path: Path) -> None:
    text = BROKEN["refused decision"][0](DEMO)
    result = registry.cli("import", str(_write(tmp_path, text)))
    assert result.stderr.startswith("error: R-REASON: ")
    assert "decision d-005" in result.stderr


def test_second_import_into_a_loaded_registry_changes_nothing(demo: Registry) -> None:
    before = demo.dump(everything=True)
    result = demo.cli("import", str(SCENARIO))
    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert demo.dump(everything=True) == before


def test_inline_policy_and_its_errors(registry: Registry, tmp_path: Path) -> None:
    inline = "policy:\n" + "".join(
        f"  {line}\n" for line in POLICY.splitlines() if line and not line.startswith("#")
    )
    text = DEMO.replace("policy: ../policies/pk-sindh-illustrative.yaml\n", inline)
    ok = registry.cli("import", str(_write(tmp_path, text)))
    assert ok.exit_code == 0, ok.output

    bad = text.replace("notice_period: 72h", "notice_period: three days")
    path = tmp_path / "bad-policy.yaml"
    path.write_text(bad, "utf-8")
    result = registry.cli("import", str(path))
    assert result.exit_code == 2
    assert (
        f"bad-policy.yaml:{_line_of(bad, 'notice_period')}: policy.notice_period" in result.stderr
    )


def test_missing_policy_file_is_named(registry: Registry, tmp_path: Path) -> None:
    path = tmp_path / "lonely.yaml"
    path.write_text(DEMO, "utf-8")
    result = registry.cli("import", str(path))
    assert result.exit_code == 2 and "pk-sindh-illustrative.yaml" in result.stderr


THREAT = (
    "threat_assessments:\n"
    "  - {protectee: ali-khorshidi, level: severe, agency: Special Branch,"
    ' assessed_at: "2024-03-15T09:00:00+05:00", valid_until: "2027-03-15T09:00:00+05:00",'
    " summary: Credible plot reported, entered_by: special-branch}\n"
)
DOWNGRADE = (
    "  - {id: d-008, protectee: ali-khorshidi, provider: sindh-police, action: downgrade,"
    " category: standard, reason_code: protectee-request, reason: Protectee asked for a smaller"
    " detail, proposed_by: ssu-operator, approved_by: APPROVERS,"
    ' decided_at: "2024-04-01T09:00:00+05:00", effective_at: "2024-04-05T09:00:00+05:00"}\n'
)


def _threatened(approvers: str) -> str:
    return DEMO.replace("decisions:\n", THREAT + "decisions:\n").replace(
        "# On the ground", DOWNGRADE.replace("APPROVERS", approvers) + "# On the ground"
    )


def test_a_chain_needs_every_approver_named(registry: Registry, tmp_path: Path) -> None:
    """Under a severe threat the shipped policy's chain asks the approver, then the committee."""
    text = _threatened("ssu-chief")
    result = registry.cli("import", str(_write(tmp_path, text)))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: R-AUTHORITY: ")
    assert f"broken.yaml:{_line_of(text, 'id: d-008')}:" in result.stderr
    assert "next: committee" in result.stderr
    ok = registry.cli("import", str(_write(tmp_path, _threatened("[ssu-chief, ptac-chair]"))))
    assert ok.exit_code == 0, ok.output


def test_scenario_threats_hold_decisions_to_the_floor(registry: Registry, tmp_path: Path) -> None:
    """Without a chain, the provider's approver alone is refused below the threat floor."""
    text = _threatened("ssu-chief")
    path = _write(tmp_path, text)
    policy = tmp_path / "policies" / "pk-sindh-illustrative.yaml"
    chainless = policy.read_text("utf-8").split("# Approval chains")[0]
    policy.write_text(chainless + "restoring_reason_code: review-outcome\n", "utf-8")
    result = registry.cli("import", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: R-THREAT: ")
    assert f"broken.yaml:{_line_of(text, 'id: d-008')}:" in result.stderr
