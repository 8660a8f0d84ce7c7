"""Oversight over the whole history: the fairness audit, capacity, cost, and the transparency
report (its data, then its PDF, if the renderer is present in this checkout). The PDF is made
through the public report's cache (`serving.public_reports`), as the public gets it: cold once,
then asked again at the same ledger head, served from the cache."""

from __future__ import annotations

import importlib
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from bench.context import Context
from bench.harness import Figure, Result, Target
from bench.profiles import profile
from hifazat.services import audits

T = TypeVar("T")


def _timed(body: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    value = body()
    return value, time.perf_counter() - started


def bench_fairness(ctx: Context, result: Result) -> None:
    db, start, now = ctx.db, ctx.start, ctx.now
    audit, took = _timed(lambda: audits.fairness(db.uow(), start, now, now))
    result.add(Figure("fairness audit, whole history", took, "s", targets=[Target("<=", 2)]))
    result.details["fairness"] = {
        "cohorts": len(audit.tables),
        "findings": dict(Counter(f.kind for f in audit.findings)),
    }
    capacity, took = _timed(lambda: audits.capacity_at(db.uow(), now))
    result.add(Figure("capacity, every provider", took, "s"))
    result.details["capacity"] = {
        "committed_personnel": sum(c.committed.personnel for c in capacity),
        "pool_personnel": sum(c.pool.personnel for c in capacity),
        "over_pool": sum(c.committed.personnel > c.pool.personnel for c in capacity),
    }
    cost, took = _timed(lambda: audits.cost_over(db.uow(), start, now, now))
    result.add(Figure("cost, whole history", took, "s"))
    result.details["cost"] = {
        "officer_days": round(sum(line.officer_days for line in cost.providers)),
        "protectees": len(cost.protectees),
    }
    # after the timed runs: where the audit's time goes (one run under the profiler)
    result.details["fairness_profile"] = profile(
        lambda: audits.fairness(db.uow(), start, now, now), 1, top=12
    )


def renderer() -> Callable[[Any], bytes] | None:
    """`hifazat.reports.transparency.render.to_pdf`, if it exists and imports here."""
    try:
        module = importlib.import_module("hifazat.reports.transparency.render")
    except Exception:
        return None
    render = getattr(module, "to_pdf", None)
    return render if callable(render) else None


#: how often the cached PDF is asked for; the median is the figure
CACHED_REQUESTS = 21


def bench_transparency(ctx: Context, result: Result) -> None:
    db, start, now = ctx.db, ctx.start, ctx.now
    to_pdf = renderer()
    reports = _public_reports()
    if reports is None or to_pdf is None:
        report, built = _timed(lambda: audits.transparency(db.uow(), start, now, now))
    else:
        published, built = _timed(lambda: reports.get(db.uow, lambda: now, start, now))
        report = published.report
        to_pdf = lambda _: published.pdf()  # noqa: E731 - the cache renders it, once
    result.add(Figure("transparency report data", built, "s"))
    why = None
    if not ctx.budget.render_pdf:
        why, detail = "rendering skipped by this run's budget", "skipped"
    elif to_pdf is None:
        why = "hifazat.reports.transparency.render.to_pdf did not import"
        detail = "not available"
    if why is not None or to_pdf is None:
        result.add(
            Figure(
                "transparency PDF (data + render)",
                None,
                "s",
                targets=[Target("<=", 15)],
                note=f"not available: {why}",
            )
        )
        result.details["pdf"] = detail
        return
    pdf, rendered = _timed(lambda: to_pdf(report))
    result.add(
        Figure(
            "transparency PDF (data + render)",
            built + rendered,
            "s",
            targets=[Target("<=", 15)],
            note=f"render alone {rendered:.2f} s",
        )
    )
    result.details["pdf"] = {"bytes": len(pdf), "render_seconds": round(rendered, 3)}
    (ctx.workdir / f"transparency-{db.backend}.pdf").write_bytes(pdf)
    if reports is None:
        return
    took = []
    for _ in range(CACHED_REQUESTS):
        again, seconds = _timed(lambda: reports.get(db.uow, lambda: now, start, now).pdf())
        assert again == pdf, "the cached PDF differs from the one rendered"
        took.append(seconds)
    took.sort()
    result.add(
        Figure(
            "transparency PDF from the cache (same ledger head)",
            took[len(took) // 2] * 1000,
            "ms",
            targets=[Target("<=", 50)],
            note=f"median of {CACHED_REQUESTS}, max {took[-1] * 1000:.1f} ms; renders "
            f"{dict(reports.renders)}",
        )
    )


def _public_reports() -> Any:
    """The public report's cache, if this checkout has one (older ones rendered directly)."""
    try:
        from hifazat.serving.public_reports import PublicReports
    except ImportError:
        return None
    return PublicReports(size=4, seconds=24 * 3600)
