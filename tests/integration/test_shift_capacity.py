"""Capacity made real: a provider's shifts counted as sanctioned, available, committed, rostered
and present; and a decision not yet in force planned as if approved, saying what it asks of the
roll and whether the roll has it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Api, Registry
from tests.integration.test_attendance import deployed  # noqa: F401 - the fixture
from tests.integration.test_roster_plan import REASON, _full_roll


def test_the_demo_s_shifts_count_the_ground_against_the_decisions(
    deployed: Registry,  # noqa: F811
) -> None:
    result = deployed.cli("capacity", "--provider", "sindh-police", "--from", "2026-01-27",
                          "--days", "1", "--by", "auditor", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["sanctioned"] == {"officers": 3000, "vehicles": 400}
    assert found["roll"] == {"officers": 150, "vehicles": 8}  # one mobile unit is in repair
    shifts = {s["shift"]: s for s in found["shifts"]}
    morning, evening = shifts["morning"], shifts["evening"]
    # three dedicated details (8 officers, 2 vehicles) and two nominal ones (2 officers)
    assert (morning["committed"], morning["committed_vehicles"]) == (28, 6)
    assert morning["rostered"] == 28 and morning["available"] == 150
    assert (morning["present"], morning["vehicles_present"]) == (28, 6)
    # the afternoon of 27 January: the decisions still commit 28, the roster still puts 28 on
    # duty, and nobody stands
    assert (evening["committed"], evening["rostered"], evening["present"]) == (28, 28, 0)
    refused = deployed.cli("capacity", "--provider", "sindh-police", "--by", "mqm-liaison")
    assert refused.exit_code == 1 and "may not" in refused.stderr


def test_the_api_counts_for_oversight_and_names_nobody(api: Api) -> None:
    url = "/api/v1/providers/sindh-police/capacity?from=2026-01-27&days=1"
    seen = api.call("GET", url, "auditor")
    assert seen.status_code == 200, seen.text
    body = seen.json()
    assert [s["shift"] for s in body["shifts"]] == ["morning", "evening", "night"]
    # no roster is published here: nothing is measured, and nothing is rostered
    assert {(s["rostered"], s["present"]) for s in body["shifts"]} == {(0, None)}
    assert {s["committed"] for s in body["shifts"]} == {28}
    assert api.call("GET", url, "protectee").status_code == 403
    bad = api.call("GET", "/api/v1/providers/sindh-police/capacity?from=27-01-2026", "auditor")
    assert bad.status_code == 422 and "from" in bad.text


def _what_if(reg: Registry, decision: str, by: str = "ssu-operator") -> Any:
    return reg.cli("roster", "what-if", decision, "--from", "2026-01-29", "--days", "2",
                   "--time-limit", "3", "--by", by, "--json")  # fmt: skip


def _propose(reg: Registry, action: str, protectee: str, *more: str) -> str:
    made = reg.cli("decide", action, "--protectee", protectee, "--provider", "sindh-police",
                   *more, *REASON, "--by", "ssu-operator", "--json")  # fmt: skip
    assert made.exit_code == 0, made.output
    return str(json.loads(made.stdout)["decision"])


@pytest.fixture
def staffed(demo: Registry, tmp_path: Path) -> Registry:
    """Ninety officers: one shift a day each stands the 84 posts of a day, not more."""
    loaded = demo.cli("roll", "import", _full_roll(tmp_path), "--kind", "officers",
                      "--provider", "sindh-police", "--by", "ssu-operator")  # fmt: skip
    assert loaded.exit_code == 0, loaded.output
    return demo


def test_a_proposal_that_needs_more_officers_than_the_roll_has_says_so(
    staffed: Registry,
) -> None:
    upgrade = _propose(staffed, "upgrade", "farooq-sattar", "--category", "dedicated")
    result = _what_if(staffed, upgrade)
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    # nominal (2) to a dedicated detail (8): six more a shift, in each of the two days' shifts
    assert found["officer_shifts_changed"] == {"morning": 12, "evening": 12, "night": 12}
    assert found["first_day_changed"] == "2026-01-29"
    assert found["wanted"] == {"without": 168, "with": 204}
    assert found["short"]["without"] == 0
    # 102 posts a day against 90 officers who may stand one shift a day each
    assert found["lacking"] >= 24 and found["roll_has_them"] is False
    text = _what_if(staffed, upgrade).stdout
    assert "The roll lacks them" in text or '"lacking"' in text


def test_a_proposal_that_frees_officers_leaves_the_roll_enough(staffed: Registry) -> None:
    withdraw = _propose(staffed, "withdraw", "anis-kaimkhani")
    found = json.loads(_what_if(staffed, withdraw).stdout)
    assert found["officer_shifts_changed"] == {"morning": -4, "evening": -4, "night": -4}
    assert found["lacking"] == 0 and found["roll_has_them"] is True
    table = staffed.cli("roster", "what-if", withdraw, "--from", "2026-01-29", "--days", "1",
                        "--time-limit", "2", "--by", "ssu-chief")  # fmt: skip
    assert table.exit_code == 0 and "The roll has them" in table.stdout


def test_a_what_if_is_the_desk_s_and_needs_a_decision_not_yet_in_force(
    staffed: Registry,
) -> None:
    upgrade = _propose(staffed, "upgrade", "farooq-sattar", "--category", "dedicated")
    for user in ("moi-operator", "auditor", "mqm-liaison"):
        refused = _what_if(staffed, upgrade, by=user)
        assert refused.exit_code == 1 and "may not" in refused.stderr
    in_force = _what_if(staffed, "d-006")  # Farooq Sattar's grant of 2024
    assert in_force.exit_code == 2 and "already in force" in in_force.stderr
