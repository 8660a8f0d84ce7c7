"""Cosignatures and the witness's verdicts, through `hifazat.ledger`'s public functions; every
cosignature made here is also checked by the independent reading in tests/c2sp_cosignature."""

from __future__ import annotations

import pytest

from hifazat.ledger.cosignature import (
    AddCheckpoint,
    Cosigner,
    CosignerKey,
    add_signature_lines,
    cosignature_lines,
    format_add_checkpoint,
    parse_add_checkpoint,
    witnessed_by,
)
from hifazat.ledger.merkle import MemoryTree
from hifazat.ledger.note import Checkpoint, NoteError, Signer, sign_checkpoint
from hifazat.ledger.witness import Head, judge
from tests.c2sp_cosignature import cosignatures

LOG = Signer.generate("registry.example/ledger")
NOW = 1_767_225_600


def _tree(leaves: list[bytes]) -> MemoryTree:
    tree = MemoryTree()
    for leaf in leaves:
        tree.append(leaf)
    return tree


def _note(tree: MemoryTree, size: int, signer: Signer = LOG) -> str:
    return sign_checkpoint(Checkpoint(signer.name, size, tree.root(size)), signer)


def test_a_cosignature_verifies_here_and_by_the_independent_reading() -> None:
    witness = Cosigner.generate("witness.example/w1")
    note = _note(_tree([b"a", b"b", b"c"]), 3)
    body = note[: note.rindex("\n\n") + 1]
    cosigned = add_signature_lines(note, witness.cosign(body, NOW))
    assert witness.public().timestamp(cosigned) == NOW
    assert cosignatures(cosigned, [witness.public().text()]) == {"witness.example/w1": NOW}
    assert witnessed_by(cosigned, [witness.public()]) == ("witness.example/w1",)
    # the log's own key still opens it: a cosignature is one more line the log ignores
    from hifazat.ledger.note import open_checkpoint

    assert open_checkpoint(cosigned, LOG.verifier()).size == 3


def test_keys_round_trip_and_are_not_log_keys() -> None:
    witness = Cosigner.generate("witness.example/w1")
    assert Cosigner.parse(witness.text()).public().text() == witness.public().text()
    assert CosignerKey.parse(witness.public().text()).key_id == witness.key_id
    with pytest.raises(NoteError, match="cosignature/v1"):
        CosignerKey.parse(LOG.verifier().text())  # a log's key (0x01) is not a witness's (0x04)


def test_a_tampered_cosignature_is_an_error_not_skipped() -> None:
    witness = Cosigner.generate("witness.example/w1")
    note = _note(_tree([b"a"]), 1)
    line = witness.cosign(note[: note.rindex("\n\n") + 1], NOW)
    forged = add_signature_lines(sign_checkpoint(Checkpoint(LOG.name, 1, b"\x00" * 32), LOG), line)
    with pytest.raises(NoteError, match="does not verify"):
        witness.public().timestamp(forged)
    assert cosignatures(forged, [witness.public().text()]) == {}
    assert witness.public().timestamp(note) is None  # not cosigned: no timestamp, no error


def test_the_request_body_round_trips_and_is_strict() -> None:
    tree = _tree([bytes([i]) for i in range(9)])
    request = AddCheckpoint(5, tuple(tree.consistency_proof(5, 9)), _note(tree, 9))
    assert parse_add_checkpoint(format_add_checkpoint(request)) == request
    for bad in ("old 05\n\n", "new 5\n\n", "old 5\nnot-base64\n\n", "old 5\n"):
        with pytest.raises(NoteError):
            parse_add_checkpoint(bad + request.checkpoint)
    too_long = "old 5\n" + "".join(["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"] * 64) + "\n"
    with pytest.raises(NoteError, match="63"):
        parse_add_checkpoint(too_long + request.checkpoint)
    with pytest.raises(NoteError):
        cosignature_lines("not a signature\n")


class TestJudge:
    witness = Cosigner.generate("witness.example/w1")
    tree = _tree([bytes([i]) for i in range(12)])

    def _held(self, size: int) -> Head:
        return Head(size, self.tree.root(size), _note(self.tree, size))

    def test_first_checkpoint_then_a_consistent_one(self) -> None:
        first = judge(AddCheckpoint(0, (), _note(self.tree, 4)), [LOG.verifier()], None,
                      self.witness, NOW)  # fmt: skip
        assert first.status == 200 and first.head is not None and first.head.size == 4
        proof = tuple(self.tree.consistency_proof(4, 12))
        second = judge(AddCheckpoint(4, proof, _note(self.tree, 12)), [LOG.verifier()],
                       first.head, self.witness, NOW + 1)  # fmt: skip
        assert second.status == 200 and not second.evidence
        assert second.cosignature.startswith("— witness.example/w1 ")

    def test_refusals_in_the_order_the_text_gives(self) -> None:
        note = _note(self.tree, 8)
        held = self._held(4)
        proof = tuple(self.tree.consistency_proof(4, 8))
        assert judge(AddCheckpoint(4, proof, note), [], held, self.witness, NOW).status == 404
        stranger = Signer.generate(LOG.name)
        forged = _note(self.tree, 8, stranger)
        assert judge(AddCheckpoint(4, proof, forged), [LOG.verifier()], held, self.witness,
                     NOW).status == 403  # fmt: skip
        assert judge(AddCheckpoint(9, proof, note), [LOG.verifier()], held, self.witness,
                     NOW).status == 400  # fmt: skip
        stale = judge(AddCheckpoint(2, proof, note), [LOG.verifier()], held, self.witness, NOW)
        assert (stale.status, stale.held_size, stale.evidence) == (409, 4, False)
        bad = judge(AddCheckpoint(4, proof[1:], note), [LOG.verifier()], held, self.witness, NOW)
        assert bad.status == 422 and bad.evidence

    def test_a_fork_is_refused_and_marked_as_evidence(self) -> None:
        fork = _tree([bytes([i]) for i in range(6)] + [b"other"] * 6)
        held = self._held(10)
        proof = tuple(fork.consistency_proof(10, 12))
        other = judge(AddCheckpoint(10, proof, _note(fork, 12)), [LOG.verifier()], held,
                      self.witness, NOW)  # fmt: skip
        assert other.status == 422 and other.evidence and other.head is None
        same_size = judge(AddCheckpoint(10, (), _note(fork, 10)), [LOG.verifier()], held,
                          self.witness, NOW)  # fmt: skip
        assert (same_size.status, same_size.evidence) == (409, True)
