"""Status of a protectee, now and at a past instant, in the service layer — beside a bare
indexed SQL query that reads the same rows.

The service call is `protectee_status(UnitOfWork(engine), pid, at)`: a unit of work (one
connection and transaction from the pool), the protectee's decisions with their approvals,
steps, appeals and ratifications, their assessments and ground reports, the flag rules, and the
layered status. The limit is what any implementation must pay: in one transaction on the same
engine, three indexed statements reading the protectee's decisions (joined to approvals and
rescissions), threat assessments and ground reports, fetched as tuples and nothing computed."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, text

from bench.context import Context
from bench.harness import Figure, Result, Target, ms, percentile
from bench.profiles import profile, statements
from hifazat.services.status import protectee_status
from hifazat.store.uow import UnitOfWork

BARE = (
    text(
        "SELECT d.id, d.provider_id, d.action, d.category_id, d.basis, d.reason_code, d.reason,"
        " d.proposed_by, d.proposed_at, d.emergency, d.requested_effective_at,"
        " a.approved_by, a.approved_at, a.effective_at, a.seq, r.rescinded_at"
        " FROM decisions d LEFT JOIN approvals a ON a.decision_id = d.id"
        " LEFT JOIN rescissions r ON r.decision_id = d.id"
        " WHERE d.protectee_id = :p"
    ),
    text(
        "SELECT id, level, assessed_at, valid_until, entered_at"
        " FROM threat_assessments WHERE protectee_id = :p"
    ),
    text(
        "SELECT id, provider_id, observed_at, reported_at"
        " FROM discrepancies WHERE protectee_id = :p"
    ),
)


def bare_read(engine: Engine, pid: str) -> int:
    """The limit: the same rows, read bare. Returns how many rows it read."""
    rows = 0
    with engine.begin() as c:
        for statement in BARE:
            rows += len(c.execute(statement, {"p": pid}).all())
    return rows


def timed(
    calls: list[tuple[str, datetime]],
    call: Callable[[str, datetime], object],
    max_seconds: float,
) -> list[float]:
    for pid, at in calls[:3]:  # warm the pool and the caches first
        call(pid, at)
    took = []
    deadline = time.perf_counter() + max_seconds
    for pid, at in calls:
        started = time.perf_counter()
        call(pid, at)
        took.append(time.perf_counter() - started)
        if started > deadline:
            break
    return took


def bench_status(ctx: Context, result: Result) -> None:
    engine = ctx.db.engine
    n = ctx.budget.status_calls
    pids = ctx.sample_protectees(n, "status")
    variants = {
        "now": [(pid, ctx.now) for pid in pids],
        "past": list(zip(pids, ctx.past_instants(n, "status-past"), strict=True)),
    }

    def service(pid: str, at: datetime) -> object:
        return protectee_status(UnitOfWork(engine), pid, at)

    def bare(pid: str, at: datetime) -> object:
        return bare_read(engine, pid)

    rows = [bare_read(engine, pid) for pid in pids[:50]]
    result.details["bare_rows_per_protectee_mean"] = round(sum(rows) / max(1, len(rows)), 1)
    limit = timed(variants["now"], bare, ctx.budget.max_seconds)
    limit_p50, limit_p99 = ms(percentile(limit, 50)), ms(percentile(limit, 99))
    result.add(Figure("bare indexed query p50", limit_p50, "ms"))
    result.add(Figure("bare indexed query p99", limit_p99, "ms"))
    for name, calls in variants.items():
        took = timed(calls, service, ctx.budget.max_seconds)
        result.details[f"{name}_calls"] = len(took)
        if name == "now":
            result.details["now_tail"] = _tail(engine, calls[: len(took)], took)
        result.add(
            Figure(
                f"status {name} p50", ms(percentile(took, 50)), "ms", limit_p50, "bare query p50"
            )
        )
        result.add(
            Figure(
                f"status {name} p99",
                ms(percentile(took, 99)),
                "ms",
                limit_p99,
                "bare query p99",
                [Target("<=", 10), Target("<=", 3, "ratio")],
            )
        )


def _tail(engine: Engine, calls: list[tuple[str, datetime]], took: list[float]) -> dict[str, Any]:
    """What the slowest 1 % of calls were (the protectees' rows beside the median call's, each
    slow call timed again), the statements one call sends, and a profile of the service."""
    order = sorted(range(len(took)), key=took.__getitem__)
    slow = order[-max(1, len(order) // 100) :]
    middle = order[len(order) // 2]

    def rows(i: int) -> int:
        return bare_read(engine, calls[i][0])

    def again(i: int) -> float:
        started = time.perf_counter()
        protectee_status(UnitOfWork(engine), *calls[i])
        return ms(time.perf_counter() - started) or 0.0

    pid, at = calls[middle]
    sent = statements(engine, lambda: protectee_status(UnitOfWork(engine), pid, at))
    sample = calls[: min(len(calls), 100)]
    cycle = iter(sample)

    def next_call() -> object:
        return protectee_status(UnitOfWork(engine), *next(cycle))

    return {
        "median_call": {"ms": ms(took[middle]), "rows": rows(middle)},
        "slowest_calls": [
            {"ms": ms(took[i]), "again_ms": again(i), "rows": rows(i)} for i in slow[-10:]
        ],
        "statements_per_call": len(sent),
        "statements": sent,
        "profile": profile(next_call, len(sample)),
    }
