"""`hifazat db backup` and `hifazat db restore` (issue 18 item 2), on both databases: a restored
registry holds the same rows and its ledger verifies; a restore of an older backup says it is
older, and by how many entries; a fork is refused; an altered or cut-short backup is refused,
naming the file, before anything is written; a database that is not empty is replaced only with
--force."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from hifazat.ledger.pin import pin_path
from hifazat.store.backup import pg_tool
from hifazat.store.engine import make_engine
from tests.conftest import Registry, missing

WITHDRAW = ("decide", "withdraw", "--protectee", "farooq-sattar", "--provider", "sindh-police",
            "--reason-code", "court-order", "--reason",
            "Sindh High Court ordered a security review")  # fmt: skip


def _tools(reg: Registry) -> None:
    if reg.backend == "postgres" and not (pg_tool("pg_dump") and pg_tool("pg_restore")):
        missing("pg_dump or pg_restore not found on PATH or in /usr/lib/postgresql/*/bin")


@pytest.fixture
def source(demo: Registry) -> Registry:
    """The demo with a checkpoint over it, so the kept checkpoint beside the key is set."""
    _tools(demo)
    _ok(demo.cli("ledger", "checkpoint"))
    return demo


@pytest.fixture
def target(registry: Registry, tmp_path: Path) -> Iterator[Registry]:
    """A new, empty database of the same kind, with no ledger key beside it yet."""
    folder = tmp_path / "restored"
    key = folder / "ledger.key"
    if registry.backend == "sqlite":
        url = f"sqlite:///{folder / 'hifazat.db'}"
        engine = make_engine(url)
        yield Registry("sqlite", engine, url, registry.clock, key)
        engine.dispose()
        return
    parsed = make_url(registry.url)
    name = f"{parsed.database}_restored"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = parsed.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        yield Registry("postgres", engine, url, registry.clock, key)
    finally:
        engine.dispose()
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _ok(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return result


def _size(reg: Registry) -> int:
    made = _ok(reg.cli("ledger", "checkpoint", "--json"))
    return int(json.loads(made.stdout)["tree_size"])


def _event(reg: Registry, title: str) -> None:
    _ok(reg.cli("events", "add", "--at", "2026-01-20T11:00:00+05:00", "--affiliation", "PPP",
                "--kind", "protest", "--title", title, "--source", "Dawn",
                "--by", "auditor"))  # fmt: skip


def _empty(reg: Registry) -> bool:
    if reg.backend == "sqlite":
        path = make_url(reg.url).database
        return path is not None and not Path(path).exists()
    with reg.engine.connect() as c:
        return inspect(c).get_table_names() == []


def test_a_backup_restores_into_a_new_database_that_verifies(
    source: Registry, target: Registry, tmp_path: Path
) -> None:
    folder = tmp_path / "backup"
    made = _ok(source.cli("db", "backup", str(folder), "--json"))
    manifest = json.loads(made.stdout)
    entries = manifest["ledger"]["entries"]
    assert manifest["backend"] == ("sqlite" if source.backend == "sqlite" else "postgresql")
    assert manifest["ledger"]["size"] == entries > 0
    assert manifest["ledger"]["verifier_key"] == source.cli("ledger", "public-key").stdout.strip()
    on_disk = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert on_disk["files"] == manifest["files"]
    assert {"ledger.key", "checkpoint", "kept.checkpoint", "tile/0/000.p/" + str(entries)} <= set(
        manifest["files"]
    )  # fewer than 256 entries: one partial tile
    # the folder holds the signing key and the records: every file and folder owner-only
    for path in [folder, *folder.rglob("*")]:
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no leftovers

    restored = _ok(target.cli("db", "restore", str(folder)))
    out = restored.stdout
    # when it was made, in the deployment's zone (the clock's 10:00 UTC is 15:00 in Karachi)
    assert out.startswith("backup of 2026-01-27 15:00 PKT ("), out
    assert "contains: the checkpoint kept beside the key when the backup was made" in out
    assert f"wrote the ledger key to {target.key_path} (mode 600)" in out
    assert f"ledger verifies: {entries} entries, 1 checkpoints" in out
    assert target.key_path.read_bytes() == (folder / "ledger.key").read_bytes()
    assert stat.S_IMODE(target.key_path.stat().st_mode) == 0o600
    assert pin_path(target.key_path).read_text("utf-8") == (folder / "checkpoint").read_text()
    assert target.dump(everything=True) == source.dump(everything=True)
    _ok(target.cli("ledger", "verify"))
    # the restored registry takes new work and stays verifiable
    _event(target, "After the restore")
    assert _size(target) == entries + 1
    _ok(target.cli("ledger", "verify"))


def test_an_older_backup_is_recognised_as_older(source: Registry, tmp_path: Path) -> None:
    reg = source
    folder = tmp_path / "backup"
    _ok(reg.cli("db", "backup", str(folder)))
    backed_up = reg.dump(everything=True)
    old = _size(reg)
    # more decisions after the backup: the log grows, the kept checkpoint follows it
    decision = _ok(reg.cli(*WITHDRAW, "--by", "ssu-operator")).stdout.strip()
    _ok(reg.cli("approve", decision, "--by", "ssu-chief"))
    new = _size(reg)
    assert new > old
    after = reg.dump(everything=True)

    refused = reg.cli("db", "restore", str(folder))
    assert refused.exit_code == 1 and "--force" in refused.stderr, refused.output
    assert reg.dump(everything=True) == after

    restored = _ok(reg.cli("db", "restore", str(folder), "--force"))
    out = restored.stdout
    assert (
        f"older: this backup's log (size {old}) is the first part of the checkpoint kept "
        f"beside the key (size {new}); {new - old} entries are missing since"
    ) in out
    assert "fork" not in out
    assert f"ledger verifies: {old} entries" in out
    assert reg.dump(everything=True) == backed_up
    aside = [p for p in reg.key_path.parent.iterdir() if ".before-restore-" in p.name]
    assert len(aside) == 1 and f"aside to {aside[0]}" in out
    _ok(reg.cli("ledger", "verify"))

    # as JSON, shown a mirror-like folder: the backup taken before (same log) contains it
    again = _ok(reg.cli("db", "restore", str(folder), "--force", "--against", str(folder),
                        "--json"))  # fmt: skip
    answer = json.loads(again.stdout)
    assert answer["ok"] and answer["verify"]["ok"]
    assert {v["relation"] for v in answer["shown"]} == {"contains"}


def test_without_a_kept_checkpoint_the_replaced_database_shows_the_backup_older(
    source: Registry, tmp_path: Path
) -> None:
    reg = source
    folder = tmp_path / "backup"
    _ok(reg.cli("db", "backup", str(folder)))
    old = _size(reg)
    _event(reg, "A rally")
    _event(reg, "Another rally")
    new = _size(reg)
    pin_path(reg.key_path).unlink()  # lost: the database's own latest checkpoint still tells
    restored = _ok(reg.cli("db", "restore", str(folder), "--force"))
    assert (
        f"older: this backup's log (size {old}) is the first part of the latest checkpoint of "
        f"the database the restore replaces (size {new}); {new - old} entries are missing since"
    ) in restored.stdout
    assert pin_path(reg.key_path).read_text("utf-8") == (folder / "checkpoint").read_text()


def test_a_later_backup_shown_proves_an_older_one_older(
    source: Registry, target: Registry, tmp_path: Path
) -> None:
    """As after point-in-time recovery: the database restored into does not hold the larger
    tree, so only the tiles of a later backup (or a mirror) shown with --against prove it."""
    reg = source
    first, later = tmp_path / "first", tmp_path / "later"
    _ok(reg.cli("db", "backup", str(first)))
    old = _size(reg)
    for n in range(3):
        _event(reg, f"Rally {n}")
    new = _size(reg)
    _ok(reg.cli("db", "backup", str(later)))
    target.key_path.parent.mkdir(parents=True, exist_ok=True)
    for path in (reg.key_path, pin_path(reg.key_path)):  # the key and its kept checkpoint
        shutil.copy2(
            path,
            target.key_path.parent / path.name.replace(reg.key_path.name, target.key_path.name),
        )
    unproven = _ok(target.cli("db", "restore", str(first)))
    assert (
        f"older, unproven: the checkpoint kept beside the key (size {new}) is larger than this "
        f"backup's log (size {old}), and nothing shown proves the log is its first part (no "
        f"tiles); {new - old} entries are missing since"
    ) in unproven.stdout
    # the kept checkpoint was moved aside by the first restore: put it back, show the later one
    (aside,) = target.key_path.parent.glob("*.before-restore-*")
    aside.replace(pin_path(target.key_path))
    shown = _ok(target.cli("db", "restore", str(first), "--force", "--against", str(later)))
    assert (
        f"older: this backup's log (size {old}) is the first part of the checkpoint kept beside "
        f"the key (size {new}); {new - old} entries are missing since"
    ) in shown.stdout
    assert (
        f"older: this backup's log (size {old}) is the first part of the checkpoint in {later} "
        f"(size {new})"
    ) in shown.stdout
    assert target.dump(everything=True) != reg.dump(everything=True)
    _ok(target.cli("ledger", "verify"))


def test_a_fork_is_refused_and_nothing_is_written(source: Registry, tmp_path: Path) -> None:
    reg = source
    first, second = tmp_path / "first", tmp_path / "second"
    _ok(reg.cli("db", "backup", str(first)))
    _event(reg, "A rally")
    _size(reg)
    _ok(reg.cli("db", "backup", str(second)))
    _ok(reg.cli("db", "restore", str(first), "--force"))  # back to the first backup
    for n in range(3):  # and on another way than the second backup's
        _event(reg, f"Another rally {n}")
    _size(reg)
    before = reg.dump(everything=True)
    kept = pin_path(reg.key_path).read_text("utf-8")

    forked = reg.cli("db", "restore", str(second), "--force")
    assert forked.exit_code == 1
    assert "fork: the checkpoint kept beside the key" in forked.stdout
    assert "not restored" in forked.stderr
    assert reg.dump(everything=True) == before
    assert pin_path(reg.key_path).read_text("utf-8") == kept
    _ok(reg.cli("ledger", "verify"))


@pytest.mark.parametrize("damage", ["database", "truncated", "tile", "manifest"])
def test_an_altered_backup_is_refused_naming_the_file(
    source: Registry, target: Registry, tmp_path: Path, damage: str
) -> None:
    folder = tmp_path / "backup"
    manifest = json.loads(_ok(source.cli("db", "backup", str(folder), "--json")).stdout)
    database = "registry.sqlite" if source.backend == "sqlite" else "registry.pgdump"
    tile = next(name for name in manifest["files"] if name.startswith("tile/"))
    name = {"database": database, "truncated": "checkpoint", "tile": tile}.get(
        damage, "manifest.json"
    )
    path = folder / name
    data = bytearray(path.read_bytes())
    if damage == "truncated":
        data = data[:-10]
    elif damage == "manifest":
        data = data.replace(b'"format": 1', b'"format": 2')
    else:
        data[len(data) // 2] ^= 0x01  # one byte changed
    os.chmod(path, 0o600)
    path.write_bytes(bytes(data))

    refused = target.cli("db", "restore", str(folder))
    assert refused.exit_code == 2, refused.output
    assert refused.stderr.startswith(f"error: {name}: "), refused.stderr
    assert _empty(target) and not target.key_path.exists()


def test_a_missing_file_or_a_foreign_key_is_refused(
    source: Registry, target: Registry, tmp_path: Path
) -> None:
    folder = tmp_path / "backup"
    _ok(source.cli("db", "backup", str(folder)))
    # a folder that already holds something is not written into
    taken = source.cli("db", "backup", str(folder))
    assert taken.exit_code == 1 and "not an empty folder" in taken.stderr
    # a key of another log already beside the target's database: not replaced
    other = tmp_path / "other"
    shutil.copytree(folder, other)
    from hifazat.ledger.keys import create_key

    create_key(target.key_path)
    foreign = target.cli("db", "restore", str(other))
    assert foreign.exit_code == 1 and "signs another log" in foreign.stderr, foreign.output
    target.key_path.unlink()
    (other / "kept.checkpoint").unlink()
    gone = target.cli("db", "restore", str(other))
    assert gone.exit_code == 2 and gone.stderr.startswith("error: kept.checkpoint: missing")
    assert _empty(target) and not target.key_path.exists()


@pytest.mark.parametrize("registry", ["postgres"], indirect=True)  # an SQLite file has none
def test_the_password_goes_in_the_environment_never_on_the_command_line(
    registry: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tools(registry)
    calls: list[tuple[list[str], dict[str, str]]] = []
    real = subprocess.run

    def spy(args: list[str], **kwargs: Any) -> Any:
        calls.append((args, kwargs["env"]))
        return real(args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)  # as hifazat.store.backup calls it
    # the server trusts local connections, so any password opens it: enough to see where it goes
    url = make_url(registry.url).set(password="not-on-argv").render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        with_password = Registry("postgres", engine, url, registry.clock, registry.key_path)
        _ok(with_password.cli("db", "backup", str(tmp_path / "backup")))
        _ok(with_password.cli("db", "restore", str(tmp_path / "backup"), "--force"))
    finally:
        engine.dispose()
    assert [Path(args[0]).name for args, _ in calls] == ["pg_dump", "pg_restore"]
    for args, env in calls:
        assert not any("not-on-argv" in arg for arg in args), args
        assert env["PGPASSWORD"] == "not-on-argv"
