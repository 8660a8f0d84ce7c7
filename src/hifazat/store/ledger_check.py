"""`ledger verify`: recompute every entry from the domain tables, the tree from those entries,
and check every checkpoint against it, so that an edit made straight in the database is named.

It reads the tables as they are stored, batch by batch on one read-only snapshot, so it is part
of the store; the command line and the ledger page reach it through the composition root."""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from hifazat.ledger.canonical import encode_entry
from hifazat.ledger.merkle import (
    ProofError,
    StreamTree,
    leaf_hash,
    root,
    verify_consistency,
)
from hifazat.ledger.note import NoteError, Verifier, open_checkpoint
from hifazat.ledger.pin import PinError, pin_path, read_pin
from hifazat.ledger.report import Problem, Report
from hifazat.store import ledger_store
from hifazat.store import tables as t
from hifazat.store.engine import is_postgres
from hifazat.store.ledger_keys import unentered
from hifazat.store.ledger_records import COMPLETE, KINDS, Record


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


#: entries read per batch: a power of two, so each batch is one perfect subtree of the tree
BATCH = 8192
#: record keys per query when recomputing a batch
KEYS_PER_QUERY = 2048


def verify(
    engine: Engine, verifier: Verifier, records: bool = True, kept: str | None = None
) -> Report:
    """The whole check; `records=False` checks the log alone (every entry's leaf hash, the tree
    and the signed checkpoints), which is what anyone holding an exported log can do. `kept` is
    the checkpoint kept beside the key (`ledger.pin`): the database must still hold it.

    Memory stays flat as the log grows: entries stream through in batches, each batch's records
    are loaded with it (one query per kind and batch), the tree keeps only its right border and
    the subtrees the checkpoints' sizes need, and records without an entry are found by SQL."""
    report = Report()
    started = time.perf_counter()
    sha256 = hashlib.sha256
    with engine.connect() as c:
        c.execution_options(hifazat_read_only=True)  # one snapshot, and no write lock
        head = ledger_store.tree_size(c)
        stored_checkpoints = ledger_store.checkpoints(c)
        tree = StreamTree(_marks(stored_checkpoints, verifier, kept))
        for batch in _entry_batches(c, records):
            start = tree.size
            columns = list(zip(*batch, strict=True))
            seqs, entries, stored = columns[0], columns[1], columns[2]
            leaves = [sha256(b"\x00" + e).digest() for e in entries]
            # the common case checked a batch at a time; a mismatch is then looked at row by row
            if seqs != tuple(range(start, start + len(batch))) or stored != tuple(leaves):
                labels = _labels(c, seqs) if not records else dict(zip(seqs, batch, strict=True))
                for n, (seq, stored_leaf) in enumerate(zip(seqs, stored, strict=True)):
                    kind, ref = labels[seq][3], labels[seq][4]
                    report.problems += _entry_problems(
                        seq, kind, ref, stored_leaf, start + n, leaves[n]
                    )
            if records:
                _against_records(c, batch, start, leaves, report)
            tree.extend(leaves)
        report.entries = tree.size
        if records:
            for kind in sorted(COMPLETE):
                for key in unentered(c, kind):
                    report.problems.append(
                        Problem(None, kind, f"{KINDS[kind][0]} {key}", "has no ledger entry")
                    )
            if waited := ledger_store.stale(c, datetime.now(UTC)):
                report.problems.append(
                    Problem(
                        None,
                        "ledger",
                        "group commit",
                        f"{waited} committed change(s) have waited more than "
                        f"{ledger_store.STALE.seconds} s for their entries (a writer stopped "
                        "before its batch was entered): `hifazat ledger checkpoint` enters them",
                    )
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
        _check_checkpoints(stored_checkpoints, verifier, tree, report)
        if kept is not None:
            _check_kept(stored_checkpoints, verifier, tree, kept, report)
    report.seconds = time.perf_counter() - started
    report.problems.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return report


def _marks(rows: list[Any], verifier: Verifier, kept: str | None) -> set[int]:
    """The tree sizes the checkpoints (stored and kept) sign: the sizes whose roots and
    consistency proofs the streamed tree must be able to give once the log has passed."""
    sizes = set()
    for note in [row.note for row in rows] + ([kept] if kept is not None else []):
        try:
            sizes.add(open_checkpoint(note, verifier).size)
        except NoteError:
            continue
    return sizes


def _entry_batches(c: Any, records: bool) -> Iterator[list[tuple[Any, ...]]]:
    """Every entry in order as plain driver tuples `(seq, entry bytes, leaf hash[, kind, ref])`,
    `BATCH` at a time: the entry comes as UTF-8 bytes from the database (no str per row), and
    on PostgreSQL through a server-side cursor in binary format."""
    raw: Any = c.connection.dbapi_connection
    if is_postgres(c):
        cursor = raw.cursor(name="hifazat_ledger_verify", binary=True)
        entry = "convert_to(entry, 'UTF8')"
    else:
        cursor = raw.cursor()
        entry = "CAST(entry AS BLOB)"
    labels = ", kind, ref" if records else ""
    try:
        cursor.execute(
            f"SELECT seq, {entry}, leaf_hash{labels} FROM ledger_entries ORDER BY seq"  # noqa: S608
        )
        while batch := cursor.fetchmany(BATCH):
            yield batch
    finally:
        cursor.close()


def _labels(c: Any, seqs: Sequence[int]) -> dict[int, tuple[Any, ...]]:
    """Kind and ref of the entries of a batch that has a problem (the log-only read skips them)."""
    e = t.ledger_entries
    query = select(e.c.seq, e.c.seq, e.c.seq, e.c.kind, e.c.ref).where(
        e.c.seq.between(min(seqs), max(seqs))
    )
    return {int(r[0]): tuple(r) for r in c.execute(query)}


def _against_records(
    c: Any, batch: list[tuple[Any, ...]], start: int, leaves: list[bytes], report: Report
) -> None:
    """Recompute a batch's entries from their records (loaded for the batch, one query per kind
    and chunk); a mismatch is a problem, and the tree is then built from the recomputed entry's
    leaf hash, so that a tampered record shows up in the roots too."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for row in batch:
        by_kind[row[3]].append(row[4])
    loaded: dict[tuple[str, str], Record] = {}
    for kind, refs in by_kind.items():
        if kind not in KINDS:
            continue
        load = KINDS[kind][1]
        unique = list(dict.fromkeys(refs))
        for at in range(0, len(unique), KEYS_PER_QUERY):
            for key, record in load(c, unique[at : at + KEYS_PER_QUERY]).items():
                loaded[(kind, key)] = record
    for n, (seq, stored, _, kind, ref) in enumerate(batch):
        found = loaded.get((kind, ref))
        if found is None:
            missing = Problem(seq, kind, _label(kind, ref), "the record it covers is missing")
            report.problems.append(missing)
            continue
        recomputed = encode_entry(start + n, kind, *found)
        if recomputed != stored:
            report.problems.append(
                Problem(
                    seq,
                    kind,
                    _label(kind, ref),
                    "the record no longer matches its entry: "
                    + _differences(bytes(stored).decode("utf-8"), recomputed),
                )
            )
            leaves[n] = leaf_hash(recomputed)


def _label(kind: str, ref: str) -> str:
    return f"{KINDS[kind][0]} {ref}" if kind in KINDS else ref


def _entry_problems(
    seq: int, kind: str, ref: str, stored_leaf: bytes, expected_seq: int, leaf: bytes
) -> list[Problem]:
    found = []
    if seq != expected_seq:
        found.append(
            Problem(seq, kind, _label(kind, ref), f"out of sequence: expected entry {expected_seq}")
        )
    if stored_leaf != leaf:
        found.append(Problem(seq, kind, _label(kind, ref), "stored leaf hash is wrong"))
    return found


def _check_checkpoints(
    rows: list[Any], verifier: Verifier, tree: StreamTree, report: Report
) -> None:
    previous: tuple[int, bytes] | None = None
    for row in rows:
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


def _check_kept(
    rows: list[Any], verifier: Verifier, tree: StreamTree, note: str, report: Report
) -> None:
    """The checkpoint kept outside the database: one of that size and root must be in it (else
    checkpoints were deleted or the log rolled back), and the log must still grow from it."""
    label = "kept checkpoint"
    try:
        cp = open_checkpoint(note, verifier)
    except NoteError as error:
        report.problems.append(Problem(None, "checkpoint", label, f"signature: {error}"))
        return
    label = f"kept checkpoint (size {cp.size})"
    stored = {(row.tree_size, bytes(row.root_hash)) for row in rows}
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


def _fits_tree(size: int, root: bytes, tree: StreamTree, label: str, report: Report) -> bool:
    """Whether a checkpoint's tree head is one the recomputed log had; a problem if not."""
    if size > tree.size:
        why = f"covers {size} entries; the log holds {tree.size}"
    elif tree.root(size) != root:
        why = "root does not match the tree recomputed from the records"
    else:
        return True
    report.problems.append(Problem(None, "checkpoint", label, why))
    return False
