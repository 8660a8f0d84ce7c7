"""Signed notes and checkpoints, checked against the Go reference keys and signatures."""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hifazat.ledger.note import (
    Checkpoint,
    NoteError,
    Signer,
    Verifier,
    generate_key,
    key_id,
    open_checkpoint,
    open_note,
    sign_checkpoint,
    sign_note,
)

# golang.org/x/mod/sumdb/note documentation and note_test.go
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
PETER_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_NOTE = (
    PETER_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZ"
    "SNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
# A signed tree head published by the Go checksum database, with its well-known key.
SUMDB_VKEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
SUMDB_NOTE = (
    "go.sum database tree\n31700353\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n\n"
    "— sum.golang.org Az3grnmrIUEDFqHzAElIQCPNoRFRAAdFo47fooyWKMHb89k11GJh5zHIfNCOBmwn/C3YI8"
    "oW9/C8DJ87F61QqspBYwM=\n"
)

ORIGIN = "hifazat.example/registry"
ROOT = hashlib.sha256(b"root").digest()
ROOT_B64 = base64.b64encode(ROOT).decode()


@pytest.fixture(scope="module")
def keys() -> tuple[str, str]:
    return generate_key(ORIGIN)


def test_go_reference_keys_and_signature() -> None:
    v = Verifier.parse(PETER_VKEY)
    s = Signer.parse(PETER_SKEY)
    assert v.name == "PeterNeumann"
    assert v.key_id.hex() == "c74f20a3" == key_id("PeterNeumann", v.raw()).hex()
    assert s.verifier().text() == PETER_VKEY
    assert s.text() == PETER_SKEY
    assert v.text() == PETER_VKEY
    # Ed25519 is deterministic: signing reproduces the published note byte for byte.
    assert sign_note(PETER_TEXT, s) == PETER_NOTE
    assert open_note(PETER_NOTE, PETER_VKEY) == PETER_TEXT


def test_real_sumdb_checkpoint_opens() -> None:
    cp = open_checkpoint(SUMDB_NOTE, SUMDB_VKEY)
    assert cp.origin == "go.sum database tree"
    assert cp.size == 31700353
    assert cp.root_hash.hex().startswith("a88352d4")
    with pytest.raises(NoteError):
        open_checkpoint(SUMDB_NOTE.replace("31700353", "31700354"), SUMDB_VKEY)


def test_every_mangled_reference_key_is_refused() -> None:
    """As in Go's note_test.go: every proper substring and every one-byte bump fails."""
    raw = PETER_VKEY.encode()
    for i in range(len(raw) + 1):
        for j in range(i + 1, len(raw) + 1):
            if (i, j) != (0, len(raw)):
                with pytest.raises(NoteError):
                    Verifier.parse(raw[i:j].decode())
    for i in range(len(raw)):
        bumped = bytearray(raw)
        bumped[i] += 1
        with pytest.raises(NoteError):
            Verifier.parse(bumped.decode())


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("PeterNeumann+c74f20a3", "must look like"),
        ("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "invalid name"),
        ("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "invalid name"),
        ("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "8 hex"),
        ("PeterNeumann+c74f20a3+AhpcdQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "Ed25519"),
        ("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10", "base64"),
        ("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match"),
        ("PeterNeumann+c74f20a3+AA==", "Ed25519"),
    ],
)
def test_malformed_verifier_keys(text: str, match: str) -> None:
    with pytest.raises(NoteError, match=match):
        Verifier.parse(text)


@pytest.mark.parametrize(
    "text",
    [
        PETER_VKEY,
        "PRIVATE+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
        "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDF=",
        "PRIVATE+KEY+Peter+Neumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
    ],
)
def test_malformed_signer_keys(text: str) -> None:
    with pytest.raises(NoteError):
        Signer.parse(text)


def test_generated_keys_round_trip(keys: tuple[str, str]) -> None:
    skey, vkey = keys
    signer, verifier = Signer.parse(skey), Verifier.parse(vkey)
    assert signer.text() == skey and verifier.text() == vkey
    assert signer.verifier() == verifier and signer.verifier().raw() == verifier.raw()
    assert vkey.startswith(ORIGIN + "+") and skey == "PRIVATE+KEY+" + skey[len("PRIVATE+KEY+") :]
    with pytest.raises(NoteError):
        generate_key("has space")


def test_checkpoint_round_trip(keys: tuple[str, str]) -> None:
    skey, vkey = keys
    cp = Checkpoint(ORIGIN, 12345, ROOT, ("time 2025-01-01T00:00:00Z",))
    note = sign_checkpoint(cp, skey)
    body = f"{ORIGIN}\n12345\n{ROOT_B64}\n"
    assert note.startswith(body + "time 2025-01-01T00:00:00Z\n\n— " + ORIGIN + " ")
    assert open_checkpoint(note, vkey) == cp
    empty = Checkpoint(ORIGIN, 0, hashlib.sha256(b"").digest())
    assert open_checkpoint(sign_checkpoint(empty, skey), vkey) == empty


def test_wrong_key_and_foreign_signatures(keys: tuple[str, str]) -> None:
    skey, vkey = keys
    other_skey, other_vkey = generate_key(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, 5, ROOT), skey)
    with pytest.raises(NoteError, match="no signature by"):
        open_checkpoint(note, other_vkey)
    # A co-signature by another key is ignored; ours still verifies, and vice versa.
    other_line = sign_note(note.split("\n\n")[0] + "\n", other_skey).split("\n\n")[1]
    both = note + other_line
    assert open_checkpoint(both, vkey).size == 5
    assert open_checkpoint(both, other_vkey).size == 5


def test_tampering_is_refused(keys: tuple[str, str]) -> None:
    skey, vkey = keys
    note = sign_checkpoint(Checkpoint(ORIGIN, 5, ROOT), skey)
    with pytest.raises(NoteError, match="does not verify"):
        open_checkpoint(note.replace("\n5\n", "\n6\n"), vkey)
    body, sigs = note.split("\n\n")
    name, b64 = sigs[len("— ") :].split(" ")
    forged = body + "\n\n— " + name + " " + b64[:10] + ("A" if b64[10] != "A" else "B") + b64[11:]
    with pytest.raises(NoteError):
        open_checkpoint(forged, vkey)


@pytest.mark.parametrize(
    "note",
    [
        "no blank line\n— a AAAAAAA=\n",
        "body\n\n— a AAAAAAA=",
        "body\n\n",
        "body\n\n- a AAAAAAA=\n",
        "body\n\n— a\n",
        "body\n\n— a !!!!\n",
        "body\n\n— a AAAA\n",
        "bo\tdy\n\n— a AAAAAAA=\n",
        "body\n\n" + "— a AAAAAAA=\n" * 101,
    ],
)
def test_malformed_notes(note: str) -> None:
    with pytest.raises(NoteError):
        open_note(note, PETER_VKEY)


@pytest.mark.parametrize(
    "body",
    [
        "origin\n007\nROOT\n",
        "origin\n+7\nROOT\n",
        "origin\n 7\nROOT\n",
        "origin\n7 \nROOT\n",
        "origin\n18446744073709551616\nROOT\n",
        "origin\n7\nAAAA\n",
        "origin\n7\nROOT\n\n",
        "origin\n7\nROOT\next\n\nmore\n",
        "\n7\nROOT\n",
        "origin\n7\n",
        "origin\n7\nSHORTROOT\n",
    ],
)
def test_strict_checkpoint_body(keys: tuple[str, str], body: str) -> None:
    skey, vkey = keys
    text = body.replace("SHORTROOT", ROOT_B64[:-2] + "=").replace("ROOT", ROOT_B64)
    note = sign_note(text, skey)
    with pytest.raises(NoteError):
        open_checkpoint(note, vkey)


SIGNED_SKEY, SIGNED_VKEY = generate_key(ORIGIN)
SIGNED = sign_checkpoint(Checkpoint(ORIGIN, 987654321, ROOT, ("extension line",)), SIGNED_SKEY)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(st.data())
def test_any_bit_flip_in_a_signed_checkpoint_is_refused(data: st.DataObject) -> None:
    raw = SIGNED.encode()
    pos = data.draw(st.integers(0, len(raw) - 1))
    bit = data.draw(st.integers(0, 7))
    bad = bytearray(raw)
    bad[pos] ^= 1 << bit
    text = bytes(bad).decode("utf-8", errors="surrogateescape")
    with pytest.raises(NoteError):
        open_checkpoint(text, SIGNED_VKEY)


def test_non_canonical_base64_is_refused() -> None:
    """Unused padding bits must be zero, so a flipped bit there is noticed too."""
    body, sigs = SIGNED.split("\n\n")
    assert sigs.endswith("=\n") and not sigs.endswith("==\n")
    last = sigs[-3]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    twin = alphabet[alphabet.index(last) ^ 1]
    same_bytes = body + "\n\n" + sigs[:-3] + twin + "=\n"
    assert base64.b64decode(same_bytes.split(" ")[-1]) == base64.b64decode(sigs.split(" ")[-1])
    with pytest.raises(NoteError, match="canonical"):
        open_checkpoint(same_bytes, SIGNED_VKEY)
    root_line = ROOT_B64[:-2] + alphabet[alphabet.index(ROOT_B64[-2]) ^ 1] + "="
    assert base64.b64decode(root_line) == ROOT
    note = sign_note(f"{ORIGIN}\n1\n{root_line}\n", SIGNED_SKEY)
    with pytest.raises(NoteError, match="canonical"):
        open_checkpoint(note, SIGNED_VKEY)
