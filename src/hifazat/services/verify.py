"""`ledger verify`: recompute every entry from the domain tables, the tree from those entries,
and check every checkpoint against it, so that an edit made straight in the database is named."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from hifazat.ledger.canonical import encode_entry
from hifazat.ledger.merkle import (
    MemoryTree,
    ProofError,
    leaf_hash,
    root,
    verify_consistency,
)
from hifazat.ledger.note import NoteError, Verifier, open_checkpoint
from hifazat.store import ledger_store
from hifazat.store.ledger_records import COMPLETE, KINDS, Record


@dataclass(frozen=True)
class Problem:
    seq: int | None
    kind: str
    record: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "record": self.record, "message": self.message}

    def __str__(self) -> str:
        where = f"entry {self.seq} ({self.kind})" if self.seq is not None else self.kind
        return f"{where}, {self.record}: {self.message}"


@dataclass
class Report:
    entries: int = 0
    checkpoints: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rate(self) -> float:
        return self.entries / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "checkpoints": self.checkpoints,
            "seconds": round(self.seconds, 3),
            "entries_per_second": round(self.rate),
            "first_problem": self.problems[0].as_dict() if self.problems else None,
            "problems": [p.as_dict() for p in self.problems],
        }


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


def verify(engine: Engine, verifier: Verifier) -> Report:
    report = Report()
    started = time.perf_counter()
    with engine.connect() as c:
        records: dict[str, dict[str, Record]] = {k: load(c, None) for k, (_, load) in KINDS.items()}
        seen: dict[str, set[str]] = defaultdict(set)
        tree = MemoryTree()
        for expected_seq, row in enumerate(ledger_store.entries(c)):
            report.entries += 1
            label = f"{KINDS[row.kind][0]} {row.ref}" if row.kind in KINDS else row.ref
            seen[row.kind].add(row.ref)
            stored = row.entry.encode("utf-8")
            if row.seq != expected_seq:
                report.problems.append(
                    Problem(
                        row.seq, row.kind, label, f"out of sequence: expected entry {expected_seq}"
                    )
                )
            record = records.get(row.kind, {}).get(row.ref)
            if record is None:
                report.problems.append(
                    Problem(row.seq, row.kind, label, "the record it covers is missing")
                )
                recomputed = stored
            else:
                recomputed = encode_entry(expected_seq, row.kind, *record)
                if recomputed != stored:
                    report.problems.append(
                        Problem(
                            row.seq,
                            row.kind,
                            label,
                            "the record no longer matches its entry: "
                            + _differences(row.entry, recomputed),
                        )
                    )
            if bytes(row.leaf_hash) != leaf_hash(stored):
                report.problems.append(
                    Problem(row.seq, row.kind, label, "stored leaf hash is wrong")
                )
            tree.append(recomputed)
        for kind in sorted(COMPLETE):
            for key in sorted(set(records[kind]) - seen[kind]):
                report.problems.append(
                    Problem(None, kind, f"{KINDS[kind][0]} {key}", "has no ledger entry")
                )
        head = ledger_store.tree_size(c)
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
    report.seconds = time.perf_counter() - started
    report.problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return report


def _check_checkpoints(c: Any, verifier: Verifier, tree: MemoryTree, report: Report) -> None:
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
        if cp.size > tree.size:
            report.problems.append(
                Problem(
                    None,
                    "checkpoint",
                    label,
                    f"covers {cp.size} entries; the log holds {tree.size}",
                )
            )
            continue
        if tree.root(cp.size) != cp.root_hash:
            report.problems.append(
                Problem(
                    None,
                    "checkpoint",
                    label,
                    "root does not match the tree recomputed from the records",
                )
            )
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
