"""The ledger end to end: entries written with every change, checkpoints, receipts, and
verification that catches edits made with raw SQL behind the application's back."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from hifazat.store.ledger_keys import RECORD_KEYS
from hifazat.store.ledger_records import COMPLETE, KINDS
from tests.conftest import Registry

WITHDRAW = (
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
)


def _verify(reg: Registry) -> tuple[int, str, dict[str, object]]:
    result = reg.cli("ledger", "verify", "--json")
    return result.exit_code, result.stderr, json.loads(result.stdout)


@pytest.fixture
def sealed(demo: Registry) -> Registry:
    """The demo with a pending withdrawal and a checkpoint over it all."""
    decision = demo.cli(*WITHDRAW, "--by", "ssu-operator").stdout.strip()
    assert demo.cli("approve", decision, "--by", "ssu-chief").exit_code == 0
    assert demo.cli("ledger", "checkpoint").exit_code == 0
    return demo


def test_every_change_is_entered_and_an_untouched_ledger_verifies(sealed: Registry) -> None:
    code, err, report = _verify(sealed)
    assert code == 0, err
    assert report["ok"] is True and report["checkpoints"] == 1
    # 1 policy, 2 providers, 8 users + 8 roles, 5 protectees, 7 x (proposed, approved),
    # 5 reports, 7 effects recorded at the checkpoint, then the withdrawal's two entries and
    # its two notices (to the protectee and to their liaison)
    assert report["entries"] == 1 + 2 + 16 + 5 + 14 + 5 + 2 + 2 + 7
    human = sealed.cli("ledger", "verify")
    assert human.exit_code == 0 and "entries/s" in human.stdout


def test_a_refused_attempt_is_entered(demo: Registry) -> None:
    before = _verify(demo)[2]["entries"]
    assert (
        demo.cli(
            "decide",
            "withdraw",
            "--protectee",
            "farooq-sattar",
            "--provider",
            "sindh-police",
            "--by",
            "ssu-operator",
        ).exit_code
        == 2
    )
    code, _, report = _verify(demo)
    assert code == 0 and report["entries"] == before + 1  # type: ignore[operator]
    with demo.engine.connect() as c:
        row = c.execute(text("SELECT entry FROM ledger_entries ORDER BY seq DESC LIMIT 1")).one()
    entry = json.loads(row.entry)
    assert entry["kind"] == "attempt.refused" and entry["actor"] == "ssu-operator"
    assert entry["payload"]["rules"][0]["rule"] == "R-REASON"


TAMPER = {
    "reason text": (
        ["UPDATE decisions SET reason = 'Routine redeployment of personnel' WHERE id = 'd-006'"],
        "decision.proposed",
        "decision d-006",
        "payload.reason",
    ),
    "effective time": (
        ["UPDATE approvals SET effective_at = '2024-03-14 12:00:00' WHERE decision_id = 'd-006'"],
        "decision.approved",
        "approval of decision d-006",
        "payload.effective_at",
    ),
    "approver": (
        ["UPDATE approvals SET approved_by = 'ptac-chair' WHERE decision_id = 'd-005'"],
        "decision.approved",
        "approval of decision d-005",
        "payload.approved_by",
    ),
    "deleted decision": (
        [
            "DELETE FROM notices WHERE decision_id = 'd-007'",
            "DELETE FROM approvals WHERE decision_id = 'd-007'",
            "DELETE FROM decisions WHERE id = 'd-007'",
        ],
        "decision.proposed",
        "decision d-007",
        "missing",
    ),
    "swapped entries": (
        [
            "UPDATE ledger_entries SET seq = -1 WHERE seq = 30",
            "UPDATE ledger_entries SET seq = 30 WHERE seq = 31",
            "UPDATE ledger_entries SET seq = 31 WHERE seq = -1",
        ],
        None,
        None,
        "seq",
    ),
    "altered checkpoint": (
        ["UPDATE ledger_checkpoints SET note = replace(note, :size, :fewer)"],
        "checkpoint",
        "checkpoint 1",
        "signature",
    ),
}
SIZE = {"size": "\n54\n", "fewer": "\n53\n"}  # the sealed log's size, and a lie about it


@pytest.mark.parametrize("case", sorted(TAMPER))
def test_tampering_is_caught_and_named(sealed: Registry, case: str) -> None:
    statements, kind, record, words = TAMPER[case]
    if sealed.backend == "postgres":
        statements = [
            s.replace("'2024-03-14 12:00:00'", "'2024-03-14 12:00:00'::timestamp")
            for s in statements
        ]
    with sealed.engine.begin() as c:
        for statement in statements:
            c.execute(text(statement), SIZE if ":size" in statement else {})
    code, err, report = _verify(sealed)
    assert code == 1 and report["ok"] is False
    first = report["first_problem"]
    assert isinstance(first, dict)
    if kind is not None:
        assert first["kind"] == kind and str(first["record"]).startswith(str(record)), first
    else:
        assert first["seq"] == 30, first
    assert words in first["message"], first
    assert err.startswith("error: ledger: ")


def test_checkpoints_stay_consistent_as_the_log_grows(sealed: Registry) -> None:
    sealed.clock.advance(days=5)  # the withdrawal takes effect and is entered
    again = sealed.cli("ledger", "checkpoint", "--json")
    body = json.loads(again.stdout)
    assert body["new"] is True and body["tree_size"] == 55
    unchanged = json.loads(sealed.cli("ledger", "checkpoint", "--json").stdout)
    assert unchanged["new"] is False
    code, err, report = _verify(sealed)
    assert code == 0 and report["checkpoints"] == 2, err


def test_receipt_verifies_offline_and_fails_when_changed(demo: Registry, tmp_path: Path) -> None:
    receipt = tmp_path / "d-006.json"
    made = demo.cli("ledger", "proof", "d-006", "-o", str(receipt))
    assert made.exit_code == 0, made.output
    key = demo.cli("ledger", "public-key").stdout.strip()
    from typer.testing import CliRunner

    from hifazat.cli import app

    offline = CliRunner().invoke(
        app, ["ledger", "check-receipt", str(receipt), "--key", key, "--json"]
    )
    assert offline.exit_code == 0, offline.output
    body = json.loads(offline.stdout)
    assert body["kind"] == "decision.approved"
    assert body["payload"]["reason"] == "Leader of a parliamentary party in the province"

    raw = receipt.read_bytes()
    position = raw.index(b"parliamentary")
    for offset in (position, raw.index(b'"inclusion"') + 20, raw.rindex(b"=") - 3):
        forged = bytearray(raw)
        forged[offset] = ord("X") if forged[offset] != ord("X") else ord("Y")
        bad = tmp_path / "forged.json"
        bad.write_bytes(bytes(forged))
        result = CliRunner().invoke(app, ["ledger", "check-receipt", str(bad), "--key", key])
        assert result.exit_code == 1, (offset, result.output)
        assert result.stderr.startswith("error: ")


def test_db_upgrade_creates_an_owner_only_key(registry: Registry, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from hifazat.cli import State, app

    key = tmp_path / "keys" / "new.key"
    state = State(clock=registry.clock, url=registry.url, _engine=registry.engine, ledger_key=key)
    result = CliRunner().invoke(app, ["db", "upgrade"], obj=state)
    assert result.exit_code == 0, result.output
    assert "created the ledger signing key" in result.stdout
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    key.chmod(0o644)
    state2 = State(clock=registry.clock, url=registry.url, _engine=registry.engine, ledger_key=key)
    loose = CliRunner().invoke(app, ["ledger", "public-key"], obj=state2)
    assert loose.exit_code == 1 and "chmod 600" in loose.stderr


def test_the_log_alone_is_checked_without_the_records(sealed: Registry) -> None:
    with sealed.engine.begin() as c:  # a record edit only the full check can see
        c.execute(text("UPDATE decisions SET reason = 'Routine' WHERE id = 'd-006'"))
    alone = sealed.cli("ledger", "verify", "--log-only", "--json")
    assert alone.exit_code == 0, alone.stderr
    assert json.loads(alone.stdout)["records_checked"] is False
    assert sealed.cli("ledger", "verify").exit_code == 1
    with sealed.engine.begin() as c:  # an edited entry breaks its leaf hash and the tree
        c.execute(text("UPDATE ledger_entries SET entry = entry || ' ' WHERE seq = 30"))
    broken = sealed.cli("ledger", "verify", "--log-only", "--json")
    assert broken.exit_code == 1
    first = json.loads(broken.stdout)["first_problem"]
    assert first["seq"] == 30 and "leaf hash" in first["message"], first


def test_the_record_keys_in_sql_are_the_loaders_keys(sealed: Registry) -> None:
    """Verification finds records without an entry by SQL: its keys must be the loaders'."""
    assert set(RECORD_KEYS) == COMPLETE
    with sealed.engine.connect() as c:
        for kind, query in RECORD_KEYS.items():
            assert set(c.execute(query).scalars()) == set(KINDS[kind][1](c, None)), kind


def test_a_record_without_an_entry_is_named(sealed: Registry) -> None:
    with sealed.engine.begin() as c:
        c.execute(
            text("DELETE FROM ledger_entries WHERE kind = 'user.added' AND ref = 'ssu-chief'")
        )
    code, _, report = _verify(sealed)
    problems = report["problems"]
    assert code == 1 and isinstance(problems, list)
    assert {
        "seq": None,
        "kind": "user.added",
        "record": "user ssu-chief",
        "message": "has no ledger entry",
    } in problems
