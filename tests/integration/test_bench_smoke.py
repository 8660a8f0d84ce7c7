"""The benchmarks still run: the generator and every benchmark, at a tiny scale, on each database.

Benchmarks are not tests: nothing here judges a figure or a time. These only prove that the
generator's history passes the rules and that each benchmark runs and reports well-formed
results, so that `make bench` cannot rot between runs."""

from __future__ import annotations

import io
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from bench import generate as generator
from bench.context import SMOKE
from bench.run import table
from bench.suite import ALL, Prepared, prepare, run_backend
from rich.console import Console

from tests.conftest import Registry, missing
from tests.nation import bench_database

SCALE = 0.001  # 20 protectees, about 200 decisions


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare(SCALE, 2019, tmp_path_factory.mktemp("nation"))


def test_the_generator_is_deterministic(tmp_path: Path) -> None:
    first, second = generator.generate(SCALE, 7), generator.generate(SCALE, 7)
    assert first.counts() == second.counts()
    assert [generator._decision(d) for d in first.decisions] == [
        generator._decision(d) for d in second.decisions
    ]
    counts = first.counts()
    assert counts["providers"] == 40
    assert counts["protectees"] == 20
    assert counts["decisions"] > 0
    generator.main(["--scale", str(SCALE), "--seed", "7", "--out", str(tmp_path)])
    assert (tmp_path / "scenario.yaml").read_text("utf-8").startswith("# Synthetic nation")
    assert isinstance(json.loads((tmp_path / "operations.json").read_text("utf-8")), list)


def test_every_benchmark_runs(registry: Registry, prepared: Prepared, tmp_path: Path) -> None:
    db = bench_database(registry)
    # the PDF takes seconds to render even for a tiny report: once per run is proof enough;
    # each database takes one of the two HTTP load generators
    sqlite = registry.backend == "sqlite"
    if not sqlite and shutil.which("wrk") is None:
        missing("wrk (Debian's wrk package) is not installed: the HTTP benchmark's load generator")
    budget = replace(SMOKE, render_pdf=sqlite, http_client="python" if sqlite else "wrk")
    results = run_backend(db, prepared, budget, tmp_path)

    assert [r.benchmark for r in results] == list(ALL)
    for result in results:
        assert result.error is None, (result.benchmark, result.details.get("traceback"))
        doc = json.loads(json.dumps(result.as_dict()))
        assert doc["backend"] == registry.backend
        assert doc["figures"], result.benchmark
        assert doc["memory"]["peak_rss_mb"] > 0
        for figure in doc["figures"]:
            assert figure["name"] and figure["unit"]
            value = figure["value"]
            assert value is None or value >= 0, figure
            if value is None:
                assert "not available" in (figure["note"] or ""), figure
            for target in figure["targets"]:
                assert target["met"] in (True, False, None)
    http = next(r for r in results if r.benchmark == "http")
    assert http.details["client"].startswith("wrk" if not sqlite else "2 Python")
    imported = results[0].details["imported"]
    assert imported["decisions"] == prepared.nation.counts()["decisions"]
    out = io.StringIO()
    Console(file=out, width=200).print(table(registry.backend, [r.as_dict() for r in results]))
    assert "status now p99" in out.getvalue()


def test_the_roster_benchmark_runs_and_checks_what_it_ran(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import roster

    if not roster.instances_dir().is_dir():
        pytest.skip(f"the shift-scheduling instances are not at {roster.instances_dir()}")
    out = tmp_path / "roster.json"
    assert roster.main(["--instances", "1,2", "--time-limit", "5", "--out", str(out)]) == 0
    runs = json.loads(out.read_text())["runs"]
    assert [r["instance"] for r in runs] == ["Instance1", "Instance2"]
    for r in runs:
        assert r["evaluator"] == {"violations": [], "objective": r["objective"]}
        assert "assignment" not in r  # the file keeps the figures
    assert "| Instance1 | 607 | 607 | 0.00% | yes |" in capsys.readouterr().out
