"""How a restored log stands to a checkpoint it is shown (`ledger.lineage`): one of its tree
heads, a larger tree its tiles prove it the first part of, a larger one nothing proves, or a
fork — two different logs."""

from __future__ import annotations

from hifazat.ledger.lineage import Relation, Shown, compare
from hifazat.ledger.merkle import MemoryTree, leaf_hash
from hifazat.ledger.note import Checkpoint
from hifazat.ledger.tiles import Tile, tile_bytes, tiles_for


def _tree(n: int, tag: str = "") -> MemoryTree:
    return MemoryTree(leaf_hash(f"entry {i}{tag if i >= 300 else ''}".encode()) for i in range(n))


def _shown(tree: MemoryTree, tiles: bool = True) -> Shown:
    cp = Checkpoint("example.org/log", tree.size, tree.root())
    held = {tile: tile_bytes(tile, tree) for tile in tiles_for(tree.size)} if tiles else None
    return Shown("the checkpoint shown", cp, held)


def test_a_checkpoint_the_log_has_passed_is_one_of_its_tree_heads() -> None:
    ours = _tree(600)
    verdict = compare(_shown(_tree(520)), ours.size, ours.root)
    assert (verdict.relation, verdict.size, verdict.ours, verdict.missing) == (
        Relation.CONTAINS, 520, 600, 0,
    )  # fmt: skip
    assert verdict.ok


def test_a_larger_tree_whose_tiles_begin_with_the_log_is_newer() -> None:
    ours = _tree(520)
    verdict = compare(_shown(_tree(600)), ours.size, ours.root)
    assert (verdict.relation, verdict.missing) == (Relation.OLDER, 80)
    assert verdict.as_dict()["missing_entries"] == 80 and verdict.ok


def test_without_tiles_a_larger_checkpoint_is_older_unproven() -> None:
    ours = _tree(520)
    verdict = compare(_shown(_tree(600), tiles=False), ours.size, ours.root)
    assert (verdict.relation, verdict.problem) == (Relation.OLDER_UNPROVEN, "no tiles")
    assert verdict.ok


def test_tiles_that_are_not_the_checkpoints_prove_nothing() -> None:
    ours = _tree(520)
    shown = _shown(_tree(600))
    assert shown.tiles is not None
    other = {**shown.tiles, Tile(0, 2, 88): tile_bytes(Tile(0, 2, 88), _tree(600, "x"))}
    verdict = compare(Shown(shown.source, shown.checkpoint, other), ours.size, ours.root)
    assert verdict.relation is Relation.OLDER_UNPROVEN and "another root" in verdict.problem


def test_another_log_under_the_same_key_is_a_fork() -> None:
    ours = _tree(520, "x")  # entries 300 on differ
    smaller = compare(_shown(_tree(400)), ours.size, ours.root)
    larger = compare(_shown(_tree(600)), ours.size, ours.root)
    assert smaller.relation is larger.relation is Relation.FORK
    assert not smaller.ok and not larger.ok
    # a log that agrees up to where the other one diverged is still the first part of it
    assert compare(_shown(_tree(600, "x")), 300, _tree(300).root).relation is Relation.OLDER
