"""Understaffing is a double standard too: where one provider keeps attendance for protectees of
several affiliations and leaves one affiliation's short on the ground, the fairness audit says
so, with the fairness audit's own test; where it leaves nobody short, it says nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import Registry

PPP = ("ppp-one", "ppp-two", "ppp-three", "ppp-four")
MQM = ("khalid-maqbool-siddiqui", "mustafa-kamal", "farooq-sattar", "anis-kaimkhani",
       "ali-khorshidi")  # fmt: skip


def _scenario(folder: Path, short: bool) -> Path:
    lines = ["version: 1", "protectees:"]
    for pid in PPP:
        lines.append(
            f"  - {{id: {pid}, name: {pid.replace('-', ' ').title()}, affiliation: PPP, "
            "public_figure: true, offices: [{class: parliamentary-party-leader, "
            "title: PPP leader, since: 2024-03-01}]}"
        )
    lines.append("decisions:")
    for n, pid in enumerate(PPP):
        lines.append(
            f"  - {{id: d-ppp-{n}, protectee: {pid}, provider: sindh-police, action: grant, "
            "category: nominal, basis: positional, reason_code: office-entitlement, "
            "reason: Leader of a parliamentary party in the province, proposed_by: ssu-operator, "
            f'approved_by: ssu-chief, decided_at: "2025-06-0{n + 1}T10:00:00+05:00", '
            f'effective_at: "2025-06-0{n + 1}T18:00:00+05:00"}}'
        )
    lines.append("officers:")
    for n in range(140):
        quals = "[driver]" if n < 30 else "[]"
        lines.append(
            f"  - {{provider: sindh-police, service_number: S-{n:03}, name: Officer {n:03}, "
            f"rank: Constable, unit: SSU, qualifications: {quals}}}"
        )
    lines += [
        "rosters:",
        "  - {provider: sindh-police, from: 2026-01-20, days: 2, published_by: ssu-operator, "
        'published_at: "2026-01-19T12:00:00+05:00", time_limit: 3}',
        "attendance_as_rostered:",
        "  - provider: sindh-police",
        '    from: "2026-01-20T06:00:00+05:00"',
        '    to: "2026-01-22T06:00:00+05:00"',
        "    recorded_by: ssu-operator",
        "    short:",
    ]
    if short:  # every MQM-P post empty on the first day's three shifts
        for pid in MQM:
            for shift in ("morning", "evening", "night"):
                lines.append(
                    f"      - {{protectee: {pid}, day: 2026-01-20, shift: {shift}, present: 0}}"
                )
    else:
        lines[-1] = "    short: []"
    path = folder / "ground.yaml"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _findings(reg: Registry, folder: Path, short: bool) -> list[dict[str, Any]]:
    loaded = reg.cli("import", str(_scenario(folder, short)), "--json")
    assert loaded.exit_code == 0, loaded.output
    reg.clock.set("2026-01-23T12:00:00+05:00")
    audit = reg.cli("audit", "fairness", "--from", "2026-01-19T00:00:00+05:00",
                    "--to", "2026-01-23T00:00:00+05:00", "--json")  # fmt: skip
    assert audit.exit_code == 0, audit.output
    return [f for f in json.loads(audit.stdout)["findings"] if f["kind"] == "understaffing"]


def test_one_affiliation_left_short_on_the_ground_is_a_finding(
    demo: Registry, tmp_path: Path
) -> None:
    found = _findings(demo, tmp_path, short=True)
    assert len(found) == 1
    finding = found[0]
    assert (finding["affiliation"], finding["provider"]) == ("MQM-P", "sindh-police")
    # all five MQM-P leaders short, none of the four PPP leaders: p = 1/126
    assert (finding["group"]["affected"], finding["group"]["protectees"]) == (5, 5)
    assert (finding["rest"]["affected"], finding["rest"]["protectees"]) == (0, 4)
    assert abs(finding["p_value"] - 1 / 126) < 1e-9
    assert all(e.split("/")[0] in MQM for e in finding["evidence"])


def test_nobody_left_short_is_no_finding(demo: Registry, tmp_path: Path) -> None:
    assert _findings(demo, tmp_path, short=False) == []
