"""Requeueing a dead notice, on the command line and over the API: pending again and delivered,
entered in the ledger with who did it and why, and refused (403, never 404) to anyone who may
not, whether or not the notice exists."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from hifazat.cli.delivery import deliver_due
from hifazat.domain.outbox import OutboxState
from hifazat.store import outbox_store
from hifazat.store import tables as t
from tests.conftest import Api, Registry
from tests.integration.test_notify_support import (
    Receiver,
    add_channel,
    allow_loopback,
    decide_now,
    http_receiver,
    notice_ids,
)

WHY = "The liaison's receiver was down for maintenance; it is back"


@pytest.fixture(autouse=True)
def _loopback_receivers(monkeypatch: pytest.MonkeyPatch) -> None:
    allow_loopback(monkeypatch)


@pytest.fixture
def down() -> Iterator[Receiver]:
    with http_receiver(default=503) as receiver:
        yield receiver


def _dead_notice(reg: Registry, receiver: Receiver) -> tuple[str, str]:
    """The liaison's notice of a withdrawal, dead after its one allowed round; and the
    protectee's, still pending."""
    add_channel(reg, "mqm-liaison", "user", "webhook", receiver.url + "/liaison")
    ids = notice_ids(reg, decide_now(reg))
    run = deliver_due(reg.engine, reg.clock, "worker-1", None, max_attempts=1)
    assert run.counts["dead"] == 1
    pending = next(n for r, n in ids.items() if r != "mqm-liaison")
    return ids["mqm-liaison"], pending


def _last_entry(reg: Registry) -> dict[str, object]:
    query = select(t.ledger_entries.c.entry).order_by(t.ledger_entries.c.seq.desc()).limit(1)
    with reg.engine.connect() as c:
        return dict(json.loads(c.execute(query).scalar_one()))


def _state(reg: Registry, notice: str) -> OutboxState:
    with reg.engine.connect() as c:
        return outbox_store.outbox_state(c, notice)


def test_the_cli_requeues_a_dead_notice_which_is_then_delivered(
    demo: Registry, down: Receiver
) -> None:
    notice, pending = _dead_notice(demo, down)

    def requeue(target: str, by: str, reason: str = WHY) -> object:
        return demo.cli("notices", "requeue", target, "--by", by, "--reason", reason, "--json")

    committee = demo.cli("notices", "requeue", notice, "--by", "ptac-chair", "--reason", WHY)
    assert committee.exit_code == 1 and "may not notice requeue" in committee.stderr
    other_desk = demo.cli("notices", "requeue", notice, "--by", "moi-operator", "--reason", WHY)
    assert other_desk.exit_code == 1 and "may not notice requeue" in other_desk.stderr
    empty = demo.cli("notices", "requeue", notice, "--by", "ssu-operator", "--reason", "  ")
    assert empty.exit_code == 2 and empty.stderr.startswith("error: reason: ")
    waiting = demo.cli("notices", "requeue", pending, "--by", "ssu-operator", "--reason", WHY)
    assert waiting.exit_code == 1 and "only a dead notice" in waiting.stderr
    assert _state(demo, notice).state == "dead"

    done = demo.cli("notices", "requeue", notice, "--by", "ssu-operator", "--reason", WHY, "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout) == {
        "notice": notice,
        "state": "pending",
        "attempts": 0,
        "due": "2026-01-27T10:00:00Z",
    }
    entry = _last_entry(demo)
    assert entry["kind"] == "notice.requeued" and entry["actor"] == "ssu-operator"
    assert entry["payload"] == {"notice": notice, "outcome": "requeued", "reason": WHY}
    verified = demo.cli("ledger", "verify")
    assert verified.exit_code == 0, verified.stderr

    down.default = 200
    assert deliver_due(demo.engine, demo.clock, "worker-1", None).counts["delivered"] == 1
    assert [r.status for r in down.received] == [503, 200]
    assert _state(demo, notice).state == "delivered"
    assert demo.cli("ledger", "verify").exit_code == 0


def test_the_api_requeues_for_an_admin_or_a_covering_desk_and_403s_everyone_else(
    api: Api, down: Receiver
) -> None:
    notice, _ = _dead_notice(api.reg, down)
    body = {"reason": WHY}
    for role in ("committee", "auditor", "intelligence", "protectee", "liaison"):
        for target in (notice, "n-missing"):
            response = api.call("POST", f"/api/v1/notices/{target}/requeue", role, json=body)
            assert response.status_code == 403, (role, target, response.text)
            assert response.json()["error"]["code"] == "FORBIDDEN"
    for role in ("operator", "approver"):  # a desk of the covering provider, but no such notice
        response = api.call("POST", "/api/v1/notices/n-missing/requeue", role, json=body)
        assert response.status_code == 403, (role, response.text)
    assert (
        api.call("POST", "/api/v1/notices/n-missing/requeue", "admin", json=body).status_code == 404
    )
    assert _state(api.reg, notice).state == "dead"

    done = api.call("POST", f"/api/v1/notices/{notice}/requeue", "approver", json=body)
    assert done.status_code == 200, done.text
    assert done.json() == {
        "notice": notice,
        "state": "pending",
        "attempts": 0,
        "next_attempt_at": "2026-01-27T10:00:00Z",
        "requeued_by": "ssu-chief",
        "reason": WHY,
    }
    again = api.call("POST", f"/api/v1/notices/{notice}/requeue", "admin", json=body)
    assert again.status_code == 409  # allowed, but it is no longer dead
    blank = api.call("POST", f"/api/v1/notices/{notice}/requeue", "admin", json={"reason": ""})
    assert blank.status_code == 422
    entry = _last_entry(api.reg)
    assert entry["kind"] == "notice.requeued" and entry["actor"] == "ssu-chief"
    verified = api.reg.cli("ledger", "verify")
    assert verified.exit_code == 0, verified.stderr


def test_a_desk_sends_a_dead_notice_again_from_the_protectee_page(api: Api, down: Receiver) -> None:
    from tests.integration.test_web_pages import _signed_in

    notice, _ = _dead_notice(api.reg, down)
    csrf = _signed_in(api, "auditor")  # may read the notices, may not requeue them
    page = api.client.get("/protectees/farooq-sattar")
    assert "Not delivered" in page.text and "Send again" not in page.text
    refused = api.client.post(
        f"/notices/{notice}/requeue", data={"csrf_token": csrf, "reason": WHY}
    )
    assert refused.status_code == 403 and _state(api.reg, notice).state == "dead"

    csrf = _signed_in(api, "ssu-operator")
    page = api.client.get("/protectees/farooq-sattar")
    assert "Send again" in page.text
    sent = api.client.post(
        f"/notices/{notice}/requeue",
        data={"csrf_token": csrf, "reason": WHY},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    assert _state(api.reg, notice).state == "pending"
    entry = _last_entry(api.reg)
    assert entry["kind"] == "notice.requeued" and entry["actor"] == "ssu-operator"
