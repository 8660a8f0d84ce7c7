"""Failover (issue 18): two `hifazat serve` nodes on a primary with a synchronous hot standby,
named together in one libpq multi-host URL with target_session_attrs=read-write. The primary is
killed with SIGKILL while both nodes take decisions, the standby is promoted, and without a
restart both nodes write again, on the new primary; every decision a node acknowledged is there,
and the ledger verifies, checkpoint kept beside the key included."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from hifazat.cli import State, app
from hifazat.ledger.keys import create_key
from hifazat.ledger.note import peek_checkpoint
from hifazat.ledger.pin import pin_path, read_pin
from hifazat.services import auth
from hifazat.services.importer import import_scenario
from hifazat.store.engine import make_engine
from hifazat.store.migrate import upgrade
from hifazat.store.uow import UnitOfWork
from tests.conftest import SCENARIO, WITHDRAWAL, FakeClock, missing
from tests.pgcluster import Cluster, skip_reason
from tests.servers import START_WITHIN, free_port, stop_servers

pytestmark = pytest.mark.postgres

DATABASE = "hifazat"
PROPOSAL = WITHDRAWAL
#: decisions acknowledged before the primary is killed
BEFORE_KILL = 10
#: seconds between the kill and the promotion, while the nodes keep trying
OUTAGE = 1.5
#: how long the nodes have to write again once the standby is promoted
RESUME_WITHIN = 30.0


@dataclass
class Writes:
    """What the writers saw: every acknowledged decision by its idempotency key, with the
    instant (monotonic) of its acknowledgement and the node that gave it."""

    acknowledged: dict[str, tuple[str, float, int]] = field(default_factory=dict)
    failures: int = 0
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: the nodes' logs, whose ends a failure shows
    logs: list[Path] = field(default_factory=list)

    def tails(self) -> str:
        return "".join(f"\n--- {log.name}\n{log.read_text()[-4000:]}" for log in self.logs)

    def count(self, since: float = 0.0, port: int | None = None) -> int:
        with self.lock:
            return sum(
                1
                for _, at, p in self.acknowledged.values()
                if at >= since and (port is None or p == port)
            )


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    reason = skip_reason()
    if reason is not None:
        missing(f"no PostgreSQL primary and standby can be started here: {reason}")
    with Cluster() as running:
        yield running


def test_nodes_survive_failover_to_the_standby(cluster: Cluster, tmp_path: Path) -> None:
    with cluster.primary.connect() as c:
        c.execute(f'CREATE DATABASE "{DATABASE}"')
    both = cluster.url(DATABASE)
    key = tmp_path / "ledger.key"
    token = _registry(cluster.url(DATABASE, cluster.primary), key)

    nodes = [free_port(), free_port()]
    servers: list[subprocess.Popen[bytes]] = []
    writes = Writes(logs=[tmp_path / f"serve-{port}.log" for port in nodes])
    stop = threading.Event()
    writers = [
        threading.Thread(target=_write, args=(port, f"node{i}", token, writes, stop), daemon=True)
        for i, port in enumerate(nodes)
    ]
    try:
        for port, log in zip(nodes, writes.logs, strict=True):
            servers.append(_serve(both, key, port, log))
        for server, port, log in zip(servers, nodes, writes.logs, strict=True):
            _answering(server, port, log)
        for writer in writers:
            writer.start()
        _until(lambda: writes.count() >= BEFORE_KILL, 30, "decisions before the kill", writes)
        # a checkpoint signed on the old primary, kept beside the key: verified on the new one
        _until(lambda: pin_path(key).exists(), 15, "a checkpoint kept beside the key", writes)

        cluster.kill_primary()
        killed_at = time.monotonic()
        kept_at_kill = _kept_size(key)
        acknowledged_before = writes.count()
        failed_before = writes.failures
        time.sleep(OUTAGE)  # the nodes find no primary: the dead one, and a standby read-only
        failed_in_outage = writes.failures - failed_before
        cluster.promote()
        promoted_at = time.monotonic()

        _until(
            lambda: all(writes.count(since=promoted_at, port=p) >= 2 for p in nodes),
            RESUME_WITHIN,
            "both nodes writing on the promoted standby",
            writes,
        )
        resumed_after = time.monotonic() - promoted_at
        # the nodes' checkpoint loops write again too: a checkpoint of the new primary's log
        _until(
            lambda: _kept_size(key) > kept_at_kill, 15, "a checkpoint after the failover", writes
        )
    finally:
        stop.set()
        for writer in writers:
            writer.join(timeout=15)
        stop_servers(servers)

    assert not writes.unexpected, f"{writes.unexpected}{writes.tails()}"
    assert acknowledged_before >= BEFORE_KILL
    assert failed_in_outage > 0  # the nodes noticed the primary gone, and kept trying
    with writes.lock:
        acknowledged = dict(writes.acknowledged)
    ids = {decision for decision, _, _ in acknowledged.values()}
    assert len(ids) == len(acknowledged)  # a key retried is one decision, never two

    engine = make_engine(cluster.url(DATABASE, cluster.standby))
    try:
        with engine.connect() as c:
            present = set(c.execute(text("SELECT id FROM decisions")).scalars())
            proposed = set(
                c.execute(
                    text("SELECT ref FROM ledger_entries WHERE kind = 'decision.proposed'")
                ).scalars()
            )
    finally:
        engine.dispose()
    lost = ids - present
    assert not lost, f"acknowledged decisions missing after failover: {sorted(lost)}"
    assert ids <= proposed

    state = State(ledger_key=key)
    try:
        verify = CliRunner().invoke(
            app, ["--db", cluster.url(DATABASE, cluster.standby), "ledger", "verify"], obj=state
        )
    finally:
        state.engine.dispose()
    assert verify.exit_code == 0, verify.output
    assert "ledger verifies" in verify.stdout
    print(
        f"\n{len(acknowledged)} decisions acknowledged ({acknowledged_before} before the kill), "
        f"{writes.failures} attempts failed over; promoted {promoted_at - killed_at:.2f} s after "
        f"the kill, both nodes writing again {resumed_after:.2f} s after; {verify.stdout.strip()}"
    )


def _registry(url: str, key: Path) -> str:
    """The schema, the ledger key, the Karachi scenario and an operator's bearer token."""
    create_key(key)
    engine = make_engine(url)
    try:
        upgrade(engine)
        import_scenario(UnitOfWork(engine), SCENARIO, FakeClock())
        now = datetime.now(UTC)
        return auth.create_token(
            UnitOfWork(engine), "ssu-operator", ["read", "write"], timedelta(days=1), now
        ).secret
    finally:
        engine.dispose()


