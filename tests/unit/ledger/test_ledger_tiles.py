"""The tree as C2SP tlog-tiles: paths as the text encodes them, tiles read from stored
subtrees, and any root rebuilt from them — with a tampered tile named."""

from __future__ import annotations

import pytest

from hifazat.ledger.merkle import MemoryTree, root_from_leaf_hashes
from hifazat.ledger.tiles import (
    Tile,
    TileError,
    check_against,
    parse_tile_path,
    root_from_tiles,
    tile_bytes,
    tiles_for,
)


def test_paths_are_the_text_s() -> None:
    assert Tile(0, 1234067).path == "tile/0/x001/x234/067"
    assert Tile(1, 5, 17).path == "tile/1/005.p/17"
    assert Tile(-1, 0, 3).path == "tile/entries/000.p/3"
    for path in ("tile/0/x001/x234/067", "tile/2/000.p/1", "tile/entries/x001/000"):
        assert parse_tile_path(path).path == path
    for bad in ("tile/0/5", "tile/0/x000/005", "tile/64/000", "tile/0/000.p/256",
                "tile/0/000.p/0", "tile/00/000", "tile/0/000.p/07", "../etc/passwd"):  # fmt: skip
        with pytest.raises(TileError):
            parse_tile_path(bad)


def test_the_text_s_example_of_70000() -> None:
    tiles = list(tiles_for(70_000))
    assert len([t for t in tiles if t.level == 0 and t.width == 256]) == 273
    assert [t for t in tiles if t.width < 256] == [Tile(0, 273, 112), Tile(1, 1, 17), Tile(2, 0, 1)]
    assert list(tiles_for(256)) == [Tile(0, 0), Tile(1, 0, 1)]


@pytest.mark.parametrize("size", [1, 255, 256, 257, 600, 65_536, 65_536 + 300])
def test_every_root_up_to_the_size_is_rebuilt_from_the_tiles(size: int) -> None:
    tree = MemoryTree()
    for i in range(size):
        tree.append(i.to_bytes(4, "big"))
    tiles = {t: tile_bytes(t, tree) for t in tiles_for(size)}
    for n in {0, 1, size // 3, size - 1, size}:
        assert root_from_tiles(n, tiles) == tree.root(n)
    check_against(size, tree.root(size), tiles)


def test_a_tampered_tile_is_named() -> None:
    tree = MemoryTree()
    for i in range(600):
        tree.append(i.to_bytes(4, "big"))
    tiles = {t: tile_bytes(t, tree) for t in tiles_for(600)}
    first = Tile(0, 0)
    tiles[first] = b"\x00" * 32 + tiles[first][32:]
    named = "tile/0/000 does not hash to entry 0 of tile/1/000.p/2"
    with pytest.raises(TileError, match=named):
        root_from_tiles(600, tiles)
    last = Tile(0, 2, 88)
    tiles = {t: tile_bytes(t, tree) for t in tiles_for(600)}
    tiles[last] = tiles[last][:-32] + b"\x01" * 32
    with pytest.raises(TileError, match="another root"):
        check_against(600, tree.root(600), tiles)
    assert root_from_leaf_hashes([]) == root_from_tiles(0, {})
