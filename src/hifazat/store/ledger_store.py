"""The ledger's tables: entries, perfect-subtree hashes, the head and the checkpoints."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from hifazat.ledger.canonical import encode_entry
from hifazat.ledger.merkle import NodeKey, append_leaves, leaf_hash
from hifazat.store import tables as t
from hifazat.store.bulk import insert_rows
from hifazat.store.engine import is_postgres
from hifazat.store.ledger_records import KINDS, Record

CHUNK = 500


class DbNodes:
    """The stored tree, read in one query per batch of keys."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def get_nodes(self, keys: Sequence[NodeKey]) -> Mapping[NodeKey, bytes]:
        found: dict[NodeKey, bytes] = {}
        n = t.ledger_nodes
        for start in range(0, len(keys), CHUNK):
            by_level: dict[int, list[int]] = defaultdict(list)
            for level, index in keys[start : start + CHUNK]:
                by_level[level].append(index)
            # one index range per level: SQLite scans the whole table for a row-value IN
            # (level, idx) IN (...), which at national size made every append take 40 ms
            wanted = or_(*(and_(n.c.level == lv, n.c.idx.in_(ix)) for lv, ix in by_level.items()))
            query = select(n.c.level, n.c.idx, n.c.hash).where(wanted)
            for r in self.c.execute(query):
                found[(r.level, r.idx)] = bytes(r.hash)
        return found


def lock_head(c: Connection) -> int:
    """The tree size, locked until commit so that concurrent writers take turns."""
    query = select(t.ledger_head.c.size).where(t.ledger_head.c.id == 1)
    if is_postgres(c):
        query = query.with_for_update()
    size = c.execute(query).scalar_one_or_none()
    if size is None:
        raise RuntimeError("the ledger head is missing: run `hifazat db upgrade`")
    return int(size)


def tree_size(c: Connection) -> int:
    return int(c.execute(select(t.ledger_head.c.size)).scalar_one())


def load_records(c: Connection, wanted: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Record]:
    """The records behind (kind, key) pairs, one query per kind and chunk."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, key in wanted:
        by_kind[kind].append(key)
    found: dict[tuple[str, str], Record] = {}
    for kind, keys in by_kind.items():
        loader = KINDS[kind][1]
        for start in range(0, len(keys), CHUNK):
            for key, record in loader(c, keys[start : start + CHUNK]).items():
                found[(kind, key)] = record
    return found


def append(c: Connection, wanted: Sequence[tuple[str, str]]) -> list[int]:
    """Appends one entry per (kind, key), in order, written from the records as they now stand,
    in the caller's transaction (which holds the head until it ends)."""
    records = load_records(c, wanted)
    items = []
    for kind, key in wanted:
        if (kind, key) not in records:
            raise RuntimeError(f"no {KINDS[kind][0]} {key!r} to enter in the ledger")
        items.append((kind, key, records[(kind, key)]))
    return write_entries(c, lock_head(c), items)


def write_entries(c: Connection, size: int, items: Sequence[tuple[str, str, Record]]) -> list[int]:
    """The entries at `size` onwards, the tree nodes they complete, and the new head."""
    rows: list[dict[str, Any]] = []
    for offset, (kind, key, (at, actor, payload)) in enumerate(items):
        text = encode_entry(size + offset, kind, at, actor, payload)
        rows.append(
            {
                "seq": size + offset,
                "kind": kind,
                "ref": key,
                "entry": text.decode("utf-8"),
                "leaf_hash": leaf_hash(text),
            }
        )
    if not rows:
        return []
    insert_rows(c, t.ledger_entries, rows)
    nodes = append_leaves(size, [r["leaf_hash"] for r in rows], DbNodes(c))
    insert_rows(c, t.ledger_nodes, [{"level": lv, "idx": ix, "hash": h} for lv, ix, h in nodes])
    c.execute(update(t.ledger_head).where(t.ledger_head.c.id == 1).values(size=size + len(rows)))
    return [r["seq"] for r in rows]


#: a waiting row older than this was left by a writer that stopped before its entry was made
STALE = timedelta(minutes=1)
#: changes committed but not yet entered (group commit: `ledger_group`)
_waiting = t.ledger_pending


