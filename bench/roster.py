"""The roster's solver against the published shift-scheduling table (Curtois & Qu instances,
read from ../shared/benchmarks/shift-scheduling; set HIFAZAT_SHARED_DIR to read them elsewhere).

    python -m bench.roster --instances 1-12 --time-limit 60 --out bench/results-roster.json

Each instance is solved by the product's own command (`hifazat roster benchmark … --json`) in a
process of its own; the objective it prints is checked against the assignment by the tests'
evaluator (tests/curtois_evaluator.py, written apart from the solver), and the gap to the best
known is the issue's goal: within 1 % at 60 s each on 2 cores."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import harness

ROOT = Path(__file__).resolve().parents[1]
GOAL = 0.01


def instances_dir() -> Path:
    shared = os.environ.get("HIFAZAT_SHARED_DIR")
    base = Path(shared) if shared else ROOT.parent / "shared"
    return base / "benchmarks" / "shift-scheduling"


def numbers(text: str) -> list[int]:
    """`1-12` or `1,3,5` as the instance numbers."""
    out: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        out.extend(range(int(first), int(last or first) + 1))
    return out


def solve(path: Path, time_limit: float) -> dict[str, Any]:
    hifazat = Path(sys.executable).with_name("hifazat")
    command = [str(hifazat), "roster", "benchmark", str(path), "--time-limit", str(time_limit)]
    started = time.perf_counter()
    done = subprocess.run([*command, "--json"], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        return {"instance": path.stem, "error": done.stderr.strip(), "process_seconds": elapsed}
    result: dict[str, Any] = json.loads(done.stdout)
    result["process_seconds"] = round(elapsed, 3)
    return result


def checked(path: Path, result: dict[str, Any]) -> dict[str, Any]:
    """The evaluator's word on the assignment: its hard-rule violations and its objective."""
    sys.path.insert(0, str(ROOT))
    from tests.curtois_evaluator import objective, read_instance, violations

    instance = read_instance(path)
    return {
        "violations": violations(instance, result["assignment"]),
        "objective": objective(instance, result["assignment"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--instances", default="1-12")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results-roster.json")
    args = parser.parse_args(argv)
    folder = instances_dir()
    if not folder.is_dir():
        print(f"roster benchmark skipped: the instances are not at {folder}", file=sys.stderr)
        return 0
    runs = []
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    for n in numbers(args.instances):
        path = folder / f"Instance{n}.txt"
        result = solve(path, args.time_limit)
        if "error" not in result:
            result["evaluator"] = checked(path, result)
        runs.append(result)
        print(line(result), flush=True)
    meta = {
        "command": " ".join(["python -m bench.roster", *(argv or sys.argv[1:])]),
        "started_at": started_at,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": harness.machine(),
        "time_limit": args.time_limit,
        "goal": GOAL,
    }
    for r in runs:
        r.pop("assignment", None)  # the evaluator has read it; the file keeps the figures
    args.out.write_text(json.dumps({"meta": meta, "runs": runs}, indent=2) + "\n")
    print(markdown(runs, args.time_limit))
    return 0


def line(r: dict[str, Any]) -> str:
    if "error" in r:
        return f"{r['instance']}: error: {r['error']}"
    gap = "?" if r["gap"] is None else f"{r['gap']:.2%}"
    return (
        f"{r['instance']}: {r['objective']} (best known {r['best_known']}, gap {gap}, "
        f"bound {r['bound']}, {r['outcome']}) in {r['seconds']:.1f} s"
    )


def markdown(runs: list[dict[str, Any]], time_limit: float) -> str:
    rows = [
        f"| instance | objective | best known | gap | within {GOAL:.0%} | proved bound | "
        f"seconds (limit {time_limit:g}) | evaluator |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | --- |",
    ]
    for r in runs:
        if "error" in r:
            rows.append(f"| {r['instance']} | error: {r['error']} | | | | | | |")
            continue
        ev = r["evaluator"]
        agrees = "feasible, same objective" if not ev["violations"] else "VIOLATIONS"
        if ev["objective"] != r["objective"]:
            agrees = f"objective {ev['objective']} DIFFERS"
        within = "yes" if r["gap"] is not None and r["gap"] <= GOAL else "no"
        rows.append(
            f"| {r['instance']} | {r['objective']} | {r['best_known']} | {r['gap']:.2%} | "
            f"{within} | {r['bound']} | {r['seconds']:.1f} | {agrees} |"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    raise SystemExit(main())
