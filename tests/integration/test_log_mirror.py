"""The log as C2SP tlog-tiles (issue 17): a mirror built by `hifazat ledger mirror` from a real
`hifazat serve` process verifies, follows the log as it grows, notices a tampered tile, and
checks the entries only for oversight."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hifazat.ledger.tiles import Tile
from hifazat.services import auth
from tests.conftest import Registry, write_scenario
from tests.servers import free_port, start_server


def _grow(reg: Registry, title: str) -> int:
    made = reg.cli("events", "add", "--at", "2026-01-20T11:00:00+05:00", "--affiliation", "PPP",
                   "--kind", "protest", "--title", title, "--source", "Dawn",
                   "--by", "auditor")  # fmt: skip
    assert made.exit_code == 0, made.output
    checkpoint = reg.cli("ledger", "checkpoint", "--json")
    size: int = json.loads(checkpoint.stdout)["tree_size"]
    return size


def _many(reg: Registry, folder: Path, n: int) -> None:
    """n more entries at once: public events in one scenario file."""
    rows = "".join(
        f'  - {{id: ev-{i}, at: "2026-01-{1 + i % 20:02d}T10:00:00+05:00", affiliation: PPP, '
        f"kind: protest, title: Rally {i}, source: Dawn, entered_by: auditor}}\n"
        for i in range(n)
    )
    path = write_scenario(folder, f"version: 1\nevents:\n{rows}", "events.yaml")
    loaded = reg.cli("import", str(path))
    assert loaded.exit_code == 0, loaded.output


def _mirror(reg: Registry, url: str, folder: Path, *extra: str) -> dict[str, object]:
    found = reg.cli("ledger", "mirror", url, str(folder), *extra, "--json")
    result: dict[str, object] = json.loads(found.stdout)
    assert (found.exit_code == 0) == result["ok"], found.output
    return result


def test_a_mirror_verifies_follows_and_notices_a_tampered_tile(
    demo: Registry, tmp_path: Path
) -> None:
    _many(demo, tmp_path, 300)
    first = _grow(demo, "A rally")
    assert first > 256  # a full tile and partial ones
    key = demo.cli("ledger", "public-key").stdout.strip()
    port = free_port()
    server = start_server(demo, port)
    url = f"http://127.0.0.1:{port}/api/v1/ledger/log"
    folder = tmp_path / "mirror"
    try:
        refused = demo.cli("ledger", "mirror", url, str(folder))
        assert refused.exit_code == 2 and "--key" in refused.output
        built = _mirror(demo, url, folder, "--key", key)
        assert built["ok"] and built["size"] == first and built["previous_size"] is None
        assert (folder / Tile(0, 0).path).stat().st_size == 256 * 32
        # the log grows: the mirror follows, from the size it held, fetching only what is new
        second = _grow(demo, "Another rally")
        followed = _mirror(demo, url, folder)
        assert followed["ok"] and (followed["previous_size"], followed["size"]) == (first, second)
        assert followed["tiles_fetched"] < built["tiles_fetched"]  # type: ignore[operator]
        # a tile altered in the mirror's keeping is named
        kept = folder / Tile(0, 0).path
        kept.write_bytes(b"\x00" * 32 + kept.read_bytes()[32:])
        third = _grow(demo, "A third rally")
        caught = _mirror(demo, url, folder)
        parent = Tile(1, 0, third // 256).path
        assert caught["problems"] == [f"tile/0/000 does not hash to entry 0 of {parent}"]
        assert json.loads((folder / "checkpoint").read_text("utf-8").split("\n")[1]) == second
        # the entries: for oversight's token, each checked against its leaf; a desk's is refused
        demo.clock.set(datetime.now(UTC))  # the server checks tokens against the real time
        auditor = auth.create_token(demo.uow(), "auditor", ["read"], timedelta(days=1),
                                    demo.clock()).secret  # fmt: skip
        whole = tmp_path / "whole"
        checked = _mirror(demo, url, whole, "--key", key, "--token", auditor)
        assert checked["ok"] and checked["entries_checked"] == checked["size"], checked["problems"]
        desk = auth.create_token(demo.uow(), "ssu-operator", ["read"], timedelta(days=1),
                                 demo.clock()).secret  # fmt: skip
        denied = _mirror(demo, url, tmp_path / "desk", "--key", key, "--token", desk)
        assert denied["problems"] == ["tile/entries/000: HTTP 403"]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_served_tile_that_lies_is_named(demo: Registry, tmp_path: Path) -> None:
    """The same checks against the server: a mirror fed a tile whose hashes were changed on the
    way (here by the fetch) names it and keeps nothing."""
    from hifazat.ledger.mirror import update_mirror
    from hifazat.ledger.note import Verifier
    from hifazat.services import ledger

    _many(demo, tmp_path, 300)
    size = _grow(demo, "A rally")
    verifier = Verifier.parse(demo.cli("ledger", "public-key").stdout.strip())

    def fetch(path: str) -> bytes:
        if path == "checkpoint":
            return ledger.log_checkpoint(demo.uow()).encode()
        from hifazat.ledger.tiles import parse_tile_path

        data = ledger.log_tile(demo.uow(), parse_tile_path(path))
        return b"\x07" * 32 + data[32:] if path == "tile/0/000" else data

    folder = tmp_path / "mirror"
    report = update_mirror(folder, verifier, fetch)
    assert not report.ok and report.size == size
    assert report.problems == [f"tile/0/000 does not hash to entry 0 of {Tile(1, 0, 1).path}"]
    assert not folder.exists()
