"""Witnesses (issue 17): two `hifazat witness serve` processes and the registry's own `hifazat
serve` process, over HTTP; the cosignatures checked by an independent reading of the C2SP texts
(tests/c2sp_cosignature.py); receipts carrying them; and a forked log caught."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from hifazat.cli import State, app
from hifazat.ledger.cosignature import CosignerKey
from hifazat.services import witnessing
from tests.c2sp_cosignature import cosignatures
from tests.conftest import POLICY, Registry
from tests.servers import START_WITHIN, free_port, start_server

HIFAZAT = str(Path(sys.executable).with_name("hifazat"))


class WitnessProcess:
    """`hifazat witness serve` in a process of its own; its key made and its evidence read
    through the same command line, in this process (they open no registry)."""

    def __init__(self, reg: Registry, folder: Path, name: str, origin: str, log_key: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.reg = reg
        self.key_file = folder / "witness.key"
        self.state = folder / "witness.db"
        made = reg.cli("witness", "keygen", name, "--key", str(self.key_file))
        assert made.exit_code == 0, made.output
        self.public = made.stdout.strip()
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [HIFAZAT, "witness", "serve", "--key", str(self.key_file), "--state",
             str(self.state), "--log", f"{origin}={log_key}", "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def ready(self) -> WitnessProcess:
        deadline = time.monotonic() + START_WITHIN
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/add-checkpoint", timeout=1)
            except urllib.error.HTTPError:  # 405 to a GET: it is listening
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError("the witness did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def evidence(self) -> list[dict[str, object]]:
        found = self.reg.cli("witness", "evidence", "--state", str(self.state), "--json")
        assert found.exit_code == 0, found.output
        result: list[dict[str, object]] = json.loads(found.stdout)
        return result


def _witnessed_policy(reg: Registry, folder: Path, keys: list[str], quorum: int) -> None:
    """The shipped policy with a witnesses block, loaded as the registry's policy."""
    doc = yaml.safe_load(POLICY.read_text("utf-8"))
    doc["witnesses"] = {"quorum": quorum, "keys": keys}
    (folder / "policies").mkdir(parents=True, exist_ok=True)
    (folder / "policies" / "witnessed.yaml").write_text(yaml.safe_dump(doc), "utf-8")
    (folder / "scenarios").mkdir(exist_ok=True)
    scenario = folder / "scenarios" / "witnessed.yaml"
    scenario.write_text("version: 1\npolicy: ../policies/witnessed.yaml\n", "utf-8")
    loaded = reg.cli("import", str(scenario))
    assert loaded.exit_code == 0, loaded.output


@pytest.fixture
def two(demo: Registry, tmp_path: Path) -> Iterator[tuple[Registry, list[WitnessProcess]]]:
    log_key = demo.cli("ledger", "public-key").stdout.strip()
    origin = log_key.split("+", 1)[0]
    witnesses = [  # started together, then waited for
        WitnessProcess(demo, tmp_path / f"w{n}", f"witness.example/w{n}", origin, log_key)
        for n in (1, 2)
    ]
    try:
        for w in witnesses:
            w.ready()
        _witnessed_policy(demo, tmp_path, [w.public for w in witnesses], 2)
        yield demo, witnesses
    finally:
        for w in witnesses:
            w.stop()


def _urls(witnesses: list[WitnessProcess]) -> str:
    return " ".join(f"{w.name}={w.url}" for w in witnesses)


def test_two_witnesses_cosign_what_the_registry_s_server_asks(
    two: tuple[Registry, list[WitnessProcess]], tmp_path: Path
) -> None:
    """The server signs a checkpoint each second and asks both witnesses: a 2-of-2 quorum,
    checked by the independent reading; then a new decision, a larger checkpoint, and both
    cosign again from the size they hold, with a consistency proof."""
    reg, witnesses = two
    keys = [CosignerKey.parse(w.public) for w in witnesses]
    port = free_port()
    server = start_server(
        reg, port, HIFAZAT_CHECKPOINT_SECONDS="1", HIFAZAT_WITNESS_URLS=_urls(witnesses)
    )
    try:
        first = _until_witnessed(reg, keys)
        found = cosignatures(first.note, [w.public for w in witnesses])
        assert sorted(found) == ["witness.example/w1", "witness.example/w2"]
        made = reg.cli(*_event("A rally at Tibet Centre"))
        assert made.exit_code == 0, made.output
        second = _until_witnessed(reg, keys, beyond=first.tree_size)
        assert second.tree_size > first.tree_size
        assert sorted(cosignatures(second.note, [w.public for w in witnesses])) == sorted(found)
    finally:
        server.terminate()
        server.wait(timeout=10)
    for w in witnesses:
        assert w.evidence() == []
    # the protectee's receipt carries them, checked offline with the witnesses' keys alone
    receipt = tmp_path / "receipt.json"
    assert reg.cli("ledger", "proof", "d-006", "-o", str(receipt)).exit_code == 0
    key = reg.cli("ledger", "public-key").stdout.strip()
    ok = reg.cli("ledger", "check-receipt", str(receipt), "--key", key, "--witness",
                 witnesses[0].public, "--witness", witnesses[1].public, "--quorum", "2",
                 "--json")  # fmt: skip
    assert ok.exit_code == 0, ok.output
    assert sorted(json.loads(ok.stdout)["witnessed_by"]) == sorted(found)
    stranger = reg.cli("witness", "keygen", "witness.example/w3", "--key",
                       str(tmp_path / "w3.key"))  # fmt: skip
    short = reg.cli("ledger", "check-receipt", str(receipt), "--key", key, "--witness",
                    witnesses[0].public, "--witness", stranger.stdout.strip(),
                    "--quorum", "2")  # fmt: skip
    assert short.exit_code == 1 and "fewer than the quorum 2" in short.output


