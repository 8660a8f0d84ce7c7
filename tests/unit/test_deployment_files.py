"""The container image and the compose file, checked as far as a machine without a container
engine can: every command they run is a command of this version, every setting they give is one
it reads, the image runs as no root, installs by hash and checks a route that exists, and the
services start in an order that works (the database, the migrations, then the app and worker).
The production shape itself — `serve` processes and a worker on PostgreSQL — runs in
tests/integration/test_failover.py and test_graceful_stop.py."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
import yaml
from typer.testing import CliRunner

from hifazat.cli import app
from hifazat.notify.settings import SmtpSettings
from hifazat.settings import ServerSettings

ROOT = Path(__file__).parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text("utf-8")
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text("utf-8"))
HIFAZAT = ("migrate", "app", "worker")


def _final_stage() -> list[str]:
    """The instructions of the Dockerfile's last stage, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    stages = re.split(r"^FROM ", joined, flags=re.M)
    return [line.strip() for line in stages[-1].splitlines() if line.strip() and line[0] != "#"]


def _known_settings() -> set[str]:
    names = {f"HIFAZAT_{name.upper()}" for name in ServerSettings.model_fields}
    names |= {f"HIFAZAT_SMTP_{name.upper()}" for name in SmtpSettings.model_fields}
    source = "\n".join(p.read_text("utf-8") for p in (ROOT / "src").rglob("*.py"))
    return names | set(re.findall(r'"(HIFAZAT_[A-Z_]+)"', source))


def test_the_image_runs_as_a_user_of_its_own() -> None:
    users = [line.split()[1] for line in _final_stage() if line.startswith("USER ")]
    assert users, "the image sets no USER: it would run as root"
    name = users[-1].split(":")[0]
    assert name not in {"root", "0"}
    assert re.search(rf"useradd [^\n]*--uid (\d+)[^\n]* {name}\b", DOCKERFILE)


def test_the_image_installs_the_locked_packages_by_hash() -> None:
    runs = " ".join(line for line in _final_stage() if line.startswith("RUN "))
    assert "pip install --no-cache-dir --require-hashes -r requirements/runtime.lock" in runs
    assert "pip install --no-cache-dir --no-deps ." in runs


def test_what_the_image_copies_exists_here() -> None:
    for line in re.sub(r"\\\n\s*", " ", DOCKERFILE).splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            for source in shlex.split(line)[1:-1]:
                assert (ROOT / source).exists(), f"COPY {source}: not in the repository"


def test_the_image_checks_a_route_the_app_has_and_runs_a_command_it_has() -> None:
    from hifazat.bootstrap.app import create_app

    memory = "sqlite://"
    built = create_app(
        ServerSettings(database_url=memory), engine=sqlalchemy.create_engine(memory), periodic=False
    )
    app_routes = {getattr(r, "path", None) for r in built.routes}
    for path in re.findall(r"http://127\.0\.0\.1:8000(/[\w/]+)", DOCKERFILE):
        assert path in app_routes, path
    entry = re.search(r'^ENTRYPOINT \["hifazat"\]$', DOCKERFILE, re.M)
    command = re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.M)
    assert entry and command
    assert _help(yaml.safe_load(command.group(1))) == 0


def _help(command: list[str]) -> int:
    """`hifazat <command> --help`: exits 0 only if the command and its options exist."""
    return CliRunner().invoke(app, [*command, "--help"]).exit_code


@pytest.mark.parametrize("service", HIFAZAT)
def test_each_service_runs_a_command_of_this_version(service: str) -> None:
    command = COMPOSE["services"][service]["command"]
    assert _help(command) == 0, f"{service}: hifazat {' '.join(command)}"


def test_compose_runs_the_database_the_migrations_the_app_the_worker_and_a_mail_catcher() -> None:
    services = COMPOSE["services"]
    assert set(services) == {"postgres", "migrate", "app", "worker", "mail"}
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert services["app"]["command"][0] == "serve"
    assert services["worker"]["command"][0] == "worker"
    assert services["postgres"]["image"].startswith("postgres:15")
    assert "healthcheck" in services["postgres"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for service in ("app", "worker"):
        wanted = services[service]["depends_on"]["migrate"]["condition"]
        assert wanted == "service_completed_successfully", service


def test_compose_gives_only_settings_this_version_reads() -> None:
    known = _known_settings()
    for service in HIFAZAT:
        env = COMPOSE["services"][service]["environment"]
        for name in env:
            assert name in known, f"{service}: {name} is read by nothing"
        assert env["HIFAZAT_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert "@postgres:5432/" in env["HIFAZAT_DATABASE_URL"]
        assert env["HIFAZAT_SMTP_HOST"] == "mail"
        # no secret written into the file: the password comes from the operator's environment
        assert "${HIFAZAT_DB_PASSWORD" in env["HIFAZAT_DATABASE_URL"]
    for line in _final_stage():
        if line.startswith("ENV "):
            for name in re.findall(r"(HIFAZAT_[A-Z_]+)=", line):
                assert name in known, f"Dockerfile: {name} is read by nothing"


def test_the_mail_catcher_listens_where_the_worker_sends() -> None:
    mail = COMPOSE["services"]["mail"]
    assert mail["image"].startswith("axllent/mailpit:")
    env = COMPOSE["services"]["worker"]["environment"]
    assert env["HIFAZAT_SMTP_PORT"] == "1025"  # Mailpit's SMTP port


def test_the_grace_period_outlasts_the_servers_shutdown() -> None:
    allowed = ServerSettings.model_fields["shutdown_seconds"].default
    for service in ("app", "worker"):
        grace = COMPOSE["services"][service]["stop_grace_period"]
        assert int(grace.removesuffix("s")) > allowed, service
    assert "STOPSIGNAL SIGTERM" in DOCKERFILE


def test_the_key_and_the_database_live_in_volumes() -> None:
    volumes = set(COMPOSE["volumes"])
    assert {"pgdata", "ledger-key"} <= volumes
    for service in HIFAZAT:
        mounts = COMPOSE["services"][service]["volumes"]
        key = COMPOSE["services"][service]["environment"]["HIFAZAT_LEDGER_KEY"]
        assert any(key.startswith(m.split(":")[1] + "/") for m in mounts), service
