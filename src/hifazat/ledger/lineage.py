"""Whether one state of the log is an earlier state of another: what a restore says of each
checkpoint it is shown (the one kept beside the key, another backup's, a mirror's).

A log only grows, so a checkpoint the restored log has passed must be one of its own tree heads
(the same root at that size), and one it has not reached must be a tree the restored log is
the first part of. The second is only provable with that larger tree's hashes: the tlog-tiles
a backup or a mirror keeps, from which the root at any smaller size is rebuilt. Pure: the
caller reads the files and the database, and words the verdicts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from hifazat.ledger.note import Checkpoint
from hifazat.ledger.tiles import Tile, TileError, check_against, root_from_tiles

__all__ = ["Relation", "Shown", "Verdict", "compare"]


class Relation(StrEnum):
    #: the shown checkpoint is no larger than the log, and is one of its tree heads
    CONTAINS = "contains"
    #: the shown checkpoint is larger, and its tiles prove the log is its first part
    OLDER = "older"
    #: the shown checkpoint is larger, and nothing shown proves (or disproves) the prefix
    OLDER_UNPROVEN = "older-unproven"
    #: the roots disagree: two different logs under one key, a fork or tampering
    FORK = "fork"


@dataclass(frozen=True)
class Shown:
    """A checkpoint whose signature the caller has checked, with the tiles of its tree where
    the source keeps them (None: a bare checkpoint note)."""

    source: str
    checkpoint: Checkpoint
    tiles: Mapping[Tile, bytes] | None = None


@dataclass(frozen=True)
class Verdict:
    source: str
    relation: Relation
    #: the shown checkpoint's size, and the size of the log it was compared with
    size: int
    ours: int
    #: why the prefix could not be proven (tiles missing or not making their root), else ""
    problem: str = ""

    @property
    def missing(self) -> int:
        """Entries the shown checkpoint covers and the log does not hold."""
        return max(self.size - self.ours, 0)

    @property
    def ok(self) -> bool:
        return self.relation is not Relation.FORK

    def as_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "relation": self.relation.value,
            "size": self.size,
            "restored_size": self.ours,
            "missing_entries": self.missing,
            "problem": self.problem or None,
        }


def compare(shown: Shown, size: int, root_at: Callable[[int], bytes]) -> Verdict:
    """Where `shown` stands to a log of `size` entries whose root at any size up to `size` is
    `root_at(n)`: a tree head of it, a larger tree it is proven the first part of, a larger
    one it could not be compared with, or a fork."""
    cp = shown.checkpoint
    if cp.size <= size:
        relation = Relation.CONTAINS if root_at(cp.size) == cp.root_hash else Relation.FORK
        return Verdict(shown.source, relation, cp.size, size)
    if shown.tiles is None:
        return Verdict(shown.source, Relation.OLDER_UNPROVEN, cp.size, size, "no tiles")
    try:
        check_against(cp.size, cp.root_hash, shown.tiles)  # the tiles are that tree's
        theirs = root_from_tiles(size, shown.tiles)
    except TileError as error:
        return Verdict(shown.source, Relation.OLDER_UNPROVEN, cp.size, size, str(error))
    relation = Relation.OLDER if theirs == root_at(size) else Relation.FORK
    return Verdict(shown.source, relation, cp.size, size)