def enqueue(c: Connection, wanted: Sequence[tuple[str, str]]) -> list[int]:
    """In the caller's transaction: a waiting row for each (kind, key), in order; their ids."""
    at = datetime.now(UTC)
    rows = [{"kind": kind, "ref": key, "made_at": at} for kind, key in wanted]
    query = insert(_waiting).returning(_waiting.c.id, sort_by_parameter_order=True)
    return [int(r[0]) for r in c.execute(query, rows)]


def enter_waiting(c: Connection, read_here: Collection[int] = ()) -> dict[int, int]:
    """In the caller's transaction, holding the head: every waiting row entered, in the order
    the rows were made; {row id: seq}. The rows in `read_here` (their writers are told their
    `seq` directly) are dropped; the others keep their `seq` for their writers to read."""
    size = lock_head(c)
    query = select(_waiting.c.id, _waiting.c.kind, _waiting.c.ref).where(_waiting.c.seq.is_(None))
    waiting = c.execute(query.order_by(_waiting.c.id)).all()
    if not waiting:
        return {}
    records = load_records(c, [(r.kind, r.ref) for r in waiting])
    items = []
    for r in waiting:
        record = records.get((r.kind, r.ref))
        if record is None:
            raise RuntimeError(f"no {KINDS[r.kind][0]} {r.ref!r} to enter in the ledger")
        items.append((r.kind, r.ref, record))
    seqs = write_entries(c, size, items)
    entered = {r.id: seq for r, seq in zip(waiting, seqs, strict=True)}
    if dropped := [row for row in entered if row in read_here]:
        c.execute(delete(_waiting).where(_waiting.c.id.in_(dropped)))
    if kept := [
        {"row": row, "entered": seq} for row, seq in entered.items() if row not in read_here
    ]:
        by_row = _waiting.c.id == bindparam("row")
        c.execute(update(_waiting).where(by_row).values(seq=bindparam("entered")), kept)
    return entered


def read_entered(c: Connection, rows: Collection[int]) -> dict[int, int]:
    """The `seq` of each of `rows` another process's leader entered, and those rows dropped."""
    query = select(_waiting.c.id, _waiting.c.seq).where(
        _waiting.c.id.in_(list(rows)), _waiting.c.seq.is_not(None)
    )
    found = {int(r.id): int(r.seq) for r in c.execute(query)}
    if found:
        c.execute(delete(_waiting).where(_waiting.c.id.in_(list(found))))
    return found


def forget_entered(c: Connection, now: datetime) -> None:
    """Drops rows entered long enough ago that no writer still waits to read them (a checkpoint
    does this; a writer drops its own rows as it reads them)."""
    old = _waiting.c.made_at < now - STALE
    c.execute(delete(_waiting).where(_waiting.c.seq.is_not(None), old))


def stale(c: Connection, now: datetime) -> int:
    """How many rows have waited longer than `STALE` to be entered."""
    old = _waiting.c.made_at < now - STALE
    return len(c.execute(select(_waiting.c.id).where(_waiting.c.seq.is_(None), old)).all())


#: (seq, kind, ref, entry, leaf_hash): a stored entry as the driver returns it
StoredEntry = tuple[int, str, str, str, bytes]


def entry_batches(c: Connection, size: int = 10_000) -> Iterator[list[StoredEntry]]:
    """Every entry in order, a batch at a time, as plain driver tuples: verification reads the
    whole log, and row objects would cost more than hashing it. Runs in the caller's
    transaction (begin one first), through a server-side cursor on PostgreSQL."""
    raw: Any = c.connection.dbapi_connection
    postgres = is_postgres(c)
    cursor = raw.cursor(name="hifazat_ledger_entries") if postgres else raw.cursor()
    try:
        cursor.execute("SELECT seq, kind, ref, entry, leaf_hash FROM ledger_entries ORDER BY seq")
        while batch := cursor.fetchmany(size):  # both drivers give bytes for the hash column
            yield batch
    finally:
        cursor.close()


def entries_for(c: Connection, ref: str) -> list[Row[Any]]:
    query = select(t.ledger_entries).where(t.ledger_entries.c.ref == ref)
    return list(c.execute(query.order_by(t.ledger_entries.c.seq)))


