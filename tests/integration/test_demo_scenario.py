"""The Karachi scenario, as the core registry issue's checks describe it, through the CLI."""

from __future__ import annotations

import json

from tests.conftest import Registry


def test_khalid_has_federal_and_provincial_cover(demo: Registry) -> None:
    result = demo.cli("status", "khalid-maqbool-siddiqui", "--json")
    assert result.exit_code == 0, result.output
    status = json.loads(result.stdout)
    covers = {(c["provider"], c["category"], c["state"]) for c in status["coverages"]}
    assert covers == {
        ("moi-federal", "standard", "active"),
        ("sindh-police", "dedicated", "active"),
    }
    assert status["totals"] == {"personnel": 12, "vehicles": 3}
    assert status["at"] == "2026-01-27T10:00:00Z"


def test_flags_list_the_five_ground_reports_and_one_cluster(demo: Registry) -> None:
    result = demo.cli("flags", "--json")
    assert result.exit_code == 0, result.output
    flags = json.loads(result.stdout)
    reports = [f for f in flags if f["rule"] == "DISCREPANCY"]
    assert len(reports) == 5
    assert {f["protectee"] for f in reports} == {
        "khalid-maqbool-siddiqui",
        "mustafa-kamal",
        "farooq-sattar",
        "anis-kaimkhani",
        "ali-khorshidi",
    }
    assert all(f["provider"] == "sindh-police" and f["subject"].startswith("g-") for f in reports)
    clusters = [f for f in flags if f["rule"] == "CLUSTER"]
    assert len(clusters) == 1
    cluster = clusters[0]
    assert (cluster["provider"], cluster["subject"]) == ("sindh-police", "MQM-P")
    assert sorted(cluster["evidence"]) == sorted(f["subject"] for f in reports)


def test_status_json_shows_each_flag_with_its_subject(demo: Registry) -> None:
    status = json.loads(demo.cli("status", "farooq-sattar", "--json").stdout)
    assert status["coverages"][0]["decision"] == "d-006"
    assert status["coverages"][0]["since"] == "2024-03-14T13:00:00Z"
    assert status["totals"] == {"personnel": 2, "vehicles": 0}
    rules = {f["rule"]: f for f in status["flags"]}
    assert rules["DISCREPANCY"]["subject"].startswith("g-")
    assert rules["R-REVIEW"]["subject"] == "d-006"


def test_the_federal_cover_outlives_a_provincial_withdrawal(demo: Registry) -> None:
    """The spokesman's point: federal cover continued while provincial cover was pulled."""
    wid = demo.cli(
        "decide",
        "withdraw",
        "--protectee",
        "mustafa-kamal",
        "--provider",
        "sindh-police",
        "--reason-code",
        "court-order",
        "--reason",
        "Sindh High Court order on security review",
        "--by",
        "ssu-operator",
    ).stdout.strip()
    assert demo.cli("approve", wid, "--by", "ssu-chief").exit_code == 0
    demo.clock.advance(hours=73)
    status = json.loads(demo.cli("status", "mustafa-kamal", "--json").stdout)
    assert [(c["provider"], c["category"]) for c in status["coverages"]] == [
        ("moi-federal", "standard")
    ]
    assert status["totals"] == {"personnel": 4, "vehicles": 1}


def test_human_status_is_a_table(demo: Registry) -> None:
    result = demo.cli("status", "khalid-maqbool-siddiqui")
    assert result.exit_code == 0, result.output
    assert "moi-federal" in result.stdout and "dedicated" in result.stdout
    assert "PKT" in result.stdout  # times shown in the policy's zone


def test_demo_command_builds_a_fresh_registry(tmp_path: object) -> None:
    """`hifazat demo` is SQLite by design: the embedded default a single desk runs."""
    from pathlib import Path

    from typer.testing import CliRunner

    from hifazat.cli import State, app
    from tests.conftest import FakeClock

    database = Path(str(tmp_path)) / "demo.db"
    database.write_text("not a database")  # replaced, not appended to
    for _ in range(2):
        result = CliRunner().invoke(
            app, ["demo", "--database", str(database), "--no-serve"], obj=State(clock=FakeClock())
        )
        assert result.exit_code == 0, result.output
    assert "Loaded the Karachi scenario: 2 providers" in result.stdout
    assert "CLUSTER" in result.stdout and "khalid-maqbool-siddiqui" in result.stdout
