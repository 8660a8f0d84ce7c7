"""A provider's roll: its officers and vehicles loaded from a CSV or a scenario, in one
transaction, each row checked and a bad one named by line and column; read by the provider's
own desk and nobody else; in the ledger as a hash that proves a record without telling it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROLE_USERS, SCENARIO, Registry, write_scenario

OFFICERS = (
    "service_number,name,rank,unit,qualifications,absences\n"
    "SP-1001,Imran Qureshi,Head Constable,SSU Karachi,driver;armed,\n"
    "SP-1002,Sadia Baloch,Constable,SSU Karachi,female;close-protection,"
    "leave:2026-01-20:2026-01-31\n"
    "SP-1003,Asif Memon,Assistant Sub-Inspector,SSU Karachi,armed,\n"
)
VEHICLES = (
    "registration,kind,state\nSPK-1122,mobile-unit,in-service\nSPK-3344,escort-car,in-repair\n"
)


def _csv(tmp_path: Path, text: str, name: str = "roll.csv") -> str:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return str(path)


def _load(reg: Registry, tmp_path: Path) -> None:
    for kind, text in (("officers", OFFICERS), ("vehicles", VEHICLES)):
        path = _csv(tmp_path, text, f"{kind}.csv")
        result = reg.cli("roll", "import", path, "--kind", kind, "--provider", "sindh-police",
                         "--by", "ssu-operator", "--json")  # fmt: skip
        assert result.exit_code == 0, result.output


def test_the_desk_loads_its_roll_and_reads_it_back(demo: Registry, tmp_path: Path) -> None:
    _load(demo, tmp_path)
    listed = demo.cli("roll", "list", "--provider", "sindh-police", "--by", "ssu-chief", "--json")
    assert listed.exit_code == 0, listed.output
    body = json.loads(listed.stdout)
    assert [o["service_number"] for o in body["officers"]] == ["SP-1001", "SP-1002", "SP-1003"]
    sadia = body["officers"][1]
    assert sadia["qualifications"] == ["close-protection", "female"]
    assert sadia["absences"] == [{"kind": "leave", "from": "2026-01-20", "to": "2026-01-31"}]
    assert body["vehicles"] == [
        {"registration": "SPK-1122", "kind": "mobile-unit", "provider": "sindh-police",
         "state": "in-service"},
        {"registration": "SPK-3344", "kind": "escort-car", "provider": "sindh-police",
         "state": "in-repair"},
    ]  # fmt: skip
    table = demo.cli("roll", "list", "--provider", "sindh-police", "--by", "ssu-operator")
    assert "Sadia Baloch" in table.stdout and "SPK-1122" in table.stdout


def test_the_ledger_proves_each_record_without_naming_anyone(
    demo: Registry, tmp_path: Path
) -> None:
    _load(demo, tmp_path)
    verified = demo.cli("ledger", "verify", "--json")
    assert verified.exit_code == 0, verified.output
    with demo.engine.connect() as c:
        from sqlalchemy import select

        from hifazat.store import tables as t

        entries = [
            json.loads(r.entry) if isinstance(r.entry, str) else r.entry
            for r in c.execute(select(t.ledger_entries))
        ]
    text = json.dumps(entries, default=str)
    assert text.count('"officer.added"') == 3 and text.count('"vehicle.added"') == 2
    for secret in ("Imran Qureshi", "SP-1001", "Sadia", "SPK-1122", "SSU Karachi"):
        assert secret not in text


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (OFFICERS.replace("driver;armed", "driver;sniper"), 2,
         "qualifications: unknown qualification 'sniper'"),
        (OFFICERS.replace("leave:2026-01-20:2026-01-31", "leave:2026-01-31:2026-01-20"), 3,
         "absences: ends (2026-01-20) before it begins (2026-01-31)"),
        (OFFICERS.replace("Asif Memon", ""), 4, "name is empty"),
        (OFFICERS.replace("SP-1003", "SP-1001"), 4,
         "officer SP-1001 is listed twice (first at line 2)"),
        (OFFICERS.replace("SP-1003", "SP 1003"), 4, "service_number: "),
        ("service_number,name,rank\nSP-1,A,B\n", 1, "the header lacks unit"),
        (OFFICERS.replace("absences\n", "absences,shoe_size\n"), 1, "unknown column 'shoe_size'"),
    ],
)  # fmt: skip
def test_a_bad_row_is_named_and_nothing_is_kept(
    demo: Registry, tmp_path: Path, text: str, where: int, message: str
) -> None:
    before = demo.dump(everything=True)
    path = _csv(tmp_path, text)
    result = demo.cli("roll", "import", path, "--kind", "officers", "--provider", "sindh-police",
                      "--by", "ssu-operator")  # fmt: skip
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {path}:{where}: ")
    assert message in result.stderr
    assert demo.dump(everything=True) == before


def test_a_number_already_on_the_roll_is_refused(demo: Registry, tmp_path: Path) -> None:
    _load(demo, tmp_path)
    again = _csv(tmp_path, "service_number,name,rank,unit\nSP-1002,Someone,Constable,SSU\n")
    result = demo.cli("roll", "import", again, "--kind", "officers", "--provider", "sindh-police",
                      "--by", "ssu-operator")  # fmt: skip
    assert result.exit_code == 2
    assert "officer SP-1002 is already on the roll" in result.stderr


@pytest.mark.parametrize("user", sorted(set(ROLE_USERS.values()) - {"farooq"} | {"moi-operator"}))
def test_only_the_provider_s_own_desk_reads_or_writes_its_roll(
    demo: Registry, tmp_path: Path, user: str
) -> None:
    if user == "registrar":  # the demo's admin, as the API tests make it
        made = demo.cli("users", "add", "registrar", "--name", "Registrar", "--role", "admin")
        assert made.exit_code == 0, made.output
    _load(demo, tmp_path)
    own = user in {"ssu-operator", "ssu-chief"}
    listed = demo.cli("roll", "list", "--provider", "sindh-police", "--by", user, "--json")
    path = _csv(tmp_path, "registration,kind\nSPK-9999,mobile-unit\n", "more.csv")
    added = demo.cli("roll", "import", path, "--kind", "vehicles", "--provider", "sindh-police",
                     "--by", user)  # fmt: skip
    if own:
        assert listed.exit_code == 0 and added.exit_code == 0
        return
    for result in (listed, added):
        assert result.exit_code == 1, result.output
        assert "may not" in result.stderr
        assert "Imran" not in result.output and "SPK-1122" not in result.output


def test_a_scenario_carries_the_roll(registry: Registry, tmp_path: Path) -> None:
    text = SCENARIO.read_text("utf-8") + (
        "officers:\n"
        "  - {provider: sindh-police, service_number: SP-2001, name: Nadeem Shah,"
        " rank: Constable, unit: SSU Karachi, qualifications: [driver],"
        " absences: [{kind: sickness, from: 2026-01-05, to: 2026-01-07}]}\n"
        "vehicles:\n"
        "  - {provider: moi-federal, registration: ICT-5151, kind: armoured-car}\n"
    )
    bad = write_scenario(
        tmp_path, text.replace("moi-federal, registration", "nobody, registration")
    )
    failed = registry.cli("import", str(bad))
    assert failed.exit_code == 2
    assert "vehicle ICT-5151" in failed.stderr and "nobody" in failed.stderr
    path = write_scenario(tmp_path, text, "with-roll.yaml")
    result = registry.cli("import", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["officers"] == 1
    listed = registry.cli("roll", "list", "--provider", "moi-federal", "--by", "moi-operator",
                          "--json")  # fmt: skip
    assert json.loads(listed.stdout)["vehicles"][0]["registration"] == "ICT-5151"
    sindh = registry.cli("roll", "list", "--provider", "sindh-police", "--by", "ssu-chief",
                         "--json")  # fmt: skip
    (nadeem,) = json.loads(sindh.stdout)["officers"]
    assert nadeem["absences"] == [{"kind": "sickness", "from": "2026-01-05", "to": "2026-01-07"}]
