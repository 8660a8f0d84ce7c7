# Hifazat — the two commands that matter are `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint unit integration clean bench bench-national

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: install
	$(BIN)/hifazat demo

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

# -v names every test with its database ([sqlite] / [postgres]) in the log.
test: install lint
	$(BIN)/pytest -n 2 -v --durations=15

unit: install
	$(BIN)/pytest tests/unit

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Benchmarks, not tests: small scale, SQLite and PostgreSQL (a few minutes); writes bench/results.json
bench: install
	$(BIN)/python -m bench.run --scale 0.01 --backend both --out bench/results.json

# National scale (20,000 protectees, ~227,000 decisions): about 40 minutes on this 2-core machine
bench-national: install
	$(BIN)/python -m bench.run --scale 1 --backend both --out bench/results-national.json
	$(BIN)/python -m bench.markdown bench/results-national.json
