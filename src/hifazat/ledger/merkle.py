"""RFC 6962 / RFC 9162 Merkle tree: hashing, proofs from stored subtrees, and verification.

Storage keeps only hashes of perfect subtrees, keyed ``(level, index)``: node ``(l, i)`` covers
leaves ``[i * 2**l, (i + 1) * 2**l)``. Those never change once complete, so a database can append
them and answer any root or proof with one batched read of O(log n) rows.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "LevelTree",
    "MemoryTree",
    "MissingNodeError",
    "NodeKey",
    "NodeReader",
    "ProofError",
    "StreamTree",
    "append_leaves",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "nodes_to_add",
    "root",
    "root_from_leaf_hashes",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeKey = tuple[int, int]
Node = tuple[int, int, bytes]


class ProofError(ValueError):
    """A proof does not verify, or is malformed."""


class MissingNodeError(LookupError):
    """The node store lacks a subtree hash it should hold: the stored tree is incomplete."""


class NodeReader(Protocol):
    def get_nodes(self, keys: Sequence[NodeKey]) -> Mapping[NodeKey, bytes]:
        """Return the stored hash for each key (batched so a database answers in one query)."""
        ...


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """MTH over all leaves; pairing level by level and promoting an odd last node is the
    RFC 6962 split-at-largest-power-of-two definition, computed in linear time."""
    if not hashes:
        return EMPTY_ROOT
    level = [_check_hash(h, "leaf hash") for h in hashes]
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


# --- reading the tree from stored perfect subtrees ---------------------------------------------


def _check_size(value: int, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{what} must be a non-negative integer, not {value!r}")
    return value


def _check_hash(value: bytes, what: str) -> bytes:
    if not isinstance(value, bytes) or len(value) != HASH_SIZE:
        raise ValueError(f"{what} must be {HASH_SIZE} bytes")
    return value


def _split(n: int) -> int:
    """Largest power of two strictly less than n (n > 1): where RFC 6962 splits a tree."""
    return 1 << ((n - 1).bit_length() - 1)


def _tiles(start: int, end: int) -> list[NodeKey]:
    """Perfect subtrees tiling [start, end), left to right. For the aligned ranges that occur
    in proofs they come largest first, so folding them from the right gives the range's MTH."""
    keys: list[NodeKey] = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start:
            level = min(level, (start & -start).bit_length() - 1)
        keys.append((level, start >> level))
        start += 1 << level
    return keys


def _fetch(reader: NodeReader, keys: Iterable[NodeKey]) -> dict[NodeKey, bytes]:
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return {}
    got = reader.get_nodes(wanted)
    out: dict[NodeKey, bytes] = {}
    for key in wanted:
        value = got.get(key)
        if value is None:
            raise MissingNodeError(f"tree node {key} (level, index) is not stored")
        if len(value) != HASH_SIZE:
            raise MissingNodeError(f"tree node {key} holds {len(value)} bytes, not {HASH_SIZE}")
        out[key] = bytes(value)
    return out


def _range_hashes(ranges: Sequence[tuple[int, int]], reader: NodeReader) -> list[bytes]:
    tiles = [_tiles(a, b) for a, b in ranges]
    nodes = _fetch(reader, (k for t in tiles for k in t))
    result = []
    for tile in tiles:
        acc = nodes[tile[-1]]
        for key in reversed(tile[:-1]):
            acc = node_hash(nodes[key], acc)
        result.append(acc)
    return result


def root(size: int, reader: NodeReader) -> bytes:
    if _check_size(size, "size") == 0:
        return EMPTY_ROOT
    return _range_hashes([(0, size)], reader)[0]


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """Subtrees whose hashes form RFC 6962 PATH(index, D[0:size]), leaf level first."""
    ranges = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
    return ranges[::-1]


def _consistency_ranges(size1: int, size2: int) -> list[tuple[int, int]]:
    """Subtrees whose hashes form RFC 6962 PROOF(size1, D[0:size2]), in proof order."""
    ranges = []
    lo, hi, whole = 0, size2, True
    while hi != size1:
        k = _split(hi - lo)
        if size1 - lo <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
            whole = False
    if not whole:
        ranges.append((lo, hi))
    return ranges[::-1]


def inclusion_proof(index: int, size: int, reader: NodeReader) -> list[bytes]:
    _check_size(index, "index")
    if index >= _check_size(size, "size"):
        raise ValueError(f"index {index} is not in a tree of size {size}")
    return _range_hashes(_inclusion_ranges(index, size), reader)


def consistency_proof(size1: int, size2: int, reader: NodeReader) -> list[bytes]:
    _check_size(size1, "size1")
    _check_size(size2, "size2")
    if size1 > size2:
        raise ValueError(f"size1 {size1} is larger than size2 {size2}")
    if size1 == 0:
        raise ValueError("a consistency proof from the empty tree is meaningless")
    return _range_hashes(_consistency_ranges(size1, size2), reader)


# --- appending -------------------------------------------------------------------------------


