"""Merkle tree: the RFC 6962 reference tree, and properties against a naive RFC implementation."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hifazat.ledger.merkle import (
    EMPTY_ROOT,
    LevelTree,
    MemoryTree,
    MissingNodeError,
    NodeKey,
    ProofError,
    StreamTree,
    append_leaves,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    nodes_to_add,
    root,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

h = bytes.fromhex

# --- the reference tree (certificate-transparency / transparency-dev/merkle testonly) ----------

LEAF_INPUTS = [
    b"",
    h("00"),
    h("10"),
    h("2021"),
    h("3031"),
    h("40414243"),
    h("5051525354555657"),
    h("606162636465666768696a6b6c6d6e6f"),
]
NODE_HASHES = [
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    [
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    [
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index, tree size, path); the published vectors number leaves from 1.
INCLUSION = [
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]


@pytest.fixture(scope="module")
def ref_tree() -> MemoryTree:
    tree = MemoryTree()
    for entry in LEAF_INPUTS:
        tree.append(entry)
    return tree


def test_hashing_primitives() -> None:
    assert EMPTY_ROOT.hex() == ROOTS[0]
    assert leaf_hash(b"").hex() == NODE_HASHES[0][0]
    # transparency-dev/merkle rfc6962_test.go
    assert leaf_hash(b"L123456").hex() == (
        "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    )
    assert node_hash(b"N123", b"N456").hex() == (
        "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    )


def test_reference_roots(ref_tree: MemoryTree) -> None:
    hashes = [leaf_hash(e) for e in LEAF_INPUTS]
    for size, want in enumerate(ROOTS):
        assert ref_tree.root(size).hex() == want
        assert root(size, ref_tree).hex() == want
        assert root_from_leaf_hashes(hashes[:size]).hex() == want


def test_reference_stored_nodes(ref_tree: MemoryTree) -> None:
    want = {
        (level, index): h(value)
        for level, row in enumerate(NODE_HASHES)
        for index, value in enumerate(row)
    }
    assert ref_tree.nodes == want


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_reference_inclusion(ref_tree: MemoryTree, index: int, size: int, path: list[str]) -> None:
    proof = ref_tree.inclusion_proof(index, size)
    assert [p.hex() for p in proof] == path
    verify_inclusion(leaf_hash(LEAF_INPUTS[index]), index, size, proof, h(ROOTS[size]))


@pytest.mark.parametrize(("size1", "size2", "path"), CONSISTENCY)
def test_reference_consistency(
    ref_tree: MemoryTree, size1: int, size2: int, path: list[str]
) -> None:
    proof = ref_tree.consistency_proof(size1, size2)
    assert [p.hex() for p in proof] == path
    verify_consistency(size1, size2, proof, h(ROOTS[size1]), h(ROOTS[size2]))


# --- storage behaviour -------------------------------------------------------------------------


class RecordingReader:
    def __init__(self, nodes: Mapping[NodeKey, bytes]) -> None:
        self.nodes = nodes
        self.calls: list[list[NodeKey]] = []

    def get_nodes(self, keys: Sequence[NodeKey]) -> Mapping[NodeKey, bytes]:
        self.calls.append(list(keys))
        return {k: self.nodes[k] for k in keys if k in self.nodes}


def test_append_reads_only_the_border_it_completes(ref_tree: MemoryTree) -> None:
    reader = RecordingReader(ref_tree.nodes)
    new = leaf_hash(b"x")
    assert [(lv, i) for lv, i, _ in nodes_to_add(6, new, reader)] == [(0, 6)]
    assert reader.calls == []
    added = nodes_to_add(7, new, reader)
    assert reader.calls == [[(2, 0), (1, 2), (0, 6)]]
    assert [(lv, i) for lv, i, _ in added] == [(0, 7), (1, 3), (2, 1), (3, 0)]
    reader.calls.clear()
    append_leaves(6, [new, new], reader)
    assert reader.calls == [[(2, 0), (1, 2)]]


def test_proofs_use_one_batched_read_of_log_n_nodes() -> None:
    tree = MemoryTree(leaf_hash(i.to_bytes(4, "big")) for i in range(1000))
    reader = RecordingReader(tree.nodes)
    inclusion_proof(637, 999, reader)
    consistency_proof(371, 999, reader)
    root(999, reader)
    assert len(reader.calls) == 3
    assert all(len(call) <= 2 * 10 for call in reader.calls)


def test_missing_nodes_are_reported(ref_tree: MemoryTree) -> None:
    partial = dict(ref_tree.nodes)
    del partial[(1, 2)]
    reader = RecordingReader(partial)
    with pytest.raises(MissingNodeError, match=r"\(1, 2\)"):
        root(7, reader)
    with pytest.raises(MissingNodeError):
        nodes_to_add(7, leaf_hash(b"x"), RecordingReader({}))
    partial[(1, 2)] = b"short"
    with pytest.raises(MissingNodeError, match="holds 5 bytes"):
        root(7, RecordingReader(partial))


def test_argument_errors(ref_tree: MemoryTree) -> None:
    with pytest.raises(ValueError):
        ref_tree.inclusion_proof(8, 8)
    with pytest.raises(ValueError):
        ref_tree.consistency_proof(0, 8)
    with pytest.raises(ValueError):
        ref_tree.consistency_proof(5, 4)
    with pytest.raises(ValueError):
        ref_tree.root(9)
    with pytest.raises(ValueError):
        append_leaves(0, [b"short"], ref_tree)
    with pytest.raises(ProofError):
        verify_inclusion(leaf_hash(b""), -1, 8, [], EMPTY_ROOT)
    with pytest.raises(ProofError):
        verify_consistency(True, 2, [EMPTY_ROOT], EMPTY_ROOT, EMPTY_ROOT)


# --- properties against the RFC's recursive definitions ---------------------------------------

MAX = 300
ENTRIES = [b"entry %d" % i for i in range(MAX)]
HASHES = [leaf_hash(e) for e in ENTRIES]
TREE = MemoryTree(HASHES)
PROPS = settings(max_examples=60, deadline=None, derandomize=True)


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(hs: Sequence[bytes]) -> bytes:
    if not hs:
        return EMPTY_ROOT
    if len(hs) == 1:
        return hs[0]
    k = _k(len(hs))
    return node_hash(ref_mth(hs[:k]), ref_mth(hs[k:]))


def ref_path(m: int, lo: int, hi: int) -> list[tuple[int, int]]:
    """RFC 6962 §2.1.1 PATH(m, D[lo:hi]) as the leaf ranges whose MTHs form it."""
    if hi - lo <= 1:
        return []
    k = _k(hi - lo)
    if m < k:
        return [*ref_path(m, lo, lo + k), (lo + k, hi)]
    return [*ref_path(m - k, lo + k, hi), (lo, lo + k)]


def ref_subproof(m: int, lo: int, hi: int, whole: bool) -> list[tuple[int, int]]:
    """RFC 6962 §2.1.2 SUBPROOF(m, D[lo:hi], b) as leaf ranges."""
    n = hi - lo
    if m == n:
        return [] if whole else [(lo, hi)]
    k = _k(n)
    if m <= k:
        return [*ref_subproof(m, lo, lo + k, whole), (lo + k, hi)]
    return [*ref_subproof(m - k, lo + k, hi, False), (lo, lo + k)]


def hashes_of(ranges: list[tuple[int, int]]) -> list[bytes]:
    return [ref_mth(HASHES[a:b]) for a, b in ranges]


def inclusion_shape(index: int, size: int) -> tuple[bool, ...]:
    """Which side each sibling is on: the whole of what a verifier computes."""
    return tuple(b <= index for _, b in ref_path(index, 0, size))


def consistency_shape(size1: int, size2: int) -> tuple[bool, tuple[bool, ...]]:
    ranges = ref_subproof(size1, 0, size2, True)
    seeded = size1 & (size1 - 1) == 0
    return seeded, tuple(b <= size1 for _, b in ranges[0 if seeded else 1 :])


def flip(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8 % len(out)] ^= 1 << (bit % 8)
    return bytes(out)


@st.composite
def size_and_index(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(st.integers(1, MAX))
    return size, draw(st.integers(0, size - 1))


@st.composite
def two_sizes(draw: st.DrawFn) -> tuple[int, int]:
    size2 = draw(st.integers(1, MAX))
    return draw(st.integers(1, size2)), size2


@PROPS
@given(size_and_index(), st.integers(0, 255))
def test_inclusion_property(case: tuple[int, int], bit: int) -> None:
    size, index = case
    tree_root = ref_mth(HASHES[:size])
    assert TREE.root(size) == tree_root
    proof = TREE.inclusion_proof(index, size)
    assert proof == hashes_of(ref_path(index, 0, size))
    leaf = HASHES[index]
    verify_inclusion(leaf, index, size, proof, tree_root)

    def rejects(lf: bytes, i: int, n: int, p: list[bytes], r: bytes) -> bool:
        try:
            verify_inclusion(lf, i, n, p, r)
        except ProofError:
            return True
        return False

    assert rejects(leaf_hash(flip(ENTRIES[index], bit)), index, size, proof, tree_root)
    assert rejects(flip(leaf, bit), index, size, proof, tree_root)
    assert rejects(leaf, index, size, proof, flip(tree_root, bit))
    for j in range(len(proof)):
        bad = list(proof)
        bad[j] = flip(bad[j], bit)
        assert rejects(leaf, index, size, bad, tree_root)
    assert rejects(leaf, index, size, [*proof, tree_root], tree_root)
    if proof:
        assert rejects(leaf, index, size, proof[:-1], tree_root)
    for b in range(10):
        assert rejects(leaf, index ^ (1 << b), size, proof, tree_root)
        # A root authenticates its size only through the signed checkpoint: another size is
        # accepted exactly when its tree puts this leaf in the same place (same computation).
        other = size ^ (1 << b)
        same = index < other and inclusion_shape(index, other) == inclusion_shape(index, size)
        assert rejects(leaf, index, other, proof, tree_root) is not same


@PROPS
@given(two_sizes(), st.integers(0, 255))
def test_consistency_property(case: tuple[int, int], bit: int) -> None:
    size1, size2 = case
    root1, root2 = ref_mth(HASHES[:size1]), ref_mth(HASHES[:size2])
    proof = TREE.consistency_proof(size1, size2)
    assert proof == hashes_of(ref_subproof(size1, 0, size2, True))
    verify_consistency(size1, size2, proof, root1, root2)

    def rejects(m: int, n: int, p: list[bytes], r1: bytes, r2: bytes) -> bool:
        try:
            verify_consistency(m, n, p, r1, r2)
        except ProofError:
            return True
        return False

    assert rejects(size1, size2, proof, flip(root1, bit), root2)
    assert rejects(size1, size2, proof, root1, flip(root2, bit))
    for j in range(len(proof)):
        bad = list(proof)
        bad[j] = flip(bad[j], bit)
        assert rejects(size1, size2, bad, root1, root2)
    assert rejects(size1, size2, [*proof, root2], root1, root2)
    if proof:
        assert rejects(size1, size2, proof[:-1], root1, root2)
    shape = consistency_shape(size1, size2) if size1 < size2 else None
    for b in range(10):
        for m, n in ((size1 ^ (1 << b), size2), (size1, size2 ^ (1 << b))):
            same = 0 < m < n and shape is not None and consistency_shape(m, n) == shape
            assert rejects(m, n, proof, root1, root2) is not same


@PROPS
@given(st.integers(0, MAX), st.lists(st.integers(1, 64), max_size=8))
def test_appends_store_exactly_the_perfect_subtrees(total: int, chunks: list[int]) -> None:
    one_by_one = MemoryTree()
    for i in range(total):
        one_by_one.nodes.update(
            {(lv, ix): hh for lv, ix, hh in nodes_to_add(i, HASHES[i], one_by_one)}
        )
    batched: dict[NodeKey, bytes] = {}
    reader = RecordingReader(batched)
    size = 0
    for chunk in [*chunks, total]:
        step = min(chunk, total - size)
        for lv, ix, hh in append_leaves(size, HASHES[size : size + step], reader):
            assert (lv, ix) not in batched
            batched[(lv, ix)] = hh
        size += step
    want = {
        (lv, ix): ref_mth(HASHES[ix << lv : (ix + 1) << lv])
        for lv in range(total.bit_length())
        for ix in range(total >> lv)
    }
    assert one_by_one.nodes == want
    assert batched == want
    assert root(total, reader) == ref_mth(HASHES[:total]) == root_from_leaf_hashes(HASHES[:total])


@pytest.mark.parametrize("size", [0, 1, 2, 3, 5, 8, 13, 64, 100])
def test_a_level_tree_answers_as_the_appended_tree_does(size: int) -> None:
    leaves = [leaf_hash(str(n).encode()) for n in range(size)]
    built, appended = LevelTree(leaves), MemoryTree(leaves)
    assert built.root() == appended.root() == root_from_leaf_hashes(leaves)
    for smaller in range(size):
        assert built.root(smaller) == appended.root(smaller)
        if smaller:
            assert built.consistency_proof(smaller) == appended.consistency_proof(smaller)


@pytest.mark.parametrize("seed", range(40))
def test_a_streamed_tree_answers_for_its_marks_as_the_whole_tree_does(seed: int) -> None:
    """Fed in batches of any length, the streamed tree keeps only its border and the tiles
    between marks, yet gives every marked root and every proof between marked sizes."""
    rng = random.Random(seed)
    size = rng.randint(0, 300)
    leaves = [leaf_hash(str(n).encode()) for n in range(size)]
    marks = rng.sample(range(size + 5), rng.randint(0, min(6, size + 5)))
    tree, batch = StreamTree(marks), rng.choice([1, 3, 4, 7, 16, 64])
    for start in range(0, size, batch):
        tree.extend(leaves[start : start + batch])
    whole = LevelTree(leaves)
    assert tree.size == size and tree.root() == root_from_leaf_hashes(leaves)
    inside = sorted(m for m in marks if m <= size)
    for m in inside:
        assert tree.root(m) == whole.root(m)
        for n in inside:
            if 0 < n <= m:
                assert tree.consistency_proof(n, m) == whole.consistency_proof(n, m)
    assert len(tree.get_nodes([(0, i) for i in range(size)])) <= 2 * (len(marks) + 1)


def test_a_streamed_tree_keeps_memory_of_its_height_not_its_length() -> None:
    tree = StreamTree([1000])
    for start in range(0, 1 << 14, 1024):
        tree.extend([leaf_hash(str(n).encode()) for n in range(start, start + 1024)])
    kept = tree.get_nodes([(lv, i) for lv in range(15) for i in range((1 << 14) >> lv)])
    assert len(kept) < 64  # the tiles of [0, 1000), the border, and subtrees straddling 1000
