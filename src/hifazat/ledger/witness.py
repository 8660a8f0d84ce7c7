"""What a C2SP tlog-witness answers to an add-checkpoint request, given the latest checkpoint it
cosigned for the log: the checks of the tlog-witness text in its order, with no I/O, so that the
service (`hifazat.witness`) only has to read and write its state atomically around it.

A request that carries the log's valid signature but is inconsistent with what the witness
cosigned — a different root at the same size, or a proof that does not lead from the held root —
is marked as evidence: the log has shown two histories, and the witness keeps both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hifazat.ledger.cosignature import AddCheckpoint, Cosigner
from hifazat.ledger.merkle import ProofError, verify_consistency
from hifazat.ledger.note import Checkpoint, NoteError, Verifier, open_note, parse_checkpoint

__all__ = ["Head", "Verdict", "judge"]


@dataclass(frozen=True)
class Head:
    """The latest checkpoint a witness cosigned for a log."""

    size: int
    root_hash: bytes
    note: str


@dataclass(frozen=True)
class Verdict:
    #: 200 cosigned; 400 malformed; 403 no trusted signature; 404 unknown log; 409 the old size
    #: is not the held one (or the same size with another root); 422 the proof does not verify
    status: int
    reason: str
    #: on 200: the new head to keep, and the cosignature line to answer with
    head: Head | None = None
    cosignature: str = ""
    #: on 409: the size the witness holds
    held_size: int | None = None
    #: the request shows a history inconsistent with the held head: keep it
    evidence: bool = False


def judge(
    request: AddCheckpoint,
    trusted: Sequence[Verifier],
    held: Head | None,
    cosigner: Cosigner,
    now: int,
) -> Verdict:
    """`trusted` are the log's keys for the checkpoint's origin (empty: an unknown log)."""
    if not trusted:
        return Verdict(404, "unknown log origin")
    found: tuple[str, Checkpoint] | None = None
    for key in trusted:
        try:
            body = open_note(request.checkpoint, key)
            found = (body, parse_checkpoint(body))
            break
        except NoteError:
            continue
    if found is None:
        return Verdict(403, "no signature by a trusted key of this log")
    body, cp = found
    if request.old_size > cp.size:
        return Verdict(400, f"old size {request.old_size} exceeds the checkpoint's {cp.size}")
    size = held.size if held is not None else 0
    if request.old_size != size:
        return Verdict(409, f"the witness holds size {size}", held_size=size)
    if held is None or size == 0:
        if request.proof:
            return Verdict(422, "a proof from size 0 must be empty")
    elif size == cp.size:
        if cp.root_hash != held.root_hash:
            return Verdict(
                409, f"another root at the cosigned size {size}", held_size=size, evidence=True
            )
        if request.proof:
            return Verdict(422, "a proof between equal sizes must be empty")
    else:
        try:
            verify_consistency(size, cp.size, request.proof, held.root_hash, cp.root_hash)
        except ProofError as exc:
            return Verdict(
                422, f"not consistent with the cosigned size {size}: {exc}", evidence=True
            )
    line = cosigner.cosign(body, now)
    return Verdict(200, "cosigned", Head(cp.size, cp.root_hash, request.checkpoint), line)
