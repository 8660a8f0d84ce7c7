"""Helpers for the notify tests (no tests here): real decisions that write notices, channels,
and a local HTTP receiver that answers as told and keeps what it was sent."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from hifazat.domain.decision import Action
from hifazat.domain.outbox import ChannelRecord
from hifazat.services import decide
from hifazat.store import outbox_store
from hifazat.store.tables import notices
from tests.conftest import Registry

#: the receivers here listen on loopback, which webhooks may reach only where a deployment
#: allows it (see `hifazat.notify.addresses`)
LOOPBACK = "127.0.0.0/8"


def allow_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HIFAZAT_WEBHOOK_ALLOW", LOOPBACK)


#: a reason with a non-ASCII dash, so "verbatim" survives the e-mail's transfer encoding
REASON = "Sindh High Court order in C.P. D-1234/2026 — cover withdrawn pending the hearing"


def decide_now(
    reg: Registry,
    protectee: str = "farooq-sattar",
    provider: str = "sindh-police",
    action: Action = Action.WITHDRAW,
    category: str | None = None,
    reason_code: str = "court-order",
    reason: str = REASON,
) -> str:
    """A decision proposed by the SSU duty officer and approved by its chief; the approval
    writes the notices (one to the protectee, one to the liaison)."""
    proposal = decide.Proposal(
        action=action,
        protectee=protectee,
        provider=provider,
        reason_code=reason_code,
        reason=reason,
        by="ssu-operator" if provider == "sindh-police" else "moi-operator",
        category=category,
    )
    proposed = decide.propose(reg.uow(), proposal, reg.clock)
    approver = "ssu-chief" if provider == "sindh-police" else "moi-approver"
    decide.approve(reg.uow(), proposed.decision.id, approver, reg.clock)
    return proposed.decision.id


def notice_ids(reg: Registry, decision_id: str) -> dict[str, str]:
    """recipient -> notice id, for one decision's notices."""
    query = select(notices.c.recipient, notices.c.id).where(notices.c.decision_id == decision_id)
    with reg.engine.connect() as c:
        return {r.recipient: r.id for r in c.execute(query)}


def add_channel(
    reg: Registry, owner: str, owner_kind: str, kind: str, address: str
) -> ChannelRecord:
    with reg.engine.begin() as c:
        return outbox_store.add_channel(c, owner, owner_kind, kind, address, reg.clock())


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class Receiver:
    """Answers each path with its queued statuses first, then `default`."""

    url: str
    default: int = 200
    delay: float = 0.0
    queued: dict[str, list[int]] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            waiting = self.queued.get(path)
            status = waiting.pop(0) if waiting else self.default
            self.received.append(Received(path, headers, body, status))
        return status

    def accepted(self, path: str | None = None) -> list[Received]:
        with self.lock:
            return [
                r
                for r in self.received
                if 200 <= r.status < 300 and (path is None or r.path == path)
            ]


@contextmanager
def http_receiver(default: int = 200, delay: float = 0.0) -> Iterator[Receiver]:
    receiver: Receiver | None = None

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            assert receiver is not None
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if receiver.delay:
                time.sleep(receiver.delay)
            status = receiver.answer(self.path, dict(self.headers.items()), body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver = Receiver(f"http://127.0.0.1:{server.server_address[1]}", default, delay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
