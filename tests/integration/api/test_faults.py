"""Infrastructure faults, injected one at a time on each database where they apply: the API
answers 503 UNAVAILABLE in the contract's shape with Retry-After, pages answer with a page,
readiness says what is wrong, nothing leaks (no SQL, no path, no stack trace), and the server
recovers by itself once the fault is gone. A server without a usable ledger key does not start."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from hifazat.bootstrap.app import create_app
from hifazat.settings import ServerSettings
from hifazat.store.engine import make_engine
from hifazat.store.faults import fault_of
from tests.conftest import GENEROUS, WITHDRAWAL, Api, Registry, make_api
from tests.servers import free_port

PROPOSAL = WITHDRAWAL
#: what an answer must never hold: SQL, driver names, stack traces
NEVER = ("SELECT", "INSERT", "UPDATE ", "Traceback", "sqlite3", "psycopg", "sqlalchemy")


def _client(reg: Registry, engine: Engine, key: Path | None = None) -> TestClient:
    settings = ServerSettings(
        database_url=reg.url,
        ledger_key=key or reg.key_path,
        secure_cookies=False,
        login_rate=GENEROUS,
        login_user_rate=GENEROUS,
        report_rate=GENEROUS,
        public_rate=GENEROUS,
    )
    return TestClient(create_app(settings, reg.clock, engine=engine, periodic=False))


def _bearer(api: Api, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api.tokens[role]}"}


def _no_leak(response: Any, *secrets: str) -> None:
    for word in (*NEVER, *secrets):
        assert word not in response.text, f"{word!r} leaked into the answer"


def _unavailable(response: Any, naming: str, *secrets: str) -> None:
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "UNAVAILABLE"
    assert naming in response.json()["error"]["message"]
    assert int(response.headers["Retry-After"]) > 0
    _no_leak(response, *secrets)


def _unavailable_page(response: Any, *secrets: str) -> None:
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/html")
    assert "Unavailable" in response.text and int(response.headers["Retry-After"]) > 0
    _no_leak(response, *secrets)


def _not_ready(client: TestClient, check: str, naming: str, *secrets: str) -> dict[str, Any]:
    response = client.get("/api/v1/ready")
    assert response.status_code == 503
    body: dict[str, Any] = response.json()
    assert body["ready"] is False and body["checks"][check]["ok"] is False
    assert naming in body["checks"][check]["detail"]
    assert body["error"]["code"] == "UNAVAILABLE"
    _no_leak(response, *secrets)
    return body


def _sqlite_file(reg: Registry) -> str:
    return str(make_url(reg.url).database)


# --- PostgreSQL: the test database closed to connections, or made read-only -------------------
@contextlib.contextmanager
def _pg_altered(reg: Registry, change: str, undo: str) -> Iterator[None]:
    """Alters the test database and ends every session on it, so that the next connection
    meets the change; undoes both afterwards, so later tests get ordinary connections."""
    name = make_url(reg.url).database
    admin = create_engine(make_url(reg.url).set(database="postgres"), isolation_level="AUTOCOMMIT")

    def alter(sql: str) -> None:
        with admin.connect() as c:
            c.execute(text(sql.format(db=f'"{name}"')))
            c.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )

    alter(change)
    try:
        yield
    finally:
        alter(undo)
        admin.dispose()
        reg.engine.dispose()  # its pooled connections were among the sessions ended


# --- the database down, then back -------------------------------------------------------------
def test_database_down_is_503_and_the_server_recovers(demo: Registry, tmp_path: Path) -> None:
    api = make_api(demo)
    if demo.backend == "sqlite":
        path = tmp_path / "moved.db"
        path.mkdir()  # a folder where the file should be: SQLite cannot open it
        engine = make_engine(f"sqlite:///{path}")
        client = _client(demo, engine)
        _database_is_down(api, client, str(path))
        path.rmdir()
        with contextlib.closing(sqlite3.connect(_sqlite_file(demo))) as db:
            db.execute("VACUUM INTO ?", (str(path),))  # the file is back: a consistent copy
        _database_is_back(api, client)
        engine.dispose()
        return
    nowhere = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/hifazat")
    _database_is_down(api, _client(demo, nowhere), "127.0.0.1")
    nowhere.dispose()
    engine = make_engine(demo.url)
    client = _client(demo, engine)
    assert client.get("/api/v1/protectees", headers=_bearer(api, "operator")).status_code == 200
    change = "ALTER DATABASE {db} ALLOW_CONNECTIONS false"
    with _pg_altered(demo, change, "ALTER DATABASE {db} ALLOW_CONNECTIONS true"):
        _database_is_down(api, client, make_url(demo.url).database or "")
    _database_is_back(api, client)
    engine.dispose()


def _database_is_down(api: Api, client: TestClient, where: str) -> None:
    read = client.get("/api/v1/protectees", headers=_bearer(api, "operator"))
    _unavailable(read, "unavailable", where)
    write = client.post("/api/v1/decisions", json=PROPOSAL, headers=_bearer(api, "operator"))
    _unavailable(write, "unavailable", where)
    _unavailable(client.get("/api/v1/reports/transparency"), "unavailable", where)
    _unavailable_page(client.get("/public/transparency"), where)
    _unavailable_page(client.get("/login"), where)
    assert client.get("/api/v1/health").status_code == 200  # alive, though not ready
    body = _not_ready(client, "database", "unavailable", where)
    assert body["checks"]["ledger_key"]["ok"] is True


def _database_is_back(api: Api, client: TestClient) -> None:
    assert client.get("/api/v1/protectees", headers=_bearer(api, "operator")).status_code == 200
    made = client.post("/api/v1/decisions", json=PROPOSAL, headers=_bearer(api, "operator"))
    assert made.status_code == 201, made.text
    ready = client.get("/api/v1/ready")
    assert ready.status_code == 200 and ready.json()["ready"] is True


# --- a read-only database ---------------------------------------------------------------------
def test_read_only_database_refuses_changes_with_503(demo: Registry) -> None:
    api = make_api(demo)
    if demo.backend == "sqlite":
        path = _sqlite_file(demo)
        engine = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
        _read_only(api, _client(demo, engine), path)
        engine.dispose()
        return
    engine = make_engine(demo.url)
    change = "ALTER DATABASE {db} SET default_transaction_read_only = on"
    with _pg_altered(demo, change, "ALTER DATABASE {db} RESET default_transaction_read_only"):
        _read_only(api, _client(demo, engine), make_url(demo.url).database or "")
        engine.dispose()


def _read_only(api: Api, client: TestClient, where: str) -> None:
    # reads still work: a read-only database is degraded, not down
    assert client.get("/api/v1/protectees", headers=_bearer(api, "operator")).status_code == 200
    write = client.post("/api/v1/decisions", json=PROPOSAL, headers=_bearer(api, "operator"))
    _unavailable(write, "read-only", where)
    _not_ready(client, "database", "read-only", where)


# --- a full disk (SQLite: a page budget the next write exceeds; PostgreSQL: the server's own
# disk_full error, raised by a trigger as the server raises it when a write finds no room) -----
def test_full_disk_refuses_changes_with_503(
    demo: Registry, caplog: pytest.LogCaptureFixture
) -> None:
    api = make_api(demo)
    if demo.backend == "sqlite":
        with contextlib.closing(sqlite3.connect(_sqlite_file(demo))) as db:
            db.execute("VACUUM")  # no free pages left: a growing write needs new ones
        engine = make_engine(demo.url)

        @event.listens_for(engine, "connect")
        def _no_room(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            pages = cursor.execute("PRAGMA page_count").fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages}")
            cursor.close()

        where = _sqlite_file(demo)
    else:
        engine = make_engine(demo.url)
        with engine.begin() as c:
            c.execute(
                text(
                    "CREATE FUNCTION no_room() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    "RAISE EXCEPTION 'could not extend file: No space left on device' "
                    "USING ERRCODE = 'disk_full'; END $$"
                )
            )
            c.execute(
                text(
                    "CREATE TRIGGER no_room BEFORE INSERT ON decisions "
                    "FOR EACH ROW EXECUTE FUNCTION no_room()"
                )
            )
        where = demo.url

    client = _client(demo, engine)
    before = demo.dump(everything=True)
    big = {**PROPOSAL, "reason": "A court ordered a security review. " * 110}
    try:
        write = client.post("/api/v1/decisions", json=big, headers=_bearer(api, "operator"))
        _unavailable(write, "disk is full", where)
        # the log has the cause, but not the statement's parameters (here, the reason given)
        assert "database full on POST /api/v1/decisions" in caplog.text
        assert "court ordered" not in caplog.text
        assert demo.dump(everything=True) == before  # the transaction was rolled back whole
        reads = client.get("/api/v1/protectees", headers=_bearer(api, "operator"))
        assert reads.status_code == 200
    finally:
        if demo.backend == "postgres":
            with engine.begin() as c:
                c.execute(text("DROP TRIGGER no_room ON decisions"))
                c.execute(text("DROP FUNCTION no_room()"))
        engine.dispose()


# --- the ledger key missing or open to others -------------------------------------------------
def _unusable_keys(reg: Registry, tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """Each fault: the key file, and what the refusal must tell the operator to do."""
    open_key = tmp_path / "open.key"
    shutil.copy(reg.key_path, open_key)
    open_key.chmod(0o644)
    return {
        "missing": (tmp_path / "absent.key", "hifazat db upgrade"),
        "open to other users": (open_key, "chmod 600"),
    }


def test_serve_refuses_to_start_without_a_usable_key(registry: Registry, tmp_path: Path) -> None:
    hifazat = Path(sys.executable).with_name("hifazat")
    for fault, (key, advice) in _unusable_keys(registry, tmp_path).items():
        env = {**os.environ, "HIFAZAT_LEDGER_KEY": str(key)}
        try:
            done = subprocess.run(
                [str(hifazat), "--db", registry.url, "serve", "--port", str(free_port())],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,  # importing everything takes a while on a loaded machine
            )
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the server started with a key {fault}") from None
        assert done.returncode == 2, (fault, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
        assert str(key) in lines[0] and advice in lines[0], lines[0]


def test_an_app_built_without_a_usable_key_is_not_ready(demo: Registry, tmp_path: Path) -> None:
    api = make_api(demo)
    for fault, (key, advice) in _unusable_keys(demo, tmp_path).items():
        client = _client(demo, demo.engine, key)
        body = _not_ready(client, "ledger_key", fault, str(key), str(tmp_path))
        assert advice in body["checks"]["ledger_key"]["detail"]
        assert body["checks"]["database"]["ok"] is True
        # what needs the key says so, in the contract's shape: the public key, and signing
        for response in (
            client.get("/api/v1/ledger/public-key"),
            client.post("/api/v1/ledger/checkpoints", headers=_bearer(api, "admin")),
        ):
            assert response.status_code == 503, response.text
            assert response.json()["error"]["code"] == "UNAVAILABLE"
            assert "ledger signing key" in response.json()["error"]["message"]
            _no_leak(response, str(key), str(tmp_path))


def test_ready_when_all_is_well(api: Api) -> None:
    ready = api.client.get("/api/v1/ready")
    assert ready.status_code == 200
    assert ready.json()["ready"] is True
    assert {c["ok"] for c in ready.json()["checks"].values()} == {True}
    _no_leak(ready, str(api.reg.key_path))


def test_a_bug_is_not_a_fault() -> None:
    """A missing table is a database not there (503); SQL the database cannot parse is a bug,
    which stays a 500 and is not dressed up as unavailability."""
    engine = create_engine("sqlite://")
    with engine.connect() as c:
        with pytest.raises(DBAPIError) as missing:
            c.execute(text("SELECT size FROM ledger_head"))
        with pytest.raises(DBAPIError) as garbled:
            c.execute(text("SELEC 1"))
    fault = fault_of(missing.value)
    assert fault is not None and fault.kind == "unavailable"
    assert fault_of(garbled.value) is None
