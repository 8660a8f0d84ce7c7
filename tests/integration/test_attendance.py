"""Attendance at the posts, and cover on paper against guards on the ground: the Karachi demo's
deployment shows the Sindh officers pulled from all five leaders as NOMINAL cover from the shift
after the withdrawal on the ground, with no decision on record; check-ins and check-outs keep
their order; officers standing where no cover was decided are UNAUTHORISED; and only the
provider's own desk sees who stood where, while the protectee learns counts alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Api, Registry

DEPLOYMENT = ROOT / "scenarios" / "karachi-deployment.yaml"
SINDH = ("khalid-maqbool-siddiqui", "mustafa-kamal", "farooq-sattar", "anis-kaimkhani",
         "ali-khorshidi")  # fmt: skip


@pytest.fixture
def deployed(demo: Registry) -> Registry:
    """The demo as `hifazat demo` makes it: the scenario, then its forces' deployment."""
    loaded = demo.cli("import", str(DEPLOYMENT), "--json")
    assert loaded.exit_code == 0, loaded.output
    counts = json.loads(loaded.stdout)
    assert (counts["officers"], counts["vehicles"], counts["rosters"]) == (186, 12, 2)
    demo.clock.set("2026-02-10T12:00:00+05:00")  # after both rosters' fortnight
    return demo


def _flags(reg: Registry) -> list[dict[str, Any]]:
    result = reg.cli("flags", "--json")
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout))


def test_the_demo_shows_the_january_withdrawal_as_nominal_cover(deployed: Registry) -> None:
    flags = _flags(deployed)
    nominal = [f for f in flags if f["rule"] == "NOMINAL"]
    # every Sindh cover, from the first shift after the officers left at 13:00 on 27 January
    # (the evening, 14:00) to the end of the roster: twenty shifts with nobody at the post
    assert sorted(f["protectee"] for f in nominal) == sorted(SINDH)
    assert {f["provider"] for f in nominal} == {"sindh-police"}
    assert {f["since"] for f in nominal} == {"2026-01-27T09:00:00Z"}
    assert all("nobody on duty for 20 consecutive shifts" in f["detail"] for f in nominal)
    # the federal detail for the two ministers stayed: never nominal, and short once
    short = {(f["protectee"], f["provider"]): f for f in flags if f["rule"] == "UNDERSTAFFED"}
    assert set(short) == {
        ("ali-khorshidi", "sindh-police"),
        ("anis-kaimkhani", "sindh-police"),
        ("mustafa-kamal", "moi-federal"),
    }
    assert short["ali-khorshidi", "sindh-police"]["evidence"] == ["2026-01-24/night"]
    assert "fewest on duty 5 of 8 officers" in short["ali-khorshidi", "sindh-police"]["detail"]
    assert short["mustafa-kamal", "moi-federal"]["evidence"] == ["2026-01-29/morning"]
    assert not [f for f in flags if f["rule"] == "UNAUTHORISED"]
    # cover left on paper counts against the affiliation beside the ground reports
    cluster = next(f for f in flags if f["rule"] == "CLUSTER")
    assert "nominal covers" in cluster["detail"] and "ground reports" in cluster["detail"]