def append_leaves(size: int, leaf_hashes: Sequence[bytes], reader: NodeReader) -> list[Node]:
    """Nodes ``(level, index, hash)`` completed by appending ``leaf_hashes`` at ``size``.

    Reads only the existing right-border subtrees that the new leaves complete (one batch),
    then merges in memory: O(k + log n) for k new leaves.
    """
    _check_size(size, "size")
    new = [_check_hash(h, "leaf hash") for h in leaf_hashes]
    end = size + len(new)
    border = [
        (level, (size >> level) - 1)
        for level in range(size.bit_length() - 1, -1, -1)
        if size >> level & 1 and ((size >> (level + 1)) + 1) << (level + 1) <= end
    ]
    stored = _fetch(reader, border)
    stack: list[Node] = [(lvl, idx, stored[(lvl, idx)]) for lvl, idx in border]
    out: list[Node] = []
    for offset, h in enumerate(new):
        node: Node = (0, size + offset, h)
        out.append(node)
        while stack and stack[-1][0] == node[0]:
            left = stack.pop()
            node = (node[0] + 1, left[1] >> 1, node_hash(left[2], node[2]))
            out.append(node)
        stack.append(node)
    return out


def nodes_to_add(size: int, new_leaf: bytes, reader: NodeReader) -> list[Node]:
    """Nodes completed by appending one leaf hash at index ``size``."""
    return append_leaves(size, [new_leaf], reader)


class MemoryTree:
    """A dict-backed node store: for tests and for recomputing a whole tree from its leaves."""

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self.nodes: dict[NodeKey, bytes] = {}
        self._size = 0
        self.extend(leaf_hashes)

    @property
    def size(self) -> int:
        return self._size

    def get_nodes(self, keys: Sequence[NodeKey]) -> Mapping[NodeKey, bytes]:
        return {k: self.nodes[k] for k in keys if k in self.nodes}

    def append(self, entry: bytes) -> int:
        """Append an entry (hashed as a leaf); returns its index."""
        return self.append_leaf_hash(leaf_hash(entry))

    def append_leaf_hash(self, h: bytes) -> int:
        self.extend([h])
        return self._size - 1

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        batch = list(leaf_hashes)
        for level, index, h in append_leaves(self._size, batch, self):
            self.nodes[(level, index)] = h
        self._size += len(batch)

    def leaf_hash(self, index: int) -> bytes:
        if not 0 <= index < self._size:
            raise IndexError(f"no leaf {index} in a tree of size {self._size}")
        return self.nodes[(0, index)]

    def root(self, size: int | None = None) -> bytes:
        return root(self._bounded(size), self)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof(index, self._bounded(size), self)

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        return consistency_proof(size1, self._bounded(size2), self)

    def _bounded(self, size: int | None) -> int:
        if size is None:
            return self._size
        if _check_size(size, "size") > self._size:
            raise ValueError(f"size {size} exceeds the tree's size {self._size}")
        return size


# --- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) --------------------------------------------


def _check_proof(proof: Sequence[bytes]) -> list[bytes]:
    items = list(proof)
    for i, p in enumerate(items):
        if not isinstance(p, bytes) or len(p) != HASH_SIZE:
            raise ProofError(f"proof element {i} is not a {HASH_SIZE}-byte hash")
    return items