def _kept_size(key: Path) -> int:
    """The tree size of the checkpoint kept beside the key (0 where none is)."""
    note = read_pin(pin_path(key))
    return 0 if note is None else peek_checkpoint(note).size


def _serve(url: str, key: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """`hifazat serve` on `url`, signing a checkpoint every second."""
    env = {**os.environ, "HIFAZAT_LEDGER_KEY": str(key), "HIFAZAT_CHECKPOINT_SECONDS": "1"}
    hifazat = Path(sys.executable).with_name("hifazat")
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(hifazat), "--db", url, "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _answering(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Returns once the server answers its health check."""
    deadline = time.monotonic() + START_WITHIN
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.05)
    server.kill()
    server.wait()
    raise AssertionError(f"the server on {port} did not start:\n{log.read_text()[-3000:]}")


def _write(port: int, name: str, token: str, writes: Writes, stop: threading.Event) -> None:
    """Proposes decisions through one node until stopped, each under its own idempotency key,
    retrying a failed one under the same key (whether the first attempt committed or not, the
    retry answers the one decision) until the node acknowledges it."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=15) as client:
        n = 0
        while not stop.is_set():
            key = f"failover-{name}-{n}"
            while not stop.is_set():
                try:
                    answer = client.post(
                        "/api/v1/decisions", json=PROPOSAL, headers={"Idempotency-Key": key}
                    )
                except httpx.HTTPError as error:
                    with writes.lock:
                        writes.unexpected.append(f"{key}: the node did not answer: {error!r}")
                    return
                if answer.status_code == 201:
                    with writes.lock:
                        writes.acknowledged[key] = (
                            answer.json()["decision"],
                            time.monotonic(),
                            port,
                        )
                    break
                if answer.status_code < 500:
                    with writes.lock:
                        writes.unexpected.append(f"{key}: {answer.status_code} {answer.text}")
                    return
                with writes.lock:
                    writes.failures += 1
                stop.wait(0.1)  # the database is away (5xx): the same key again
            n += 1
            stop.wait(0.05)


def _until(done: Callable[[], bool], within: float, what: str, writes: Writes) -> None:
    deadline = time.monotonic() + within
    while not done():
        if writes.unexpected:
            raise AssertionError(f"waiting for {what}: {writes.unexpected}{writes.tails()}")
        if time.monotonic() > deadline:
            raise AssertionError(
                f"no {what} within {within:.0f} s: {writes.count()} acknowledged, "
                f"{writes.failures} failed attempts{writes.tails()}"
            )
        time.sleep(0.05)