def entries_between(c: Connection, start: int, end: int) -> list[str]:
    """The entries at leaf indices [start, end), in order."""
    e = t.ledger_entries
    query = select(e.c.entry).where(e.c.seq >= start, e.c.seq < end).order_by(e.c.seq)
    return list(c.execute(query).scalars())


def entered(c: Connection, kind: str) -> set[str]:
    query = select(t.ledger_entries.c.ref).where(t.ledger_entries.c.kind == kind)
    return set(c.execute(query).scalars())


def add_checkpoint(c: Connection, size: int, root: bytes, note: str, at: datetime) -> int:
    result = c.execute(
        insert(t.ledger_checkpoints).values(tree_size=size, root_hash=root, note=note, made_at=at)
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def checkpoints(c: Connection) -> list[Row[Any]]:
    query = select(t.ledger_checkpoints).order_by(
        t.ledger_checkpoints.c.tree_size, t.ledger_checkpoints.c.id
    )
    return list(c.execute(query))


def latest_checkpoint(c: Connection) -> Row[Any] | None:
    query = select(t.ledger_checkpoints).order_by(
        t.ledger_checkpoints.c.tree_size.desc(), t.ledger_checkpoints.c.id.desc()
    )
    return c.execute(query.limit(1)).first()


def add_cosignature(
    c: Connection, size: int, witness: str, line: str, cosigned_at: int, received_at: datetime
) -> None:
    """Keeps a witness's cosignature of the checkpoint at `size`; a second one is ignored."""
    cs = t.ledger_cosignatures
    have = select(cs.c.witness).where(cs.c.tree_size == size, cs.c.witness == witness)
    if c.execute(have).first() is None:
        c.execute(
            insert(cs).values(
                tree_size=size,
                witness=witness,
                line=line,
                cosigned_at=cosigned_at,
                received_at=received_at,
            )
        )


def cosignature_lines(c: Connection, size: int) -> list[str]:
    cs = t.ledger_cosignatures
    query = select(cs.c.line).where(cs.c.tree_size == size).order_by(cs.c.witness)
    return list(c.execute(query).scalars())


def cosigned_sizes(c: Connection) -> dict[str, int]:
    """The largest checkpoint each witness has cosigned."""
    cs = t.ledger_cosignatures
    query = select(cs.c.witness, func.max(cs.c.tree_size)).group_by(cs.c.witness)
    return {str(w): int(n) for w, n in c.execute(query)}


class LedgerStore:
    """The ledger's tables on one unit of work's connection: its `ledger` repository."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection

    def append(self, wanted: Sequence[tuple[str, str]]) -> list[int]:
        return append(self.c, wanted)

    def entered(self, kind: str) -> set[str]:
        return entered(self.c, kind)

    def effective_times(self) -> dict[str, datetime]:
        """When each approved decision takes (or took) effect."""
        loader = KINDS["decision.effective"][1]
        return {key: at for key, (at, _, _) in loader(self.c, None).items()}

    def entries_for(self, ref: str) -> list[Row[Any]]:
        return entries_for(self.c, ref)

    def entries_between(self, start: int, end: int) -> list[str]:
        return entries_between(self.c, start, end)

    def lock_head(self) -> int:
        return lock_head(self.c)

    def enter_waiting(self, now: datetime) -> None:
        """Enters the changes a group commit left waiting (a writer that stopped before its
        batch did) and drops the rows of long-entered ones."""
        enter_waiting(self.c)
        forget_entered(self.c, now)

    def tree_size(self) -> int:
        return tree_size(self.c)

    def nodes(self) -> DbNodes:
        return DbNodes(self.c)

    def add_checkpoint(self, size: int, root: bytes, note: str, at: datetime) -> int:
        return add_checkpoint(self.c, size, root, note, at)

    def latest_checkpoint(self) -> Row[Any] | None:
        return latest_checkpoint(self.c)

    def add_cosignature(
        self, size: int, witness: str, line: str, cosigned_at: int, received_at: datetime
    ) -> None:
        add_cosignature(self.c, size, witness, line, cosigned_at, received_at)

    def cosignature_lines(self, size: int) -> list[str]:
        return cosignature_lines(self.c, size)

    def cosigned_sizes(self) -> dict[str, int]:
        return cosigned_sizes(self.c)
