"""Idempotency keys survive a crash (finding 12.4): the claim, the work and the answer kept for
retries are the request's one transaction, so a request that died leaves nothing behind."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from sqlalchemy import text

from hifazat.services import auth
from hifazat.store.idempotency_store import CLAIMED
from tests.conftest import Api, Registry
from tests.servers import free_port as _free_port
from tests.servers import start_server

ASSESSMENT = {
    "protectee": "farooq-sattar",
    "level": "low",
    "agency": "Special Branch",
    "valid_until": "2030-01-01T00:00:00+05:00",
    "summary": "Routine review of the protectee's movements",
}


def _count(reg: Registry, table: str) -> int:
    with reg.engine.connect() as c:
        return int(c.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_a_request_that_dies_leaves_no_claim(api: Api) -> None:
    """The claim is part of the request's transaction: a request that fails after claiming
    its key leaves no trace of it, and the retry does the work at once."""
    reg = api.reg
    key = _digest("special-branch", "desk-9-assessment-1")
    try:
        with reg.uow() as uow:  # a request that claimed the key, then died
            assert uow.idempotency.claim(key, "special-branch", "r", reg.clock()) is None
            raise RuntimeError("the process died")
    except RuntimeError:
        pass
    before = _count(reg, "threat_assessments")
    headers = {"Idempotency-Key": "desk-9-assessment-1"}
    taken = api.call(
        "POST", "/api/v1/threat-assessments", "intelligence", json=ASSESSMENT, headers=headers
    )
    assert taken.status_code == 201, taken.text
    again = api.call(
        "POST", "/api/v1/threat-assessments", "intelligence", json=ASSESSMENT, headers=headers
    )
    assert again.json() == taken.json() and again.headers["idempotent-replayed"] == "true"
    assert _count(reg, "threat_assessments") == before + 1


def test_a_retry_while_the_first_runs_waits_and_replays(demo: Registry) -> None:
    """Twenty copies of one request at once, on a real server: one does the work, every other
    waits for it to commit and gets its answer."""
    token = auth.create_token(
        demo.uow(), "special-branch", ["read", "write"], timedelta(days=365), demo.clock()
    ).secret
    before = _count(demo, "threat_assessments")
    port = _free_port()
    server = _start(demo, port)
    try:
        with ThreadPoolExecutor(max_workers=20) as pool:
            answers = list(pool.map(lambda _: _post(port, token, "same-key"), range(20)))
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert {status for status, _ in answers} == {201}, answers
    assert len({body["assessment"] for _, body in answers}) == 1
    assert _count(demo, "threat_assessments") == before + 1


def _digest(user: str, key: str) -> str:
    return hashlib.sha256(f"{user}\x1f{key}".encode()).hexdigest()


def _start(reg: Registry, port: int) -> subprocess.Popen[bytes]:
    return start_server(reg, port)


def _post(port: int, token: str, key: str) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/threat-assessments",
        data=json.dumps(ASSESSMENT).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": key,
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_killing_the_server_mid_burst_loses_no_key(demo: Registry) -> None:
    token = auth.create_token(
        demo.uow(), "special-branch", ["read", "write"], timedelta(days=365), demo.clock()
    ).secret
    before = _count(demo, "threat_assessments")
    keys = [f"burst-{n}" for n in range(60)]
    port = _free_port()
    server = _start(demo, port)
    answered: dict[str, tuple[int, Any]] = {}
    lock = threading.Lock()

    def send(key: str) -> None:
        try:
            got = _post(port, token, key)
        except OSError:
            return  # the server died under it: the client never learned the answer
        with lock:
            answered[key] = got

    try:
        with ThreadPoolExecutor(max_workers=20) as pool:
            for key in keys:
                pool.submit(send, key)
            while len(answered) < 8:
                time.sleep(0.005)
            server.send_signal(signal.SIGKILL)
    finally:
        server.kill()
        server.wait(timeout=10)

    port = _free_port()
    server = _start(demo, port)
    try:
        retried = {key: _post(port, token, key) for key in keys}
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert {status for status, _ in retried.values()} == {201}, retried
    for key, (status, body) in answered.items():
        if status == 201:
            assert retried[key][1] == body, key  # the first answer, replayed
    ids = {body["assessment"] for _, body in retried.values()}
    assert len(ids) == len(keys)  # every key did its work once, and the client learns its id
    assert _count(demo, "threat_assessments") == before + len(keys)
    with demo.engine.connect() as c:
        stuck = c.execute(
            text("SELECT count(*) FROM idempotency WHERE status = :s"),
            {"s": CLAIMED},
        ).scalar_one()
    assert stuck == 0
