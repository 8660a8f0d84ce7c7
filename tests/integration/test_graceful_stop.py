"""SIGTERM, as a service manager or `docker stop` sends it: `serve` finishes the request in
flight (its write committed, its answer sent) while refusing new connections; `worker` finishes
the notice on the wire and gives its other claims back at once."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from hifazat.cli.delivery import deliver_due
from hifazat.services import auth
from hifazat.store.tables import decisions, notices
from tests.conftest import WITHDRAWAL, Registry
from tests.integration.test_notify_support import (
    LOOPBACK,
    add_channel,
    decide_now,
    http_receiver,
    notice_ids,
)
from tests.servers import free_port, start_server


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


def test_serve_finishes_the_request_in_flight_and_takes_no_new_one(demo: Registry) -> None:
    demo.clock.set(datetime.now(UTC))  # the server's clock: the token must be live on it
    token = auth.create_token(
        demo.uow(), "ssu-operator", ["read", "write"], timedelta(days=1), demo.clock()
    ).secret
    port = free_port()
    server = start_server(demo, port, HIFAZAT_SHUTDOWN_SECONDS="20")
    try:
        body = json.dumps(WITHDRAWAL).encode()
        head = (
            f"POST /api/v1/decisions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        client = socket.create_connection(("127.0.0.1", port), timeout=30)
        client.sendall(head + body[:10])  # the request has begun; its body is still coming
        time.sleep(0.5)
        server.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        while not _refused(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _refused(port), "the server still takes new connections after SIGTERM"
        assert server.poll() is None, "the server stopped with a request in flight"
        client.sendall(body[10:])
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
        client.close()
        status = answer.split(b"\r\n", 1)[0]
        assert status == b"HTTP/1.1 201 Created", answer[:300]
        made = json.loads(answer.split(b"\r\n\r\n", 1)[1])["decision"]
        # uvicorn, once drained, re-raises the signal so the supervisor sees it (systemd and
        # docker count a SIGTERM exit as a clean stop)
        assert server.wait(timeout=30) in (0, -signal.SIGTERM)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    with demo.engine.connect() as c:
        row = c.execute(select(decisions.c.action).where(decisions.c.id == made)).one()
    assert row.action == "withdraw"  # committed before the answer, and kept


def test_the_worker_finishes_its_send_and_gives_back_its_other_claims(
    demo: Registry, tmp_path: Path
) -> None:
    sent, release = threading.Event(), threading.Event()
    with http_receiver() as receiver:
        answer = receiver.answer
        held: list[str] = []

        def holding(path: str, headers: dict[str, str], body: bytes) -> int:
            if not held:
                held.append(path)
                sent.set()
                release.wait(30)
            return answer(path, headers, body)

        receiver.answer = holding  # type: ignore[method-assign]
        for owner, kind in (("farooq-sattar", "protectee"), ("anis-kaimkhani", "protectee"),
                            ("mqm-liaison", "user")):  # fmt: skip
            add_channel(demo, owner, kind, "webhook", f"{receiver.url}/{owner}")
        ours = {
            *notice_ids(demo, decide_now(demo)).values(),
            *notice_ids(demo, decide_now(demo, protectee="anis-kaimkhani")).values(),
        }
        assert len(ours) == 4
        log = tmp_path / "worker.log"
        hifazat = Path(sys.executable).with_name("hifazat")
        with log.open("wb") as err:
            worker = subprocess.Popen(
                [
                    str(hifazat),
                    "--db",
                    demo.url,
                    "worker",
                    "--webhooks-only",
                    "--batch",
                    "4",
                    "--interval",
                    "0.2",
                ],
                env={
                    **os.environ,
                    "HIFAZAT_LEDGER_KEY": str(demo.key_path),
                    "HIFAZAT_WEBHOOK_ALLOW": LOOPBACK,
                    "HIFAZAT_LOG_FORMAT": "json",
                },
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
            try:
                assert sent.wait(60), "the worker sent nothing"
                worker.send_signal(signal.SIGTERM)
                time.sleep(0.3)
                assert worker.poll() is None, "the worker stopped mid-send"
                release.set()
                assert worker.wait(timeout=30) == 0
            finally:
                release.set()
                if worker.poll() is None:
                    worker.kill()
                    worker.wait()
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        messages = [line["message"] for line in lines]
        assert any(m.startswith("stopping on SIGTERM") for m in messages), messages
        assert sum(m.startswith("notice released") for m in messages) == 3, messages
        with demo.engine.connect() as c:
            rows = c.execute(
                select(notices.c.id, notices.c.state, notices.c.claimed_by).where(
                    notices.c.id.in_(ours)
                )
            ).all()
        assert sorted(r.state for r in rows) == ["delivered", "pending", "pending", "pending"]
        assert all(r.claimed_by is None for r in rows if r.state == "pending")
        # given back, not left to a lease: another worker takes them at once
        run = deliver_due(demo.engine, demo.clock, "worker-b", None, 10)
        assert run.counts["delivered"] == 3
        assert len(receiver.accepted()) == 4


@pytest.fixture(autouse=True)
def _webhooks_to_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HIFAZAT_SMTP_HOST", raising=False)
    monkeypatch.setenv("HIFAZAT_WEBHOOK_ALLOW", LOOPBACK)
