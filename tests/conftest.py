"""Shared fixtures: a fake clock, and a registry on each database the suite runs against.

Every store, service and CLI test takes `registry`, which is parametrised over SQLite and
PostgreSQL. PostgreSQL tests skip, saying why, where no server answers — unless
HIFAZAT_REQUIRE_ALL=1 (set by .ci/run), where a missing server fails the run instead."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher, profiles
from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from hifazat.cli import State, app
from hifazat.ledger.keys import create_key
from hifazat.services import auth
from hifazat.services.importer import import_scenario
from hifazat.store.engine import make_engine
from hifazat.store.migrate import upgrade
from hifazat.store.records.registry import forget_shared
from hifazat.store.tables import metadata
from hifazat.store.uow import UnitOfWork

#: Argon2's cost is what makes guessing passwords slow, and the suite signs in hundreds of times
#: in-process: there it hashes with Argon2id's cheapest parameters. Servers started by the tests
#: (tests/servers.py) and production keep the library's defaults (RFC 9106's low-memory profile),
#: which tests/integration/api/test_auth.py checks.
PRODUCTION_HASHER = auth._hasher
auth._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)

ROOT = Path(__file__).resolve().parents[1]

#: a table list in a FROM ("FROM users, notices"): the store writes every join out, so a comma
#: there is a subquery that failed to correlate with its enclosing statement and joined the
#: enclosing table again (the NOTICE-UNDELIVERABLE check once counted every protectee's logins
#: as each one's this way)
IMPLICIT_JOIN = re.compile(r"\bFROM\s+[\w.]+(?:\s+AS\s+\w+)?\s*,\s*[\w.]+", re.IGNORECASE)


@event.listens_for(Engine, "before_cursor_execute")
def _no_implicit_join(_c: Any, _cursor: Any, statement: str, *_: Any) -> None:
    """Every statement the suite sends, on every engine (the app's and the CLI's too)."""
    if found := IMPLICIT_JOIN.search(statement):
        raise AssertionError(f"implicit join {found.group(0)!r} in: {statement}")


SCENARIO = ROOT / "scenarios" / "karachi-withdrawal.yaml"
POLICY = ROOT / "policies" / "pk-sindh-illustrative.yaml"
PG_URL = os.environ.get(
    "HIFAZAT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_ALL = os.environ.get("HIFAZAT_REQUIRE_ALL") == "1"


def missing(reason: str) -> None:
    """Skip for want of a system service — or fail, where CI promised to provide it."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (HIFAZAT_REQUIRE_ALL=1: CI must provide it)")
    pytest.skip(reason)