def _event(title: str) -> list[str]:
    """A public event, entered by the auditor: one more ledger entry."""
    return ["events", "add", "--at", "2026-01-20T11:00:00+05:00", "--affiliation", "PPP",
            "--kind", "protest", "--title", title, "--source", "Dawn",
            "--by", "auditor"]  # fmt: skip


def _until_witnessed(
    reg: Registry, keys: list[CosignerKey], beyond: int = 0
) -> witnessing.Standing:
    deadline = time.monotonic() + START_WITHIN
    while time.monotonic() < deadline:
        now = witnessing.standing(reg.uow(), keys, 2)
        if now is not None and now.witnessed and now.tree_size > beyond:
            return now
        time.sleep(0.2)
    raise AssertionError(f"no witnessed checkpoint beyond size {beyond}")


def test_the_cli_asks_and_says_who_did_not_answer(
    two: tuple[Registry, list[WitnessProcess]], monkeypatch: pytest.MonkeyPatch
) -> None:
    reg, witnesses = two
    witnesses[1].stop()
    assert reg.cli("ledger", "checkpoint").exit_code == 0
    monkeypatch.setenv("HIFAZAT_WITNESS_URLS", _urls(witnesses))
    asked = reg.cli("ledger", "witness", "--json")
    assert asked.exit_code == 0, asked.output
    body = json.loads(asked.stdout)
    outcomes = {a["witness"]: a["outcome"] for a in body["asked"]}
    assert outcomes == {"witness.example/w1": "cosigned", "witness.example/w2": "unreachable"}
    assert (body["witnesses"], body["quorum"], body["witnessed"]) == (
        ["witness.example/w1"],
        2,
        False,
    )


def test_a_forked_log_is_refused_and_kept_as_evidence(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two copies of one database diverge after size N: the witness cosigns the first branch
    and refuses the second, keeping both checkpoints as evidence of the split view."""
    if registry.backend != "sqlite":
        pytest.skip("the fork copies a database file: SQLite's; PostgreSQL's is the same log")
    registry.load_demo()
    log_key = registry.cli("ledger", "public-key").stdout.strip()
    witness = WitnessProcess(
        registry, tmp_path / "w", "witness.example/w1", log_key.split("+")[0], log_key
    ).ready()
    try:
        _witnessed_policy(registry, tmp_path, [witness.public], 1)
        monkeypatch.setenv("HIFAZAT_WITNESS_URLS", f"{witness.name}={witness.url}")
        assert registry.cli("ledger", "checkpoint").exit_code == 0
        assert registry.cli("ledger", "witness").exit_code == 0  # size N: both copies agree
        registry.engine.dispose()
        fork_db, fork_key = tmp_path / "fork.db", tmp_path / "fork.key"
        shutil.copy(registry.url.removeprefix("sqlite:///"), fork_db)
        shutil.copy(registry.key_path, fork_key)
        fork = State(clock=registry.clock, url=f"sqlite:///{fork_db}", ledger_key=fork_key)

        def on_fork(*args: str) -> Any:
            return CliRunner().invoke(app, list(args), obj=fork)

        for cli, titles in ((registry.cli, ["one"]), (on_fork, ["other", "and more"])):
            for title in titles:  # the branches part: different entries after size N
                made = cli(*_event(title))
                assert made.exit_code == 0, made.output
            assert cli("ledger", "checkpoint").exit_code == 0
        first = registry.cli("ledger", "witness", "--json")
        assert json.loads(first.stdout)["witnessed"] is True, first.output
        second = on_fork("ledger", "witness", "--json")
        body = json.loads(second.stdout)
        assert body["witnessed"] is False
        [asked] = body["asked"]
        assert asked["outcome"] == "refused" and asked["detail"].startswith("422"), asked
        [kept] = witness.evidence()
        cosigned = json.loads(first.stdout)["checkpoint"]
        held = str(kept["cosigned"])
        assert held.split("\n\n")[0] == cosigned.split("\n\n")[0]  # the first branch's head
        assert kept["offered"]["checkpoint"] == body["checkpoint"]  # type: ignore[index]
        shown = registry.cli("witness", "evidence", "--state", str(witness.state))
        assert "not consistent with the cosigned size" in shown.stdout
    finally:
        witness.stop()


def test_a_policy_s_witnesses_are_checked_where_it_is_read(
    registry: Registry, tmp_path: Path
) -> None:
    from hifazat.ledger.cosignature import Cosigner

    good = Cosigner.generate("witness.example/w1").public().text()
    log_key = registry.cli("ledger", "public-key").stdout.strip()
    for keys, quorum, says in (
        ([good], 2, "quorum 2 is more than the 1 keys given"),
        ([log_key], 1, "cosignature/v1"),  # a log's key is not a witness's
        ([good, good], 1, "each witness is named once"),
    ):
        doc = yaml.safe_load(POLICY.read_text("utf-8"))
        doc["witnesses"] = {"quorum": quorum, "keys": keys}
        (tmp_path / "policies").mkdir(exist_ok=True)
        (tmp_path / "policies" / "bad.yaml").write_text(yaml.safe_dump(doc), "utf-8")
        (tmp_path / "scenarios").mkdir(exist_ok=True)
        scenario = tmp_path / "scenarios" / "bad.yaml"
        scenario.write_text("version: 1\npolicy: ../policies/bad.yaml\n", "utf-8")
        refused = registry.cli("import", str(scenario))
        assert refused.exit_code == 2 and "witnesses" in refused.output, refused.output
        assert says in refused.output, refused.output
