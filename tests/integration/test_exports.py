"""Traced exports (issue 17): each export is a ledger entry and carries marks keyed to its reader;
`hifazat export trace` names the reader from a leaked copy, and from half of one."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Registry, write_scenario
from tests.retaliation_data import party, scenario

LATER = "2026-01-10T12:00:00+00:00"
REASON = "Quarterly review of cover by the committee's secretariat"


def _export(reg: Registry, kind: str, by: str, out: Path) -> dict[str, object]:
    made = reg.cli("export", kind, "--by", by, "--reason", REASON, "-o", str(out), "--json")
    assert made.exit_code == 0, made.output
    result: dict[str, object] = json.loads(made.stdout)
    return result


def test_a_leaked_copy_and_half_of_one_name_the_reader(demo: Registry, tmp_path: Path) -> None:
    # enough rows to trace: the demo's decisions and a generated party's, to two readers
    demo.clock.set(LATER)
    more = write_scenario(tmp_path, scenario([party("P", 1, cuts=40)], policy=False), "p.yaml")
    assert demo.cli("import", str(more)).exit_code == 0
    files = {
        by: _export(demo, "decisions", by, tmp_path / f"{by}.csv")
        for by in ("auditor", "ptac-chair")
    }
    leaked = tmp_path / "ptac-chair.csv"
    text = leaked.read_text("utf-8")
    rows = text.splitlines()[1:]
    assert len(rows) == files["ptac-chair"]["rows"] and len(rows) >= 8
    others = {by: (tmp_path / f"{by}.csv").read_text("utf-8") for by in files}
    assert len(set(others.values())) == 2  # the same records, marked differently
    # the copy as found: pasted into a message (no header), and then only every other row
    for copy in ("\n".join(rows), "\n".join(rows[::2])):
        found = tmp_path / "found.txt"
        found.write_text(copy, "utf-8")
        traced = demo.cli("export", "trace", str(found), "--by", "auditor", "--json")
        assert traced.exit_code == 0, traced.output
        best, *rest = json.loads(traced.stdout)
        assert (best["reader"], best["export"], best["named"]) == (
            "ptac-chair",
            files["ptac-chair"]["export"],
            True,
        )
        assert best["agree"] == best["bits"] and not any(r["named"] for r in rest)
        said = demo.cli("export", "trace", str(found), "--by", "auditor")
        assert "(ptac-chair), made " in said.stdout and REASON in said.stdout
        assert "PKT because" in said.stdout  # the time in the deployment's zone
    # every export is in the ledger: who, when, why, which rows by count and digest
    entries = demo.cli("ledger", "verify")
    assert entries.exit_code == 0, entries.output


def test_who_may_export_and_trace_and_what_a_bad_request_says(
    demo: Registry, tmp_path: Path
) -> None:
    out = tmp_path / "list.csv"
    refused = demo.cli("export", "protectees", "--by", "ssu-operator", "--reason", REASON,
                       "-o", str(out))  # fmt: skip
    assert refused.exit_code != 0 and not out.exists()
    short = demo.cli("export", "protectees", "--by", "auditor", "--reason", "why", "-o", str(out))
    assert short.exit_code == 2 and "reason" in short.output and not out.exists()
    made = _export(demo, "protectees", "auditor", out)
    assert made["rows"] == 5 and oct(out.stat().st_mode & 0o777) == "0o600"
    again = demo.cli("export", "protectees", "--by", "auditor", "--reason", REASON,
                     "-o", str(out))  # fmt: skip
    assert again.exit_code == 2 and "exists" in again.output
    nothing = tmp_path / "nothing.txt"
    nothing.write_text("a letter with no rows in it\n", "utf-8")
    unknown = demo.cli("export", "trace", str(nothing), "--by", "auditor")
    assert unknown.exit_code == 2 and "file" in unknown.output
    desk = demo.cli("export", "trace", str(out), "--by", "ssu-operator")
    assert desk.exit_code != 0
    # five rows are too few to name anyone beyond doubt: said, not guessed
    few = demo.cli("export", "trace", str(out), "--by", "auditor")
    assert few.exit_code == 1 and "no export is named" in few.stdout