def test_the_sheet_shows_who_stood_and_who_missed(deployed: Registry) -> None:
    result = deployed.cli("attendance", "show", "--provider", "sindh-police",
                          "--from", "2026-01-27", "--by", "ssu-operator", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    sheet = json.loads(result.stdout)
    khalid = {s["shift"]: s for s in sheet["shifts"] if s["protectee"] == "khalid-maqbool-siddiqui"}
    morning, evening = khalid["morning"], khalid["evening"]
    assert (morning["officers_wanted"], morning["vehicles_wanted"]) == (8, 2)
    # the morning stood (in at 06:00, out at 13:00: more than half the shift) with its cars
    assert morning["state"] == "staffed" and len(morning["present"]) == 8
    assert len(morning["vehicles_present"]) == 2 and not morning["missed"]
    # from the evening, the rostered officers never came: each missed check-in is named
    assert evening["state"] == "empty" and not evening["present"]
    assert len(evening["missed"]) == 8 and all(m["name"] for m in evening["missed"])
    assert sheet["measured_days"] == ["2026-01-27"]
    table = deployed.cli("attendance", "show", "--provider", "sindh-police",
                         "--from", "2026-01-27", "--by", "ssu-chief")  # fmt: skip
    assert table.exit_code == 0 and "Khalid Maqbool Siddiqui" in table.stdout


def _roll(reg: Registry, tmp_path: Path, provider: str, prefix: str, by: str) -> None:
    rows = ["service_number,name,rank,unit,qualifications"]
    rows += [f"{prefix}-{n},Officer {prefix} {n},Constable,Karachi,driver" for n in range(1, 9)]
    path = tmp_path / f"{provider}.csv"
    path.write_text("\n".join(rows) + "\n", "utf-8")
    done = reg.cli("roll", "import", str(path), "--kind", "officers", "--provider", provider,
                   "--by", by)  # fmt: skip
    assert done.exit_code == 0, done.output


def _check(reg: Registry, kind: str, officer: str, *more: str, by: str = "ssu-operator") -> Any:
    return reg.cli("attendance", kind, "--provider", "sindh-police", "--officer", officer,
                   *more, "--by", by, "--json")  # fmt: skip


def test_checks_go_in_order_and_name_their_fault(demo: Registry, tmp_path: Path) -> None:
    _roll(demo, tmp_path, "sindh-police", "SP", "ssu-operator")
    farooq = ("--protectee", "farooq-sattar")
    checked = _check(demo, "in", "SP-1", *farooq, "--at", "2026-01-27T14:00:00+05:00")
    assert checked.exit_code == 0, checked.output
    view = json.loads(checked.stdout)
    assert (view["kind"], view["at"], view["recorded_by"]) == ("in", "2026-01-27T09:00:00Z",
                                                               "ssu-operator")  # fmt: skip
    twice = _check(demo, "in", "SP-1", "--protectee", "anis-kaimkhani")
    assert twice.exit_code == 1 and "check out first" in twice.stderr
    earlier = _check(demo, "out", "SP-1", "--at", "2026-01-27T13:00:00+05:00")
    assert earlier.exit_code == 2 and "checks go in order" in earlier.stderr
    out = _check(demo, "out", "SP-1")
    assert out.exit_code == 0 and json.loads(out.stdout)["protectee"] == "farooq-sattar"
    again = _check(demo, "out", "SP-1")
    assert again.exit_code == 1 and "is not checked in" in again.stderr
    unknown = _check(demo, "in", "SP-99", *farooq)
    assert unknown.exit_code == 1 and "unknown officer 'SP-99'" in unknown.stderr
    future = _check(demo, "in", "SP-2", *farooq, "--at", "2026-01-28T10:00:00+05:00")
    assert future.exit_code == 2 and "in the future" in future.stderr
    stale = _check(demo, "in", "SP-2", *farooq, "--at", "2026-01-10T10:00:00+05:00")
    assert stale.exit_code == 2 and "7 days late" in stale.stderr
    car = _check(demo, "in", "SP-2", *farooq, "--vehicle", "NO-SUCH")
    assert car.exit_code == 1 and "unknown vehicle 'NO-SUCH'" in car.stderr
    nobody = _check(demo, "in", "SP-2", "--protectee", "no-such-person")
    assert nobody.exit_code == 1 and "unknown protectee 'no-such-person'" in nobody.stderr
    text = demo.cli("ledger", "verify")
    assert text.exit_code == 0, text.output


@pytest.mark.parametrize(
    "user", ["ssu-chief", "moi-operator", "auditor", "ptac-chair", "mqm-liaison", "special-branch"]
)
def test_only_the_provider_s_desk_records_and_reads_attendance(
    demo: Registry, tmp_path: Path, user: str
) -> None:
    _roll(demo, tmp_path, "sindh-police", "SP", "ssu-operator")
    checked = _check(demo, "in", "SP-1", "--protectee", "farooq-sattar", by=user)
    shown = demo.cli("attendance", "show", "--provider", "sindh-police", "--by", user, "--json")
    if user == "ssu-chief":  # the approver is a desk of the provider too
        assert checked.exit_code == 0 and shown.exit_code == 0
        assert "Officer SP 1" in shown.stdout
        return
    assert checked.exit_code == 1 and "may not" in checked.stderr
    assert shown.exit_code == 1 and "may not" in shown.stderr and "SP-1" not in shown.output


def test_officers_where_no_cover_was_decided_are_unauthorised(
    demo: Registry, tmp_path: Path
) -> None:
    _roll(demo, tmp_path, "moi-federal", "FP", "moi-operator")
    published = demo.cli("roster", "publish", "--provider", "moi-federal", "--from", "2026-01-26",
                         "--days", "2", "--time-limit", "2", "--by", "moi-operator")  # fmt: skip
    assert published.exit_code == 0, published.output
    # a federal officer at Farooq Sattar's door, whom the federal force never decided to cover
    for kind, at in (("in", "2026-01-27T06:00:00+05:00"), ("out", "2026-01-27T14:00:00+05:00")):
        more = ("--protectee", "farooq-sattar") if kind == "in" else ()
        done = demo.cli("attendance", kind, "--provider", "moi-federal", "--officer", "FP-8",
                        *more, "--at", at, "--by", "moi-operator")  # fmt: skip
        assert done.exit_code == 0, done.output
    demo.clock.set("2026-01-27T15:00:00+05:00")
    flags = _flags(demo)
    over = [f for f in flags if f["rule"] == "UNAUTHORISED"]
    assert [(f["protectee"], f["provider"]) for f in over] == [("farooq-sattar", "moi-federal")]
    assert over[0]["evidence"] == ["2026-01-27/morning"]
    assert "1 officers on duty in 1 shifts" in over[0]["detail"]


def test_the_api_records_checks_and_the_protectee_sees_counts_alone(
    api: Api, demo: Registry, tmp_path: Path
) -> None:
    _roll(demo, tmp_path, "sindh-police", "SP", "ssu-operator")
    url = "/api/v1/providers/sindh-police/attendance"
    for n in (1, 2):
        body = {"officer": f"SP-{n}", "kind": "in", "protectee": "farooq-sattar"}
        made = api.call("POST", url, "operator", json=body)
        assert made.status_code == 201, made.text
        assert made.json()["protectee"] == "farooq-sattar"
    bad = api.call("POST", url, "operator", json={"officer": "SP-3", "kind": "in"})
    assert bad.status_code == 422 and "protectee" in bad.text
    demo.clock.advance(minutes=30)
    seen = api.call("GET", "/api/v1/protectees/farooq-sattar/on-duty", "protectee")
    assert seen.status_code == 200, seen.text
    duty = seen.json()
    # Farooq Sattar's nominal cover: 2 officers decided, 2 on duty; no name, no time of shift
    assert duty["providers"] == [
        {"provider": "sindh-police", "on_duty": 2, "officers_decided": 2, "matches": True}
    ]
    assert "SP-1" not in seen.text and "Officer" not in seen.text
    out = api.call("POST", url, "operator", json={"officer": "SP-2", "kind": "out"})
    assert out.status_code == 201, out.text
    after = api.call("GET", "/api/v1/protectees/farooq-sattar/on-duty", "liaison").json()
    assert after["providers"][0]["on_duty"] == 1 and after["providers"][0]["matches"] is False
    sheet = api.call("GET", f"{url}?from=2026-01-27", "approver")
    assert sheet.status_code == 200, sheet.text
    assert {s["protectee"] for s in sheet.json()["shifts"]} >= {"farooq-sattar"}
    refused = api.call("GET", f"{url}?from=2026-01-27", "auditor")
    assert refused.status_code == 403 and "SP-1" not in refused.text
