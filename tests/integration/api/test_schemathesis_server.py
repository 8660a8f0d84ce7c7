"""Finding 12.13 and 12.5's class: schemathesis with every check (`--checks all`: status codes,
schemas, Allow headers, positive and negative data, missing headers, auth, ...) and every phase,
including its boundary values of every instant, duration and integer, against a real server,
as three kinds of user: not one failure, and so never a 5xx."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from hifazat.services import auth
from tests.conftest import Registry
from tests.servers import free_port, start_server

ROOT = Path(__file__).parents[3]
HOOKS = "tests.integration.api.schemathesis_hooks"
ROLES = {"registrar": ["read", "write", "admin"], "ssu-operator": ["read", "write"]}
ROLES["auditor"] = ["read"]

#: Fuzzing draws its inputs from the schema alone, as it did before the responses were typed:
#: fed the ids of typed answers, it reaches rules JSON Schema cannot state (a grant names its
#: category) and reports their 422 as "schema-valid request rejected". Nor can it state that a
#: period starts before it ends, so a reversed `from`/`to` may be refused. Every answer is
#: still checked against its schema.
CONFIG = """
[phases.fuzzing.extra-data-sources]
responses = false

[[operations]]
include-path-regex = "^/api/v1/(cost|audit/fairness|reports/transparency)$"
checks.positive_data_acceptance.expected-statuses = [
    "2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"
]
"""


def test_schemathesis_checks_all_for_three_roles(demo: Registry, tmp_path: Path) -> None:
    from hifazat.domain.users import User
    from hifazat.services import users

    users.add_user(
        demo.uow(), User("registrar", "Registrar", frozenset({"admin"})), None, demo.clock
    )
    st = Path(sys.executable).with_name("st")
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG, "utf-8")
    port = free_port()
    server = start_server(demo, port)
    reports = []
    try:
        for user, scopes in ROLES.items():
            token = auth.create_token(
                demo.uow(), user, scopes, timedelta(days=365), demo.clock()
            ).secret
            run = subprocess.run(
                [
                    str(st),
                    "--config-file",
                    str(config),
                    "run",
                    f"http://127.0.0.1:{port}/api/openapi.json",
                    "--checks",
                    "all",
                    "--max-examples",
                    "4",
                    "--seed",
                    "12",
                    "--generation-deterministic",
                    # how fast inputs are drawn depends on the machine's load, not on the API
                    "--suppress-health-check",
                    "too_slow",
                    "--no-color",
                    "-H",
                    f"Authorization: Bearer {token}",
                ],
                capture_output=True,
                text=True,
                timeout=600,
                # every Idempotency-Key unique to its request, as a client makes it
                env={**os.environ, "SCHEMATHESIS_HOOKS": HOOKS, "PYTHONPATH": str(ROOT)},
                cwd=tmp_path,
                check=False,
            )
            reports.append((user, run.returncode, run.stdout[-4000:]))
    finally:
        server.terminate()
        server.wait(timeout=10)
    failed = [f"{user}: exit {code}\n{out}" for user, code, out in reports if code != 0]
    if failed:
        pytest.fail("\n\n".join(failed))