def _check_int(value: int, what: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProofError(f"{what} must be a non-negative integer")


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise ProofError unless ``proof`` shows leaf ``index`` of a ``size``-leaf tree is
    ``leaf_hash`` under ``root``."""
    _check_int(index, "index")
    _check_int(size, "size")
    if index >= size:
        raise ProofError(f"index {index} is not in a tree of size {size}")
    if not isinstance(leaf_hash, bytes) or len(leaf_hash) != HASH_SIZE:
        raise ProofError(f"leaf hash is not {HASH_SIZE} bytes")
    path = _check_proof(proof)
    fn, sn, r = index, size - 1, leaf_hash
    for p in path:
        if sn == 0:
            raise ProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is too short")
    if r != root:
        raise ProofError("inclusion proof does not lead to the root")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """Raise ProofError unless ``proof`` shows the ``size1`` tree (``root1``) is a prefix of
    the ``size2`` tree (``root2``). Edge cases follow transparency-dev/merkle: a proof from the
    empty tree is refused as meaningless, equal sizes need an empty proof and equal roots."""
    _check_int(size1, "size1")
    _check_int(size2, "size2")
    if size2 < size1:
        raise ProofError(f"size2 {size2} is smaller than size1 {size1}")
    if size1 == 0:
        raise ProofError("a consistency proof from the empty tree is meaningless")
    if size1 == size2:
        if proof:
            raise ProofError("trees of equal size need an empty proof")
        if root1 != root2:
            raise ProofError("trees of equal size have different roots")
        return
    path = _check_proof(proof)
    if not path:
        raise ProofError("consistency proof is empty")
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if fr != root1:
        raise ProofError("consistency proof does not lead to the first root")
    if sr != root2:
        raise ProofError("consistency proof does not lead to the second root")


class LevelTree:
    """Every perfect subtree of a whole log, hashed level by level in one pass: how a verifier
    rebuilds the tree from all its entries at once (about one interior hash per leaf, in list
    comprehensions), then reads any earlier root or proof from it as from the stored tree."""

    def __init__(self, leaf_hashes: Sequence[bytes]) -> None:
        sha256 = hashlib.sha256
        level = list(leaf_hashes)
        self.levels = [level]
        while len(level) > 1:
            level = [
                sha256(b"\x01" + level[i] + level[i + 1]).digest()
                for i in range(0, len(level) - 1, 2)
            ]
            self.levels.append(level)

    @property
    def size(self) -> int:
        return len(self.levels[0])

    def get_nodes(self, keys: Sequence[NodeKey]) -> Mapping[NodeKey, bytes]:
        found = {}
        for level, index in keys:
            if level < len(self.levels) and index < len(self.levels[level]):
                found[(level, index)] = self.levels[level][index]
        return found

    def root(self, size: int | None = None) -> bytes:
        return root(self.size if size is None else size, self)

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        return consistency_proof(size1, self.size if size2 is None else size2, self)


class StreamTree:
    """The tree of a whole log rebuilt as its leaf hashes stream past, in memory bounded by the
    log's height rather than its length: how `ledger verify` checks a national log.

    It keeps the right border of the tree so far (at most one subtree per level), and of the
    interior only the subtrees needed to answer for the tree sizes named in advance (`marks`,
    the checkpoints' sizes): the tiles of each stretch between consecutive marks. Any root or
    consistency proof between marked sizes is then built from those (a subtree straddling a
    mark is hashed from the tiles on either side), O(log n) nodes per mark. Leaves arrive in
    batches, each hashed level by level in list comprehensions, one C-level hash per node."""

    def __init__(self, marks: Iterable[int] = ()) -> None:
        self._marks = sorted({0, *(_check_size(m, "mark") for m in marks)})
        wanted: dict[int, set[int]] = {}
        for start, end in zip(self._marks, self._marks[1:], strict=False):
            for level, index in _tiles(start, end):
                wanted.setdefault(level, set()).add(index)
        self._wanted = {level: sorted(ix) for level, ix in wanted.items()}
        self._kept: dict[NodeKey, bytes] = {}
        self._border: list[Node] = []  # (level, index, hash), levels strictly decreasing
        self._size = 0

    @property
    def size(self) -> int:
        return self._size

    def extend(self, leaf_hashes: Sequence[bytes]) -> None:
        """Append a batch of leaf hashes; a batch starting at a multiple of its (power-of-two)
        length is one perfect subtree, hashed in a single pass."""
        offset = 0
        for level, index in _tiles(self._size, self._size + len(leaf_hashes)):
            width = 1 << level
            self._push(
                level, index, self._subtree(level, index, leaf_hashes[offset : offset + width])
            )
            offset += width
        self._size += len(leaf_hashes)

    def _subtree(self, top: int, index: int, leaves: Sequence[bytes]) -> bytes:
        sha256 = hashlib.sha256
        nodes = list(leaves)
        for level in range(top + 1):
            if level:
                pairs = iter(nodes)
                nodes = [
                    sha256(b"\x01" + a + b).digest() for a, b in zip(pairs, pairs, strict=False)
                ]
            wanted = self._wanted.get(level)
            if wanted:
                first = index << (top - level)
                lo, hi = bisect_left(wanted, first), bisect_left(wanted, first + len(nodes))
                for i in wanted[lo:hi]:
                    self._kept[(level, i)] = nodes[i - first]
        return nodes[0]

    def _push(self, level: int, index: int, h: bytes) -> None:
        border = self._border
        while border and border[-1][0] == level:
            left = border.pop()
            level, index, h = level + 1, index >> 1, node_hash(left[2], h)
            wanted = self._wanted.get(level, [])
            at = bisect_left(wanted, index)
            if at < len(wanted) and wanted[at] == index:
                self._kept[(level, index)] = h
        border.append((level, index, h))

    def get_nodes(self, keys: Sequence[NodeKey]) -> Mapping[NodeKey, bytes]:
        found = {}
        for key in keys:
            h = self._node(*key)
            if h is not None:
                found[key] = h
        return found

    def _node(self, level: int, index: int) -> bytes | None:
        h = self._kept.get((level, index))
        if h is not None or level == 0:
            return h
        for lv, ix, border_hash in self._border:
            if (lv, ix) == (level, index):
                return border_hash
        start, end = index << level, (index + 1) << level
        if end > self._size or bisect_right(self._marks, start) == bisect_left(self._marks, end):
            return None  # only a subtree straddling a mark is hashed from the tiles beside it
        left, right = self._node(level - 1, 2 * index), self._node(level - 1, 2 * index + 1)
        return node_hash(left, right) if left is not None and right is not None else None

    def root(self, size: int | None = None) -> bytes:
        if size is None or size == self._size:
            if not self._border:
                return EMPTY_ROOT
            acc = self._border[-1][2]
            for _, _, h in reversed(self._border[:-1]):
                acc = node_hash(h, acc)
            return acc
        if _check_size(size, "size") > self._size:
            raise ValueError(f"size {size} exceeds the tree's size {self._size}")
        return root(size, self)

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        return consistency_proof(size1, self._size if size2 is None else size2, self)
