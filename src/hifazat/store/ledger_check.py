"""`ledger verify`: recompute every entry from the domain tables, the tree from those entries,
and check every checkpoint against it, so that an edit made straight in the database is named.

It reads the tables as they are stored, batch by batch on one read-only snapshot, so it is part
of the store; the command line and the ledger page reach it through the composition root."""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from hifazat.ledger.canonical import encode_entry
from hifazat.ledger.merkle import (
    LevelTree,
    ProofError,
    leaf_hash,
    root,
    verify_consistency,
)
from hifazat.ledger.note import NoteError, Verifier, open_checkpoint
from hifazat.ledger.pin import PinError, pin_path, read_pin
from hifazat.ledger.report import Problem, Report
from hifazat.store import ledger_store
from hifazat.store.ledger_records import COMPLETE, KINDS, Record
from hifazat.store.ledger_store import StoredEntry


def _differences(stored: str, expected: bytes) -> str:
    try:
        old = json.loads(stored)
        new = json.loads(expected)
    except ValueError:
        return "the stored entry is not JSON"
    fields = [k for k in ("seq", "kind", "at", "actor") if old.get(k) != new.get(k)]
    old_p, new_p = old.get("payload") or {}, new.get("payload") or {}
    fields += [
        f"payload.{k}" for k in sorted(set(old_p) | set(new_p)) if old_p.get(k) != new_p.get(k)
    ]
    return "differs in " + ", ".join(fields) if fields else "differs in its encoding"


def verify_beside_key(
    engine: Engine, verifier: Verifier, key_path: Path, records: bool = True
) -> Report:
    """`verify`, against the checkpoint kept beside the key at `key_path` — what the command
    line and the ledger page both run; a kept checkpoint that cannot be read is a problem."""
    try:
        kept = read_pin(pin_path(key_path))
    except PinError as error:
        report = verify(engine, verifier, records=records)
        report.problems.append(Problem(None, "checkpoint", "kept checkpoint", str(error)))
        return report
    return verify(engine, verifier, records=records, kept=kept)


def verify(
    engine: Engine, verifier: Verifier, records: bool = True, kept: str | None = None
) -> Report:
    """The whole check; `records=False` checks the log alone (every entry's leaf hash, the tree
    and the signed checkpoints), which is what anyone holding an exported log can do. `kept` is
    the checkpoint kept beside the key (`ledger.pin`): the database must still hold it."""
    report = Report()
    started = time.perf_counter()
    sha256 = hashlib.sha256
    with engine.connect() as c:
        c.execution_options(hifazat_read_only=True)  # one snapshot, and no write lock
        head = ledger_store.tree_size(c)
        stored_records: dict[str, dict[str, Record]] = (
            {k: load(c, None) for k, (_, load) in KINDS.items()} if records else {}
        )
        seen: dict[str, set[str]] = defaultdict(set)
        hashes: list[bytes] = []
        for batch in ledger_store.entry_batches(c):
            start = len(hashes)
            entries = [text.encode("utf-8") for _, _, _, text, _ in batch]
            leaves = [sha256(b"\x00" + e).digest() for e in entries]
            # the common case checked a batch at a time; a mismatch is then looked at row by row
            if [r[0] for r in batch] != list(range(start, start + len(batch))) or [
                r[4] for r in batch
            ] != leaves:
                for n, (row, leaf) in enumerate(zip(batch, leaves, strict=True)):
                    report.problems += _entry_problems(row, start + n, leaf)
            if records:
                for n, (row, stored) in enumerate(zip(batch, entries, strict=True)):
                    seen[row[1]].add(row[2])
                    problem, leaf = _against_record(row, stored, start + n, stored_records)
                    if problem:
                        report.problems.append(problem)
                        leaves[n] = leaf
            hashes += leaves
        report.entries = len(hashes)
        tree = LevelTree(hashes)
        if records:
            for kind in sorted(COMPLETE):
                for key in sorted(set(stored_records[kind]) - seen[kind]):
                    report.problems.append(
                        Problem(None, kind, f"{KINDS[kind][0]} {key}", "has no ledger entry")
                    )
        if head != tree.size:
            report.problems.append(
                Problem(
                    None, "ledger", "head", f"head says {head} entries, the log holds {tree.size}"
                )
            )
        elif head and root(head, ledger_store.DbNodes(c)) != tree.root():
            report.problems.append(
                Problem(None, "ledger", "tree", "stored tree hashes disagree with the entries")
            )
        _check_checkpoints(c, verifier, tree, report)
        if kept is not None:
            _check_kept(c, verifier, tree, kept, report)
    report.seconds = time.perf_counter() - started
    report.problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return report


