"""Idempotency keys survive a crash (finding 12.4): the work and the answer kept for retries
commit together, and a claim left by a request that died is taken over after its lease."""

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

from hifazat.api.schemas import AssessmentBody
from hifazat.services import auth
from hifazat.store import idempotency_store
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


def _key_digest(user: str, key: str) -> str:
    return hashlib.sha256(f"{user}\x1f{key}".encode()).hexdigest()


def test_a_claim_left_by_a_dead_request_is_taken_over_after_its_lease(api: Api) -> None:
    reg = api.reg
    key = "desk-9-assessment-1"
    request = hashlib.sha256(
        "\x1f".join(
            [
                "POST",
                "/api/v1/threat-assessments",
                json.dumps(
                    AssessmentBody(**ASSESSMENT).model_dump(mode="json"),
                    sort_keys=True,
                    default=str,
                ),
            ]
        ).encode()
    ).hexdigest()
    with reg.engine.begin() as c:  # a request that claimed the key, then died
        mine, _ = idempotency_store.claim(
            c, _key_digest("special-branch", key), "special-branch", request, reg.clock()
        )
    assert mine is not None
    before = _count(reg, "threat_assessments")
    headers = {"Idempotency-Key": key}
    waiting = api.call(
        "POST", "/api/v1/threat-assessments", "intelligence", json=ASSESSMENT, headers=headers
    )
    assert waiting.status_code == 409 and int(waiting.headers["retry-after"]) > 0
    reg.clock.advance(seconds=idempotency_store.LEASE.total_seconds())
    taken = api.call(
        "POST", "/api/v1/threat-assessments", "intelligence", json=ASSESSMENT, headers=headers
    )
    assert taken.status_code == 201, taken.text
    again = api.call(
        "POST", "/api/v1/threat-assessments", "intelligence", json=ASSESSMENT, headers=headers
    )
    assert again.json() == taken.json() and again.headers["idempotent-replayed"] == "true"
    assert _count(reg, "threat_assessments") == before + 1


def test_a_request_whose_claim_was_taken_over_keeps_nothing(registry: Registry) -> None:
    """Fencing: a request still working when its lease passes finds, on keeping its answer,
    that a retry took the key over; its held work is rolled back, not committed."""
    reg = registry
    now = reg.clock()
    with reg.engine.begin() as c:
        first, _ = idempotency_store.claim(c, "k", "u", "r", now)
    later = now + idempotency_store.LEASE
    with reg.engine.begin() as c:
        second, earlier = idempotency_store.claim(c, "k", "u", "r", later)
    assert first and second and first != second and earlier is None

    users_before = _count(reg, "users")
    from hifazat.domain.users import User
    from hifazat.services import users
    from hifazat.store.uow import Superseded, holding_commits

    with holding_commits() as held:
        users.add_user(
            reg.uow(), User("late-clerk", "Late Clerk", frozenset({"admin"})), None, reg.clock
        )
        try:
            held.finish(lambda c: idempotency_store.complete(c, "k", first, 201, {}))
            raise AssertionError("the superseded request kept its work")
        except Superseded:
            pass
    assert _count(reg, "users") == users_before  # the held work was rolled back
    with reg.engine.begin() as c:
        assert idempotency_store.complete(c, "k", second, 201, {"id": "x"})
    with reg.engine.begin() as c:
        _, kept = idempotency_store.claim(c, "k", "u", "r", later)
    assert kept is not None and kept.status == 201 and kept.body == {"id": "x"}


def _start(reg: Registry, port: int) -> subprocess.Popen[bytes]:
    return start_server(reg, port, HIFAZAT_IDEMPOTENCY_LEASE_SECONDS="2")


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
        time.sleep(2.1)  # the lease of a claim left by a request that died
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
            {"s": idempotency_store.IN_PROGRESS},
        ).scalar_one()
    assert stuck == 0