@dataclass
class FakeClock:
    now: datetime = field(default_factory=lambda: datetime(2026, 1, 27, 10, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def set(self, value: datetime | str) -> None:
        self.now = datetime.fromisoformat(value) if isinstance(value, str) else value

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@dataclass
class Registry:
    """A database with the schema in place, a clock, and ways in."""

    backend: str
    engine: Engine
    url: str
    clock: FakeClock
    key_path: Path

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)

    def load_demo(self) -> None:
        import_scenario(self.uow(), SCENARIO, self.clock)

    def cli(self, *args: str) -> Any:
        runner = CliRunner()
        state = State(clock=self.clock, url=self.url, _engine=self.engine, ledger_key=self.key_path)
        return runner.invoke(app, list(args), obj=state)

    def dump(self, everything: bool = False) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every domain table (of every table, with `everything`), for proving that
        a refused change wrote nothing but its refused attempt."""
        with self.engine.connect() as c:
            out = {}
            for table in metadata.sorted_tables:
                if not everything and table.name.startswith(("ledger_", "attempts")):
                    continue
                rows = c.execute(select(table)).all()
                out[table.name] = sorted((tuple(r) for r in rows), key=repr)
            return out


# --- SQLite: a migrated template file, copied per test -----------------------------------------
@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


# --- PostgreSQL: one database per test worker, emptied between tests ----------------------------
@pytest.fixture(scope="session")
def pg_url(worker_id: str) -> Iterator[str]:
    admin_url = make_url(PG_URL)
    name = f"hifazat_test_{worker_id}_{os.getpid()}"
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            c.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        missing(f"PostgreSQL not reachable at {PG_URL}: {type(error).__name__}")
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_engine(pg_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_url)
    yield engine
    engine.dispose()


def _empty_pg(engine: Engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as c:
        c.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        c.execute(text("INSERT INTO ledger_head (id, size) VALUES (1, 0)"))  # as the migration does
    forget_shared(engine)  # the same engine now holds a different registry


@pytest.fixture(params=["sqlite", "postgres"])
def registry(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[Registry]:
    clock = FakeClock()
    key = tmp_path / "ledger.key"
    create_key(key)
    if request.param == "sqlite":
        path = tmp_path / "hifazat.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        yield Registry("sqlite", engine, url, clock, key)
        engine.dispose()
    else:
        engine = request.getfixturevalue("pg_engine")
        _empty_pg(engine)
        url = request.getfixturevalue("pg_url")
        yield Registry("postgres", engine, url, clock, key)


@pytest.fixture
def demo(registry: Registry) -> Registry:
    """The registry after the Karachi scenario, with the clock on the morning of 27 January 2026."""
    registry.load_demo()
    return registry


Factory = Callable[..., Any]


def write_scenario(folder: Path, text: str, name: str = "broken.yaml") -> Path:
    """A scenario file beside a copy of the shipped policy, as the relative path expects."""
    (folder / "policies").mkdir(exist_ok=True)
    shutil.copy(POLICY, folder / "policies" / POLICY.name)
    (folder / "scenarios").mkdir(exist_ok=True)
    path = folder / "scenarios" / name
    path.write_text(text, "utf-8")
    return path


# --- the HTTP API ---------------------------------------------------------------------------------
#: a user for each kind of holder in the demo, and a protectee's own login made for the tests
ROLE_USERS = {
    "admin": "registrar",
    "operator": "ssu-operator",
    "approver": "ssu-chief",
    "committee": "ptac-chair",
    "intelligence": "special-branch",
    "auditor": "auditor",
    "protectee": "farooq",
    "liaison": "mqm-liaison",
}


@dataclass
class Api:
    reg: Registry
    client: Any
    tokens: dict[str, str]

    def set_password(self, user: str, password: str) -> None:
        """Sets a password as the registrar would, which ends the user's tokens; the user's
        tokens here are minted again, so the test may go on calling as that role."""
        from datetime import timedelta

        from hifazat.services import auth

        auth.set_password(self.reg.uow(), user, password, "registrar", self.reg.clock())
        for role, holder in ROLE_USERS.items():
            if holder == user:
                scopes = ["read", "write", "admin"] if role == "admin" else ["read", "write"]
                self.tokens[role] = auth.create_token(
                    self.reg.uow(), user, scopes, timedelta(days=30), self.reg.clock()
                ).secret

    def call(self, method: str, path: str, role: str | None = None, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        if role is not None:
            headers["Authorization"] = f"Bearer {self.tokens[role]}"
        return self.client.request(method, path, headers=headers, **kwargs)


GENEROUS = "10000/minute"
#: a lawful proposal a desk makes over the API: the Sindh cover of Farooq Sattar withdrawn
WITHDRAWAL = {
    "action": "withdraw",
    "protectee": "farooq-sattar",
    "provider": "sindh-police",
    "reason_code": "court-order",
    "reason": "A court ordered a security review",
}


def make_api(reg: Registry, scopes: tuple[str, ...] = ("read", "write")) -> Api:
    from datetime import timedelta

    from fastapi.testclient import TestClient

    from hifazat.bootstrap.app import create_app
    from hifazat.domain.users import User
    from hifazat.services import auth, users
    from hifazat.settings import ServerSettings

    users.add_user(reg.uow(), User("registrar", "Registrar", frozenset({"admin"})), None, reg.clock)
    users.add_user(
        reg.uow(),
        User("farooq", "Farooq Sattar", frozenset({"protectee"}), "farooq-sattar"),
        "registrar",
        reg.clock,
    )
    settings = ServerSettings(
        database_url=reg.url,
        ledger_key=reg.key_path,
        secure_cookies=False,
        # tests sign in and ask far faster than people; test_rate_limits.py proves the limits
        login_rate=GENEROUS,
        login_user_rate=GENEROUS,
        report_rate=GENEROUS,
        public_rate=GENEROUS,
    )
    app = create_app(settings, reg.clock, engine=reg.engine, periodic=False)
    tokens = {}
    for role, user in ROLE_USERS.items():
        wanted = [*scopes, "admin"] if role == "admin" else list(scopes)
        tokens[role] = auth.create_token(
            reg.uow(), user, wanted, timedelta(days=30), reg.clock()
        ).secret
    return Api(reg, TestClient(app), tokens)


@pytest.fixture
def api(demo: Registry) -> Api:
    """The demo behind the HTTP API, with a read-write bearer token per kind of user."""
    return make_api(demo)
