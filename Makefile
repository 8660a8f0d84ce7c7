# Hifazat — the two commands that matter are `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TOOLS := $(VENV)/tools/openapi-client
CLIENT_GENERATOR := $(TOOLS)/.installed

.PHONY: install lock assets demo test lint unit integration clean bench bench-national openapi

install: $(STAMP) $(CLIENT_GENERATOR) assets

# Python packages: exactly the versions (and hashes) in requirements/dev.lock, synced by uv at the
# version that lock pins (pip installs it, by hash, into a new .venv). `make lock` recompiles both
# locks from pyproject.toml, keeping every pin it can (LOCK_FLAGS=--upgrade moves them);
# runtime.lock is the package alone, as scripts/check_clean_install.sh installs it.
UV := $(BIN)/uv
LOCK_FLAGS ?=
COMPILE := UV_PYTHON_DOWNLOADS=never $(UV) pip compile --quiet pyproject.toml --generate-hashes \
	--python-version 3.11 --python $(BIN)/python --custom-compile-command "make lock" $(LOCK_FLAGS)

$(UV):
	$(PY) -m venv $(VENV)
	awk '/^uv==/ {p = 1; print; next} p && /^[^ ]/ {exit} p' requirements/dev.lock > $(VENV)/uv-requirement.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r $(VENV)/uv-requirement.txt

$(STAMP): pyproject.toml requirements/dev.lock | $(UV)
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes requirements/dev.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

lock: | $(UV)
	$(COMPILE) --extra dev -o requirements/dev.lock
	$(COMPILE) -c requirements/dev.lock -o requirements/runtime.lock
	UV_PYTHON_DOWNLOADS=never $(UV) pip compile --quiet requirements/openapi-client.in \
		--generate-hashes --python-version 3.11 --python $(BIN)/python \
		--custom-compile-command "make lock" $(LOCK_FLAGS) -o requirements/openapi-client.lock

# The generator of the typed API client (tests/integration/api/test_generated_client.py), in a
# venv of its own: openapi-python-client pins typer below the range the product needs.
$(CLIENT_GENERATOR): requirements/openapi-client.lock | $(UV)
	UV_PYTHON_DOWNLOADS=never $(UV) venv --quiet --allow-existing --python $(BIN)/python $(TOOLS)
	$(UV) pip sync --quiet --python $(TOOLS)/bin/python --require-hashes requirements/openapi-client.lock
	touch $(CLIENT_GENERATOR)

# The web's front-end assets, from the npm registry at the versions in package-lock.json:
# GOV.UK Frontend compiled into the app's stylesheet, its script, the Nastaliq face; axe-core
# stays in node_modules for the accessibility tests. The app serves them itself (no CDN).
BUILD := src/hifazat/web/static/build
NODE_STAMP := node_modules/.installed
ASSETS := $(BUILD)/hifazat.css

assets: $(ASSETS)

$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

$(ASSETS): $(NODE_STAMP) $(wildcard src/hifazat/web/assets/*.scss) src/hifazat/web/assets/init.js
	mkdir -p $(BUILD)/fonts $(BUILD)/images
	node_modules/.bin/sass --load-path=node_modules --quiet-deps --silence-deprecation=import \
		--style=compressed --no-source-map src/hifazat/web/assets/hifazat.scss $(BUILD)/hifazat.tmp.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(BUILD)/
	cp src/hifazat/web/assets/init.js $(BUILD)/
	cp node_modules/govuk-frontend/dist/govuk/assets/images/favicon.svg $(BUILD)/images/
	cp node_modules/@fontsource/noto-nastaliq-urdu/files/noto-nastaliq-urdu-arabic-*-normal.woff2 $(BUILD)/fonts/
	mv $(BUILD)/hifazat.tmp.css $(ASSETS)

# The OpenAPI document as the app serves it, committed as docs/openapi-v1.json: a route or schema
# change fails tests/integration/api/test_openapi_contract.py until this is run again (and the
# API section of CHANGELOG.md says what changed).
openapi: install
	$(BIN)/python -c 'import sys, sqlalchemy; \
		from hifazat.api.contract import text; from hifazat.bootstrap.app import create_app; \
		from hifazat.settings import ServerSettings; \
		app = create_app(ServerSettings(database_url="sqlite://"), \
			engine=sqlalchemy.create_engine("sqlite://"), periodic=False); \
		sys.stdout.write(text(app.openapi()))' > docs/openapi-v1.json.tmp
	mv docs/openapi-v1.json.tmp docs/openapi-v1.json

demo: install
	$(BIN)/hifazat demo

lint: install
	$(BIN)/ruff check src tests bench scripts docs/examples
	$(BIN)/ruff format --check src tests bench scripts docs/examples
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

# -v names every test with its database ([sqlite] / [postgres]) in the log.
test: install lint
	$(BIN)/pytest -n 2 -v --durations=15

unit: install
	$(BIN)/pytest tests/unit

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache node_modules $(BUILD)

# Benchmarks, not tests: small scale, SQLite and PostgreSQL (a few minutes); writes bench/results.json.
# Then the roster's solver on the published shift-scheduling instances 1-12, 60 s each (12 minutes;
# ROSTER_INSTANCES=1-3 ROSTER_SECONDS=10 for a quick look); writes bench/results-roster.json.
ROSTER_INSTANCES ?= 1-12
ROSTER_SECONDS ?= 60
bench: install
	$(BIN)/python -m bench.run --scale 0.01 --backend both --out bench/results.json
	$(BIN)/python -m bench.roster --instances $(ROSTER_INSTANCES) --time-limit $(ROSTER_SECONDS) \
		--out bench/results-roster.json

# National scale (20,000 protectees, ~227,000 decisions): about 40 minutes on this 2-core machine
bench-national: install
	$(BIN)/python -m bench.run --scale 1 --backend both --out bench/results-national.json
	$(BIN)/python -m bench.markdown bench/results-national.json
