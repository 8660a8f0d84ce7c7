"""The tree as C2SP tlog-tiles: 256 hashes to a tile, a tile at level L holding the hashes of
perfect subtrees of 256**L leaves, at `tile/<L>/<N>[.p/<W>]` with N in 3-digit `x`-prefixed
path elements. A tile is read straight from the stored subtree hashes (binary level 8L), so
serving one is one batched read; a mirror rebuilds any root from the tiles it holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from hifazat.ledger.merkle import (
    HASH_SIZE,
    NodeReader,
    node_hash,
    root_from_leaf_hashes,
)

__all__ = [
    "TILE_WIDTH",
    "Tile",
    "TileError",
    "check_against",
    "parse_tile_path",
    "root_from_tiles",
    "tile_bytes",
    "tiles_for",
]

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
_PATH = re.compile(
    r"tile/(?P<level>0|[1-9][0-9]?|entries)/(?P<index>(?:x[0-9]{3}/)*[0-9]{3})"
    r"(?:\.p/(?P<width>[1-9][0-9]{0,2}))?"
)


class TileError(ValueError):
    """A tile path is malformed, or a tile's bytes disagree with the tree they should make."""


@dataclass(frozen=True)
class Tile:
    #: -1 for an entry bundle (`tile/entries/…`)
    level: int
    index: int
    width: int = TILE_WIDTH

    @property
    def path(self) -> str:
        digits = f"{self.index:03d}"
        digits = "0" * (-len(digits) % 3) + digits
        parts = [digits[i : i + 3] for i in range(0, len(digits), 3)]
        name = "/".join([*(f"x{p}" for p in parts[:-1]), parts[-1]])
        level = "entries" if self.level < 0 else str(self.level)
        partial = f".p/{self.width}" if self.width < TILE_WIDTH else ""
        return f"tile/{level}/{name}{partial}"


def parse_tile_path(path: str) -> Tile:
    """Strict: the encoding tlog-tiles gives, nothing else (no leading zeros beyond the three
    digits, levels 0 to 63, widths 1 to 255)."""
    match = _PATH.fullmatch(path)
    if match is None:
        raise TileError(f"{path!r} is not a tile path")
    level = -1 if match["level"] == "entries" else int(match["level"])
    if level > 63:
        raise TileError(f"{path!r}: levels run from 0 to 63")
    width = int(match["width"]) if match["width"] else TILE_WIDTH
    if match["width"] and width >= TILE_WIDTH:
        raise TileError(f"{path!r}: a partial tile is 1 to 255 hashes wide")
    index = int(match["index"].replace("x", "").replace("/", ""))
    tile = Tile(level, index, width)
    if tile.path != path:
        raise TileError(f"{path!r} is not the canonical path of its tile")
    return tile


def tiles_for(size: int) -> Iterator[Tile]:
    """Every hash tile a tree of `size` leaves has: the full ones and, per level, the partial."""
    level = 0
    count = size
    while count > 0:
        full, rest = divmod(count, TILE_WIDTH)
        for index in range(full):
            yield Tile(level, index)
        if rest:
            yield Tile(level, full, rest)
        count = full
        level += 1


def tile_bytes(tile: Tile, reader: NodeReader) -> bytes:
    """A hash tile's bytes, from the stored perfect subtrees at binary level 8 × its level."""
    keys = [(TILE_HEIGHT * tile.level, tile.index * TILE_WIDTH + i) for i in range(tile.width)]
    got = reader.get_nodes(keys)
    missing = [k for k in keys if k not in got]
    if missing:
        raise TileError(f"{tile.path}: the tree has no node {missing[0]} yet")
    return b"".join(bytes(got[k]) for k in keys)


def _hashes(data: bytes, tile: Tile) -> list[bytes]:
    if len(data) != tile.width * HASH_SIZE:
        raise TileError(f"{tile.path} holds {len(data)} bytes, not {tile.width * HASH_SIZE}")
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def root_from_tiles(size: int, tiles: Mapping[Tile, bytes]) -> bytes:
    """The root of the tree's first `size` leaves from the tiles of a tree at least that large.
    Every full tile is checked against the hash the level above holds for it, so a tampered tile
    is named, not just noticed."""
    by_level: dict[int, dict[int, list[bytes]]] = {}
    for tile, data in tiles.items():
        if tile.level >= 0:
            by_level.setdefault(tile.level, {})
            have = by_level[tile.level].get(tile.index)
            if have is None or len(have) < tile.width:
                by_level[tile.level][tile.index] = _hashes(data, tile)
    for level in sorted(by_level):
        above = by_level.get(level + 1, {})
        for index, hashes in sorted(by_level[level].items()):
            if len(hashes) < TILE_WIDTH:
                continue
            held = above.get(index // TILE_WIDTH)
            slot = index % TILE_WIDTH
            if held is None or slot >= len(held):
                continue  # the level above does not reach it: the root check still covers it
            if root_from_leaf_hashes(hashes) != held[slot]:
                parent = Tile(level + 1, index // TILE_WIDTH, len(held))
                raise TileError(
                    f"{Tile(level, index).path} does not hash to entry {slot} of {parent.path}"
                )

    def at(binary: int, index: int) -> bytes:
        """The perfect subtree `(binary level, index)`, from the tile level at or below it."""
        level, rest = divmod(binary, TILE_HEIGHT)
        span = 1 << rest
        first = index * span
        row = by_level.get(level, {})
        hashes = []
        for i in range(first, first + span):
            tile = row.get(i // TILE_WIDTH)
            if tile is None or i % TILE_WIDTH >= len(tile):
                raise TileError(f"no tile holds hash {i} of level {level}")
            hashes.append(tile[i % TILE_WIDTH])
        return root_from_leaf_hashes(hashes) if span > 1 else hashes[0]

    if size == 0:
        return root_from_leaf_hashes([])
    keys = []
    start = 0
    while start < size:
        binary = (size - start).bit_length() - 1
        if start:
            binary = min(binary, (start & -start).bit_length() - 1)
        keys.append((binary, start >> binary))
        start += 1 << binary
    acc = at(*keys[-1])
    for key in reversed(keys[:-1]):
        acc = node_hash(at(*key), acc)
    return acc


def check_against(size: int, root: bytes, tiles: Mapping[Tile, bytes]) -> None:
    """Raise TileError unless the tiles make `root` for the first `size` leaves."""
    if root_from_tiles(size, tiles) != root:
        raise TileError(f"the tiles make another root for size {size} than the checkpoint's")
