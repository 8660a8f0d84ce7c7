"""The ledger: verification throughput beside the raw SHA-256 leaf-hash rate over the same
entries, and append throughput with 1, 4 and 16 concurrent writers.

Verification is `hifazat.store.ledger_check.verify`, twice: the log alone (every stored entry read
and leaf-hashed against its stored hash, the tree rebuilt, every checkpoint's signature and root
checked: what anyone holding an exported log can do), then the default, which also recomputes
every entry from the domain tables (target: a quarter of the raw rate, as issue 15 sets it; the
log alone: half). Both stream the log in batches in constant memory. Their limit is
hashing alone: `SHA-256(0x00 || entry)` over the stored entries, timed on bytes already in
memory (reading them is not counted), in the same run.

Appends are one change per unit of work (the shape of every use case), writing a fresh entry
for an existing protectee record, with 1, 4 and 16 concurrent writers, each told its leaf
index. On PostgreSQL a unit of work that small commits its change with a waiting row and its
entry is made in a batch shared with the other writers' (group commit, `ledger_group`); on
SQLite (one writer at a time, BEGIN IMMEDIATE) it is written inline. Beside them, as before
issue 15's group commit: `ledger_store.append` in a transaction of its own with 16 writers, each
holding the head (SELECT … FOR UPDATE) until it commits. This runs last: it leaves duplicate
entries in the scratch database."""

from __future__ import annotations

import hashlib
import time

from sqlalchemy import Engine, create_engine, text

from bench.context import Context
from bench.harness import Figure, Result, Target, Turns, ms, percentile, run_threads
from bench.load import Database
from bench.profiles import profile
from hifazat.services.ledger import make_checkpoint
from hifazat.store import ledger_store
from hifazat.store.engine import make_engine
from hifazat.store.ledger_check import verify
from hifazat.store.uow import UnitOfWork

BATCH = 20_000


def raw_leaf_hash_rate(engine: Engine) -> tuple[int, float]:
    """(entries, seconds spent hashing them): the stored entries, hashed as leaves."""
    hashed, seconds = 0, 0.0

    def run(batch: list[bytes]) -> float:
        sha256 = hashlib.sha256
        started = time.perf_counter()
        for entry in batch:
            sha256(b"\x00" + entry).digest()
        return time.perf_counter() - started

    with engine.connect() as c:
        c.execution_options(hifazat_read_only=True)
        ledger_store.tree_size(c)  # begins the transaction the batches read in
        for rows in ledger_store.entry_batches(c, BATCH):
            batch = [entry.encode("utf-8") for _, _, _, entry, _ in rows]
            seconds += run(batch)
            hashed += len(batch)
    return hashed, seconds


def bench_verify(ctx: Context, result: Result) -> None:
    db = ctx.db
    made = make_checkpoint(db.uow(), db.signer, ctx.now)
    log_only = verify(db.engine, db.signer.verifier(), records=False)
    report = verify(db.engine, db.signer.verifier())
    for checked in (log_only, report):
        if not checked.ok:
            raise RuntimeError(
                f"verification found {len(checked.problems)} problems: {checked.problems[0]}"
            )
    entries, seconds = raw_leaf_hash_rate(db.engine)
    raw = entries / seconds if seconds > 0 else None
    result.add(Figure("raw SHA-256 leaf hashes", raw, "entries/s"))
    note = f"{report.entries:,} entries, {report.checkpoints} checkpoint(s)"
    result.add(
        Figure(
            "verification, the log alone",
            log_only.rate,
            "entries/s",
            raw,
            "raw leaf-hash rate",
            [Target(">=", 0.5, "ratio")],
            note=note + "; read, leaf-hashed, tree rebuilt, signatures checked",
        )
    )
    result.add(
        Figure(
            "verification, entries recomputed from the records",
            report.rate,
            "entries/s",
            raw,
            "raw leaf-hash rate",
            [Target(">=", 0.25, "ratio")],
            note="the default `ledger verify`",
        )
    )
    # after the timed runs: where the log-alone check's time goes
    result.details["verify_log_only_profile"] = profile(
        lambda: verify(db.engine, db.signer.verifier(), records=False), 1, top=10
    )
    result.details |= {
        "entries": report.entries,
        "verify_seconds": round(report.seconds, 3),
        "verify_log_only_seconds": round(log_only.seconds, 3),
        "checkpoint_size": made.size,
    }


def append_engine(db: Database, writers: int) -> Engine:
    """PostgreSQL: a pool as large as the writers, so each holds its own connection."""
    if db.backend == "postgres":
        return create_engine(db.url, pool_pre_ping=True, pool_size=writers, max_overflow=0)
    return make_engine(db.url)


def bench_append(ctx: Context, result: Result) -> None:
    db = ctx.db
    keys = [("protectee.added", p.id) for p in ctx.nation.people]
    total, max_seconds = ctx.budget.ledger_entries, ctx.budget.max_seconds
    runs = [(writers, False) for writers in ctx.budget.writers]
    runs.append((max(ctx.budget.writers), True))  # the method before group commit, beside it
    for writers, inline in runs:
        engine = append_engine(db, writers)
        try:
            rate, latencies = _append(engine, keys, writers, total, max_seconds, inline)
        finally:
            engine.dispose()
        plural = "s" if writers > 1 else ""
        name = f"append, {writers} writer{plural}" + (", inline (before)" if inline else "")
        grouping = (
            "entries in shared batches (group commit)"
            if db.backend == "postgres"
            else "entries inline (SQLite: one writer at a time)"
        )
        result.add(
            Figure(
                name,
                rate,
                "entries/s",
                targets=[Target(">=", 2000)] if writers == 16 and not inline else [],
                note=f"{'each holds the head until it commits' if inline else grouping}; "
                f"p99 {ms(percentile(latencies, 99)) or 0:.1f} ms",
            )
        )
        result.details[f"writers_{writers}" + ("_inline" if inline else "")] = {
            "entries": len(latencies),
            "p50_ms": ms(percentile(latencies, 50)),
            "p99_ms": ms(percentile(latencies, 99)),
        }
    with db.engine.connect() as c:
        head = ledger_store.tree_size(c)
        stored = c.execute(text("SELECT count(*), max(seq) FROM ledger_entries")).one()
        waiting = c.execute(text("SELECT count(*) FROM ledger_pending")).scalar_one()
    if stored[0] != head or stored[1] != head - 1 or waiting:
        raise RuntimeError(f"ledger broken: head {head}, entries {tuple(stored)}, {waiting} left")
    result.details["ledger_size_after"] = head


def _append(
    engine: Engine,
    keys: list[tuple[str, str]],
    writers: int,
    total: int,
    max_seconds: float,
    inline: bool,
) -> tuple[float | None, list[float]]:
    """Each writer commits one change at a time through a unit of work (the product's path),
    or, `inline`, writes its entry holding the head until it commits (the path before)."""
    latencies: list[float] = []

    def writer(turns: Turns) -> None:
        turns.ready()
        while (n := turns.take()) is not None:
            began = time.perf_counter()
            if inline:
                with engine.begin() as c:
                    ledger_store.append(c, [keys[n % len(keys)]])
            else:
                uow = UnitOfWork(engine)
                with uow:
                    uow.record(*keys[n % len(keys)])
                    uow.commit()
                if len(uow.entered) != 1:
                    raise RuntimeError("a writer was not told its leaf index")
            took = time.perf_counter() - began
            with turns.lock:
                latencies.append(took)

    seconds = run_threads(writers, total, max_seconds, writer)
    return (len(latencies) / seconds if seconds > 0 else None), latencies
