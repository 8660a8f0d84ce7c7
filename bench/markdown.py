"""A results file (from `bench.run`) as Markdown, for RESULTS.md: every figure is copied from
the file, none is typed by hand.

    python -m bench.markdown bench/results.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bench.harness import number, peak_text, ratio_text


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _machine(meta: dict[str, Any]) -> list[str]:
    m = meta["machine"]
    return [
        f"- command: `{meta['command']}`",
        f"- run: {meta['started_at']} to {meta.get('finished_at', '?')} (UTC), "
        f"commit `{(meta.get('git_commit') or '?')[:12]}`",
        f"- machine: {m['cpu']}, {m['cores_available']} cores available, {m['memory_gb']} GB RAM; "
        f"{m['os']}",
        f"- software: Python {m['python']}, SQLAlchemy {m['sqlalchemy']}, SQLite {m['sqlite']}, "
        f"PostgreSQL {meta.get('postgres', 'not run')}",
        f"- load average when the run started: {', '.join(map(str, m['load_average_at_start']))} "
        "(the machine is shared)",
    ]


LABELS = {
    "protectees": "protectees",
    "providers": "providers (federal, provincial, district)",
    "pool_personnel": "officers in the providers' sanctioned pools",
    "users": "users",
    "threat_assessments": "threat assessments",
    "decisions": "decisions",
    "decisions_committee": "… approved by the committee (floors, approval chain)",
    "decisions_emergency": "… emergency decisions",
    "decisions_unapproved": "… proposed, still waiting for approval",
    "reviews": "periodic reviews",
    "appeals": "appeals",
    "appeals_overturned": "… overturned",
    "ratifications": "ratifications of emergencies",
    "discrepancies": "ground reports",
    "resolutions": "… resolved",
}


def _counts(generator: dict[str, Any]) -> list[str]:
    c = generator["counts"]
    rows = ["| generated | count |", "| --- | ---: |"]
    rows += [f"| {label} | {c[key]:,} |" for key, label in LABELS.items() if key in c]
    actions = ", ".join(
        f"{k.removeprefix('decisions_')} {v:,}"
        for k, v in c.items()
        if k.startswith("decisions_")
        and k.removeprefix("decisions_")
        in ("grant", "upgrade", "downgrade", "suspend", "resume", "withdraw")
    )
    return [*rows, "", f"Decisions by action: {actions}."]


def _figures(results: list[dict[str, Any]]) -> list[str]:
    rows = [
        "| benchmark | figure | value | limit (same run) | ratio | national target "
        "| peak RSS (growth) |",
        "| --- | --- | ---: | --- | ---: | --- | ---: |",
    ]
    for r in results:
        peak = peak_text(r["memory"])
        if r["error"]:
            error = " ".join(r["error"].split())[:150]
            rows.append(f"| {r['benchmark']} | error | {_cell(error)} | | | | |")
            continue
        for n, f in enumerate(r["figures"]):
            value = number(f["value"], f["unit"])
            if f["note"]:
                value += f" ({f['note']})"
            limit = f"{number(f['limit'], f['unit'])}, {f['limit_name']}" if f["limit"] else ""
            targets = "; ".join(
                t["text"] + {True: " — met", False: " — missed"}.get(t["met"], "")
                for t in f["targets"]
            )
            rows.append(
                "| "
                + " | ".join(
                    _cell(x)
                    for x in (
                        r["benchmark"] if n == 0 else "",
                        f["name"],
                        value,
                        limit,
                        ratio_text(f["ratio"], f["unit"]),
                        targets,
                        peak if n == 0 else "",
                    )
                )
                + " |"
            )
    return rows


def verdicts(doc: dict[str, Any]) -> str:
    """One row per figure that has a target: its value on each database and whether it is met."""
    runs = {b: rs for b, rs in doc["runs"].items() if isinstance(rs, list)}
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for backend, results in runs.items():
        for r in results:
            for f in r["figures"]:
                for t in f["targets"]:
                    shown = ratio_text(f["ratio"], f["unit"]) if t["of"] == "ratio" else ""
                    value = number(f["value"], f["unit"]) + (f" ({shown})" if shown else "")
                    verdict = {True: "met", False: "**missed**"}.get(t["met"], "not measured")
                    cell = f"{value}: {verdict}"
                    rows.setdefault((f"{r['benchmark']}: {f['name']}", t["text"]), {})[backend] = (
                        cell
                    )
    backends = list(runs)
    lines = [
        "| figure | target | " + " | ".join(backends) + " |",
        "| --- | --- | " + " | ".join("---" for _ in backends) + " |",
    ]
    for (figure, target), cells in rows.items():
        lines.append(
            f"| {_cell(figure)} | {_cell(target)} | "
            + " | ".join(_cell(cells.get(b, "—")) for b in backends)
            + " |"
        )
    return "\n".join(lines) + "\n"


def render(doc: dict[str, Any]) -> str:
    meta = doc["meta"]
    lines = [
        f"### Scale {meta['scale']} (seed {meta['seed']})",
        "",
        *_machine(meta),
        *(f"- amended: {text}" for text in meta.get("amendments", [])),
        "",
        *_counts(doc["generator"]),
    ]
    for backend, results in doc["runs"].items():
        lines += ["", f"#### {backend}", ""]
        if isinstance(results, dict):
            lines.append(f"Skipped: {results.get('skipped')}")
            continue
        lines += _figures(results)
        details = {r["benchmark"]: r["details"] for r in results}
        http = details.get("http", {})
        if "server_peak_rss_mb" in http:
            bare = http.get("bare", {}).get("server_peak_rss_mb")
            lines += [
                "",
                f"HTTP server peak RSS: registry {http['server_peak_rss_mb']} MB, "
                f"bare endpoint {bare} MB.",
            ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Results JSON as Markdown")
    parser.add_argument("results", type=Path)
    parser.add_argument("--verdicts", action="store_true", help="only the targets, met or not")
    args = parser.parse_args(argv)
    doc = json.loads(args.results.read_text(encoding="utf-8"))
    print(verdicts(doc) if args.verdicts else render(doc), end="")


if __name__ == "__main__":
    main()
