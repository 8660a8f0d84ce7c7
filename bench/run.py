"""Runs the benchmark suite: generates the nation, imports it into a scratch database per
backend, measures every figure beside its limit, prints the tables and writes JSON.

    python -m bench.run --scale 0.01 --backend both --out bench/results.json

Targets in the tables are the issue's national-scale targets (2 cores, PostgreSQL); at a
smaller scale they only show the direction of travel."""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench import harness
from bench.context import Budget
from bench.harness import Result, number, peak_text, ratio_text
from bench.load import PG_ADMIN_URL, postgres_available, scratch
from bench.suite import ALL, prepare, run_backend

ROOT = Path(__file__).resolve().parents[1]
console = Console()
if not console.is_terminal:
    console = Console(width=200)


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip()


def _verdict(met: bool | None) -> str:
    return (
        {True: "[green]met[/green]", False: "[red]missed[/red]"}.get(met, "")
        if met is not None
        else ""
    )


def table(backend: str, results: list[dict[str, Any]]) -> Table:
    t = Table(title=f"{backend}", title_justify="left", show_lines=False)
    for column in (
        "benchmark",
        "figure",
        "value",
        "limit (same run)",
        "ratio",
        "national target",
        "peak RSS",
    ):
        t.add_column(column, overflow="fold")
    for r in results:
        peak = peak_text(r["memory"])
        if r["error"]:
            t.add_row(r["benchmark"], "[red]error[/red]", r["error"][:120], "", "", "", peak)
            continue
        for n, f in enumerate(r["figures"]):
            limit = ""
            if f["limit"] is not None:
                limit = f"{number(f['limit'], f['unit'])} ({f['limit_name']})"
            targets = "; ".join(f"{t['text']} {_verdict(t['met'])}" for t in f["targets"])
            value = number(f["value"], f["unit"])
            if f["note"]:
                value += f"  [dim]{f['note']}[/dim]"
            t.add_row(
                r["benchmark"] if n == 0 else "",
                f["name"],
                value,
                limit,
                ratio_text(f["ratio"], f["unit"]),
                targets,
                peak if n == 0 else "",
            )
    return t


def progress(result: Result) -> None:
    state = "error: " + result.error if result.error else "done"
    console.print(f"  {result.backend:<8} {result.benchmark:<13} {result.seconds:8.1f} s  {state}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Hifazat benchmarks")
    parser.add_argument("--scale", type=float, default=0.01, help="1 is national scale")
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--only", default=",".join(ALL), help=f"a subset of {','.join(ALL)}")
    parser.add_argument("--pg-url", default=PG_ADMIN_URL, help="an admin URL to create scratch DBs")
    parser.add_argument("--workdir", type=Path, help="keep the scenario, logs and PDF here")
    args = parser.parse_args(argv)
    only = tuple(name for name in args.only.split(",") if name)
    unknown = sorted(set(only) - set(ALL))
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(unknown)}")
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    budget = Budget.for_scale(args.scale)
    command = "python -m bench.run " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    doc: dict[str, Any] = {
        "meta": {
            "command": command.strip(),
            "scale": args.scale,
            "seed": args.seed,
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "git_commit": _git_commit(),
            "machine": harness.machine(),
            "budget": asdict(budget),
            "memory_method": harness.__doc__.split("\n\n")[1].replace("\n", " ")
            if harness.__doc__
            else "",
        },
        "runs": {},
    }
    with tempfile.TemporaryDirectory(prefix="hifazat-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        console.print(f"generating the nation at scale {args.scale} (seed {args.seed}) …")
        prepared = prepare(args.scale, args.seed, workdir)
        doc["generator"] = prepared.describe()
        console.print(json.dumps(doc["generator"]["counts"]))
        for backend in backends:
            if backend == "postgres" and (why := postgres_available(args.pg_url)):
                console.print(f"[yellow]postgres skipped: {why}[/yellow]")
                doc["runs"][backend] = {"skipped": why}
                continue
            with scratch(backend, workdir / backend, args.pg_url) as db:
                if backend == "postgres":
                    with db.engine.connect() as c:
                        doc["meta"]["postgres"] = c.exec_driver_sql("SHOW server_version").scalar()
                results = run_backend(db, prepared, budget, workdir, only, progress)
            doc["runs"][backend] = [r.as_dict() for r in results]
    doc["meta"]["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for backend, rows in doc["runs"].items():
        if isinstance(rows, list):
            console.print(table(backend, rows))
    console.print(f"written {args.out}")
    failed = [r for rs in doc["runs"].values() if isinstance(rs, list) for r in rs if r["error"]]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