def _label(kind: str, ref: str) -> str:
    return f"{KINDS[kind][0]} {ref}" if kind in KINDS else ref


def _entry_problems(row: StoredEntry, expected_seq: int, leaf: bytes) -> list[Problem]:
    seq, kind, ref, _, stored_leaf = row
    found = []
    if seq != expected_seq:
        found.append(
            Problem(seq, kind, _label(kind, ref), f"out of sequence: expected entry {expected_seq}")
        )
    if stored_leaf != leaf:
        found.append(Problem(seq, kind, _label(kind, ref), "stored leaf hash is wrong"))
    return found


def _against_record(
    row: StoredEntry, stored: bytes, expected_seq: int, records: dict[str, dict[str, Record]]
) -> tuple[Problem | None, bytes]:
    """A problem if the entry no longer matches the record it was written from, and then the
    leaf hash of the recomputed entry, which the tree is built from, so that a tampered record
    shows up in the roots too."""
    seq, kind, ref, text, _ = row
    record = records.get(kind, {}).get(ref)
    if record is None:
        missing = Problem(seq, kind, _label(kind, ref), "the record it covers is missing")
        return missing, leaf_hash(stored)
    recomputed = encode_entry(expected_seq, kind, *record)
    if recomputed == stored:
        return None, leaf_hash(stored)
    problem = Problem(
        seq,
        kind,
        _label(kind, ref),
        "the record no longer matches its entry: " + _differences(text, recomputed),
    )
    return problem, leaf_hash(recomputed)


def _check_checkpoints(c: Any, verifier: Verifier, tree: LevelTree, report: Report) -> None:
    previous: tuple[int, bytes] | None = None
    for row in ledger_store.checkpoints(c):
        report.checkpoints += 1
        label = f"checkpoint {row.id} (size {row.tree_size})"
        try:
            cp = open_checkpoint(row.note, verifier)
        except NoteError as error:
            report.problems.append(Problem(None, "checkpoint", label, f"signature: {error}"))
            continue
        if cp.size != row.tree_size or cp.root_hash != bytes(row.root_hash):
            report.problems.append(
                Problem(
                    None, "checkpoint", label, "stored size or root disagrees with the signed note"
                )
            )
        if not _fits_tree(cp.size, cp.root_hash, tree, label, report):
            continue
        if previous is not None:
            size1, root1 = previous
            try:
                proof = tree.consistency_proof(size1, cp.size) if size1 else []
                if size1:
                    verify_consistency(size1, cp.size, proof, root1, cp.root_hash)
            except (ProofError, ValueError) as error:
                report.problems.append(
                    Problem(
                        None,
                        "checkpoint",
                        label,
                        f"inconsistent with the checkpoint before: {error}",
                    )
                )
        previous = (cp.size, cp.root_hash)


def _check_kept(c: Any, verifier: Verifier, tree: LevelTree, note: str, report: Report) -> None:
    """The checkpoint kept outside the database: one of that size and root must be in it (else
    checkpoints were deleted or the log rolled back), and the log must still grow from it."""
    label = "kept checkpoint"
    try:
        cp = open_checkpoint(note, verifier)
    except NoteError as error:
        report.problems.append(Problem(None, "checkpoint", label, f"signature: {error}"))
        return
    label = f"kept checkpoint (size {cp.size})"
    stored = {(row.tree_size, bytes(row.root_hash)) for row in ledger_store.checkpoints(c)}
    if (cp.size, cp.root_hash) not in stored:
        report.problems.append(
            Problem(
                None,
                "checkpoint",
                label,
                f"the database holds no checkpoint of size {cp.size} with this root: "
                "checkpoints were deleted or the log was rolled back",
            )
        )
    _fits_tree(cp.size, cp.root_hash, tree, label, report)


def _fits_tree(size: int, root: bytes, tree: LevelTree, label: str, report: Report) -> bool:
    """Whether a checkpoint's tree head is one the recomputed log had; a problem if not."""
    if size > tree.size:
        why = f"covers {size} entries; the log holds {tree.size}"
    elif tree.root(size) != root:
        why = "root does not match the tree recomputed from the records"
    else:
        return True
    report.problems.append(Problem(None, "checkpoint", label, why))
    return False
