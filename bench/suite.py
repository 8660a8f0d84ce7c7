"""The whole suite on one database: import the nation, then every benchmark against it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench import harness
from bench.context import Budget, Context
from bench.generate import Nation, generate, write
from bench.harness import Figure, Result, Target
from bench.http_load import bench_http
from bench.ledger import bench_append, bench_verify
from bench.load import Database, apply_operations, read_operations
from bench.oversight import bench_fairness, bench_transparency
from bench.people import START
from bench.status import bench_status
from hifazat.services.importer import import_scenario
from hifazat.services.yaml_lines import load

Benchmark = Callable[[Context, Result], None]

#: in the order they run; `append` goes last, as it adds entries the others would read
BENCHMARKS: dict[str, Benchmark] = {
    "status": bench_status,
    "http": bench_http,
    "fairness": bench_fairness,
    "transparency": bench_transparency,
    "verify": bench_verify,
    "append": bench_append,
}
ALL = ("import", *BENCHMARKS)


@dataclass
class Prepared:
    nation: Nation
    scenario: Path
    operations: Path
    write_seconds: float
    #: reading the scenario file alone (YAML with every line remembered), which an import does
    #: before any rule runs
    parse_seconds: float

    def describe(self) -> dict[str, Any]:
        return {
            "scale": self.nation.scale,
            "seed": self.nation.seed,
            "generate_seconds": round(self.nation.seconds, 3),
            "write_seconds": round(self.write_seconds, 3),
            "parse_seconds": round(self.parse_seconds, 3),
            "scenario_bytes": self.scenario.stat().st_size,
            "counts": self.nation.counts(),
        }


def prepare(scale: float, seed: int, folder: Path) -> Prepared:
    nation = generate(scale, seed)
    started = time.perf_counter()
    scenario, operations = write(nation, folder / "nation")
    written = time.perf_counter() - started
    started = time.perf_counter()
    load(scenario.read_text("utf-8"), str(scenario))
    return Prepared(nation, scenario, operations, written, time.perf_counter() - started)


def bench_import(db: Database, prepared: Prepared, result: Result) -> None:
    """The scenario through `import_scenario` (every decision proposed and approved through the
    rules, one transaction), then the reviews, appeals, ratifications and resolutions through
    the services."""
    counts = prepared.nation.counts()
    started = time.perf_counter()
    summary = import_scenario(db.uow(), prepared.scenario, lambda: START - timedelta(days=1))
    took = time.perf_counter() - started
    decisions = summary.counts["decisions"]
    others = summary.counts["threat_assessments"] + summary.counts["discrepancies"]
    result.add(
        Figure(
            "import through the rules",
            decisions / took,
            "decisions/s",
            targets=[Target(">=", 5000)],
            note=f"{decisions:,} decisions (+{others:,} assessments and reports) in {took:.1f} s, "
            f"{prepared.parse_seconds:.1f} s of it reading the file",
        )
    )
    ruled = took - prepared.parse_seconds
    result.add(
        Figure(
            "… once the file is read",
            decisions / ruled if ruled > 0 else None,
            "decisions/s",
            note="rules, writes and ledger entries alone"
            if ruled > 0
            else "not available: reading the file took the whole import",
        )
    )
    started = time.perf_counter()
    done = apply_operations(db, read_operations(prepared.operations))
    applied = time.perf_counter() - started
    total = sum(done.values())
    result.add(
        Figure(
            "reviews, appeals, ratifications, resolutions",
            total / applied if applied > 0 else None,
            "operations/s",
            note=f"{total:,} through the services in {applied:.1f} s",
        )
    )
    result.details = {
        "import_seconds": round(took, 3),
        "parse_seconds": round(prepared.parse_seconds, 3),
        "imported": summary.counts,
        "operations_seconds": round(applied, 3),
        "operations": dict(done),
        "unapproved_decisions": counts["decisions_unapproved"],
    }


def _bound(body: Benchmark, ctx: Context) -> Callable[[Result], None]:
    return lambda result: body(ctx, result)


def run_backend(
    db: Database,
    prepared: Prepared,
    budget: Budget,
    workdir: Path,
    only: tuple[str, ...] = ALL,
    report: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Imports into `db` (which must be empty) and runs the chosen benchmarks against it."""
    results = []
    imported = harness.run("import", db.backend, lambda r: bench_import(db, prepared, r))
    results.append(imported)
    if report:
        report(imported)
    if imported.error:
        return results  # nothing to measure without the data
    ctx = Context(db, prepared.nation, budget, workdir, prepared.nation.seed)
    for name, body in BENCHMARKS.items():
        if name not in only:
            continue
        result = harness.run(name, db.backend, _bound(body, ctx))
        results.append(result)
        if report:
            report(result)
    return results
