"""Receipts are checked offline with only the verifier key, and any tampering is named."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hifazat.ledger.canonical import encode_entry
from hifazat.ledger.merkle import MemoryTree
from hifazat.ledger.note import Checkpoint, generate_key, sign_checkpoint
from hifazat.ledger.receipt import ReceiptError, check_receipt, make_receipt

ORIGIN = "hifazat.example/registry"
SKEY, VKEY = generate_key(ORIGIN)
T0 = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)
ENTRIES = [
    encode_entry(
        i,
        "decision.approved" if i % 3 else "threat.assessed",
        T0 + timedelta(minutes=i),
        f"user:{i % 4}",
        {"decision": f"D-{i:04d}", "protectee": "محمد علی", "note": "— ok"},
    )
    for i in range(37)
]
TREE = MemoryTree()
for _entry in ENTRIES:
    TREE.append(_entry)
NOTE = sign_checkpoint(Checkpoint(ORIGIN, TREE.size, TREE.root()), SKEY)
INDEX = 11


def receipt(index: int = INDEX) -> dict[str, Any]:
    return make_receipt(ENTRIES[index], index, NOTE, TREE.inclusion_proof(index))


def test_round_trip() -> None:
    r = receipt()
    assert r["version"] == 1 and r["tree_size"] == 37 and r["leaf_index"] == INDEX
    assert r["entry"] == ENTRIES[INDEX].decode()
    for given_form in (r, json.dumps(r), json.dumps(r, ensure_ascii=False).encode()):
        result = check_receipt(given_form, VKEY)
        assert (result.seq, result.kind, result.leaf_index, result.tree_size) == (
            INDEX,
            "decision.approved",
            INDEX,
            37,
        )
        assert result.at == T0 + timedelta(minutes=INDEX)
        assert result.origin == ORIGIN and result.root_hash == TREE.root()
        assert result.payload["protectee"] == "محمد علی"


def test_every_leaf_of_a_small_tree() -> None:
    for index in range(TREE.size):
        assert check_receipt(receipt(index), VKEY).seq == index


def test_receipt_against_an_older_checkpoint() -> None:
    old = sign_checkpoint(Checkpoint(ORIGIN, 20, TREE.root(20)), SKEY)
    r = make_receipt(ENTRIES[INDEX], INDEX, old, TREE.inclusion_proof(INDEX, 20))
    assert check_receipt(r, VKEY).tree_size == 20


def test_make_receipt_refuses_a_wrong_path() -> None:
    with pytest.raises(ReceiptError, match="cannot issue"):
        make_receipt(ENTRIES[INDEX], INDEX, NOTE, TREE.inclusion_proof(INDEX + 1))
    with pytest.raises(ReceiptError, match="cannot issue"):
        make_receipt(ENTRIES[INDEX], INDEX, "not a note", TREE.inclusion_proof(INDEX))


def _mutated(**changes: Any) -> dict[str, Any]:
    r = receipt()
    for key, value in changes.items():
        if value is KeyError:
            del r[key]
        else:
            r[key] = value
    return r


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        (_mutated(version=2), "version"),
        (_mutated(version=True), "version"),
        (_mutated(version=KeyError), "missing"),
        (_mutated(extra="x"), "unknown"),
        (_mutated(leaf_index="11"), "leaf_index"),
        (_mutated(leaf_index=True), "leaf_index"),
        (_mutated(leaf_index=-1), "negative"),
        (_mutated(leaf_index=37), "not proved"),
        (_mutated(leaf_index=12), "not proved"),
        (_mutated(tree_size=36), "tree_size"),
        (_mutated(tree_size=37.0), "tree_size"),
        (_mutated(inclusion="AAAA"), "inclusion"),
        (_mutated(inclusion=[1, 2]), "inclusion element 0"),
        (_mutated(inclusion=["AAAA"]), "inclusion element 0"),
        (_mutated(entry=ENTRIES[12].decode()), "not proved"),
        (_mutated(entry=b"bytes"), "entry"),
        (_mutated(checkpoint=NOTE.replace("\n37\n", "\n38\n")), "checkpoint"),
        ([1, 2], "JSON object"),
        ("{not json", "not JSON"),
    ],
)
def test_malformed_or_tampered(bad: Any, match: str) -> None:
    with pytest.raises(ReceiptError, match=match):
        check_receipt(bad, VKEY)


def test_wrong_or_malformed_key() -> None:
    _, other = generate_key(ORIGIN)
    with pytest.raises(ReceiptError, match="checkpoint: note has no signature by"):
        check_receipt(receipt(), other)
    with pytest.raises(ReceiptError, match="verifier key"):
        check_receipt(receipt(), "nonsense")


def test_proved_but_non_canonical_entry_is_refused() -> None:
    odd = b'{"seq":0, "kind":"k","at":"2025-01-01T00:00:00Z","actor":"a","payload":{}}'
    tree = MemoryTree()
    tree.append(odd)
    note = sign_checkpoint(Checkpoint(ORIGIN, 1, tree.root()), SKEY)
    with pytest.raises(ReceiptError, match="canonical"):
        check_receipt(make_receipt(odd, 0, note, []), VKEY)


def _flip_text(text: str, pos: int, bit: int) -> str:
    raw = bytearray(text.encode())
    raw[pos % len(raw)] ^= 1 << bit
    return bytes(raw).decode("utf-8", errors="surrogateescape")


@settings(max_examples=120, deadline=None, derandomize=True)
@given(
    field=st.sampled_from(["entry", "checkpoint", "path-bytes", "path-text", "index", "size"]),
    pos=st.integers(0, 10_000),
    bit=st.integers(0, 7),
)
def test_any_bit_flip_is_refused(field: str, pos: int, bit: int) -> None:
    r = receipt()
    if field in ("entry", "checkpoint"):
        r[field] = _flip_text(r[field], pos, bit)
    elif field == "path-bytes":
        j = pos % len(r["inclusion"])
        raw = bytearray(base64.b64decode(r["inclusion"][j]))
        raw[pos % 32] ^= 1 << bit
        r["inclusion"][j] = base64.b64encode(bytes(raw)).decode()
    elif field == "path-text":
        j = pos % len(r["inclusion"])
        r["inclusion"][j] = _flip_text(r["inclusion"][j], pos, bit)
    else:
        key = "leaf_index" if field == "index" else "tree_size"
        r[key] ^= 1 << (pos % 12)
    with pytest.raises(ReceiptError):
        check_receipt(r, VKEY)


def test_non_canonical_path_encoding_is_refused() -> None:
    r = receipt()
    text = r["inclusion"][0]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    twin = text[:-2] + alphabet[alphabet.index(text[-2]) ^ 1] + "="
    assert base64.b64decode(twin) == base64.b64decode(text)
    r["inclusion"][0] = twin
    with pytest.raises(ReceiptError, match="inclusion element 0"):
        check_receipt(r, VKEY)
