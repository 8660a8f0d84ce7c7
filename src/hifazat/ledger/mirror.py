"""A mirror of the log from its C2SP tlog-tiles: the signed checkpoint and every hash tile in a
folder, checked on every update — each full tile against the hash the level above holds for it,
the tiles against the checkpoint's root, and the previous checkpoint's root against the same
tiles (the log only grew). With entry bundles, each entry against its leaf hash.

Fetching is the caller's (`fetch(path) -> bytes`), so this module stays free of I/O but the
folder, and anyone can run it with the ledger package alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hifazat.ledger.merkle import HASH_SIZE, leaf_hash
from hifazat.ledger.note import Checkpoint, NoteError, Verifier, open_checkpoint
from hifazat.ledger.tiles import TILE_WIDTH, Tile, TileError, check_against, tiles_for

__all__ = ["MirrorReport", "update_mirror"]

Fetch = Callable[[str], bytes]


@dataclass
class MirrorReport:
    size: int = 0
    previous: int | None = None
    fetched: int = 0
    entries: int = 0
    #: the first inconsistency met (empty: the mirror verifies and was updated)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "size": self.size,
            "previous_size": self.previous,
            "tiles_fetched": self.fetched,
            "entries_checked": self.entries,
            "problems": self.problems,
        }


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def update_mirror(
    folder: Path, verifier: Verifier, fetch: Fetch, entries: bool = False
) -> MirrorReport:
    """Brings the mirror in `folder` up to the log's latest checkpoint, or reports the first
    inconsistency and leaves the folder as it was."""
    report = MirrorReport()
    try:
        note = fetch("checkpoint").decode("utf-8")
        checkpoint = open_checkpoint(note, verifier)
    except (NoteError, UnicodeDecodeError) as error:
        report.problems.append(f"checkpoint: {error}")
        return report
    report.size = checkpoint.size
    before: Checkpoint | None = None
    kept = folder / "checkpoint"
    if kept.exists():
        try:
            before = open_checkpoint(kept.read_text("utf-8"), verifier)
        except NoteError as error:
            report.problems.append(f"the mirrored checkpoint: {error}")
            return report
        report.previous = before.size
        if checkpoint.size < before.size:
            report.problems.append(
                f"the log shrank: size {checkpoint.size}, after {before.size} mirrored before"
            )
            return report
    tiles: dict[Tile, bytes] = {}
    new: dict[Tile, bytes] = {}
    for tile in tiles_for(checkpoint.size):
        local = folder / tile.path
        if tile.width == TILE_WIDTH and local.exists():
            tiles[tile] = local.read_bytes()  # immutable once full: checked below all the same
            continue
        try:
            tiles[tile] = new[tile] = fetch(tile.path)
        except OSError as error:
            report.problems.append(f"{tile.path}: {error}")
            return report
        report.fetched += 1
    try:
        check_against(checkpoint.size, checkpoint.root_hash, tiles)
    except TileError as error:
        report.problems.append(str(error))
        return report
    if before is not None:
        try:
            check_against(before.size, before.root_hash, tiles)
        except TileError:
            report.problems.append(
                f"not an extension of the checkpoint mirrored before (size {before.size}): "
                "the log was rewritten"
            )
            return report
    bundles: dict[Tile, bytes] = {}
    if entries:
        for tile in (t for t in tiles if t.level == 0):
            bundle = Tile(-1, tile.index, tile.width)
            try:
                data = fetch(bundle.path)
            except OSError as error:
                report.problems.append(f"{bundle.path}: {error}")
                return report
            problem = _check_bundle(bundle, data, tiles[tile])
            if problem:
                report.problems.append(problem)
                return report
            bundles[bundle] = data
            report.entries += tile.width
    for tile, data in {**new, **bundles}.items():
        _write(folder / tile.path, data)
    _write(kept, note.encode("utf-8"))
    return report


def _check_bundle(bundle: Tile, data: bytes, hashes: bytes) -> str:
    at = 0
    for i in range(bundle.width):
        if at + 2 > len(data):
            return f"{bundle.path} ends before entry {i}"
        length = int.from_bytes(data[at : at + 2], "big")
        entry = data[at + 2 : at + 2 + length]
        at += 2 + length
        if len(entry) != length:
            return f"{bundle.path} ends inside entry {i}"
        if leaf_hash(entry) != hashes[i * HASH_SIZE : (i + 1) * HASH_SIZE]:
            index = bundle.index * TILE_WIDTH + i
            return f"{bundle.path}: entry {index} does not hash to its leaf"
    if at != len(data):
        return f"{bundle.path} holds more than its {bundle.width} entries"
    return ""
