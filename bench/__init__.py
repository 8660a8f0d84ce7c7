"""Benchmarks of Hifazat at national scale, and the synthetic nation they run on.

`python -m bench.generate` writes a deterministic synthetic nation as a scenario file;
`python -m bench.run` imports it into SQLite and PostgreSQL and measures each figure beside
the limit it is judged against (see RESULTS.md). Benchmarks are not tests: no timing is
asserted anywhere; `tests/integration/test_bench_smoke.py` only checks that they still run."""
