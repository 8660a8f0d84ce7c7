"""Signed webhooks to a real HTTP receiver on this host: the signature, retries with back-off
on an injected clock (never slept on), and giving up."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from hifazat.cli.delivery import deliver_due
from hifazat.notify import verify_signature
from hifazat.services.notices import notices_of
from hifazat.store import outbox_store
from tests.conftest import Registry
from tests.integration.test_notify_support import (
    REASON,
    add_channel,
    allow_loopback,
    decide_now,
    http_receiver,
    notice_ids,
)


@pytest.fixture(autouse=True)
def _loopback_receivers(monkeypatch: pytest.MonkeyPatch) -> None:
    allow_loopback(monkeypatch)


def test_the_webhook_is_signed_and_a_forgery_or_replay_fails(demo: Registry) -> None:
    with http_receiver() as receiver:
        channel = add_channel(demo, "mqm-liaison", "user", "webhook", receiver.url + "/liaison")
        decision = decide_now(demo)
        run = deliver_due(demo.engine, demo.clock, "worker-1", None)
    assert run.counts["delivered"] == 1 and run.counts["no_channel"] == 1
    (hook,) = receiver.received
    assert channel.secret and channel.secret not in repr(channel)
    stamp, signature = hook.headers["X-Hifazat-Timestamp"], hook.headers["X-Hifazat-Signature"]
    assert stamp == str(int(demo.clock().timestamp())) and signature.startswith("sha256=")
    document = json.loads(hook.body)
    assert document["notice"] == hook.headers["X-Hifazat-Notice"]
    assert document["notice"] == notice_ids(demo, decision)["mqm-liaison"]
    assert document["body"]["reason"] == REASON
    assert document["body"]["decision"] == decision

    now = demo.clock()
    assert verify_signature(channel.secret, stamp, hook.body, signature, now)
    tampered = hook.body.replace(b"withdraw", b"upgrade!")
    assert tampered != hook.body
    assert not verify_signature(channel.secret, stamp, tampered, signature, now)
    assert not verify_signature(channel.secret, str(int(stamp) + 1), hook.body, signature, now)
    assert not verify_signature("another secret", stamp, hook.body, signature, now)
    stale = now + timedelta(seconds=301)
    assert not verify_signature(channel.secret, stamp, hook.body, signature, stale)
    assert verify_signature(channel.secret, stamp, hook.body, signature, stale, tolerance=600)


def test_a_receiver_failing_twice_gets_the_notice_once_after_back_off(demo: Registry) -> None:
    with http_receiver() as receiver:
        receiver.queued["/liaison"] = [500, 500]
        add_channel(demo, "mqm-liaison", "user", "webhook", receiver.url + "/liaison")
        notice = notice_ids(demo, decide_now(demo))["mqm-liaison"]
        start = demo.clock()

        def attempt() -> int:
            return deliver_due(demo.engine, demo.clock, "worker-1", None).counts["sent"]

        assert attempt() == 0  # 500: retry in 30 s
        demo.clock.advance(seconds=29)
        assert attempt() == 0 and len(receiver.received) == 1  # not yet due
        demo.clock.advance(seconds=1)
        assert attempt() == 0  # 500 again: retry in 60 s
        demo.clock.advance(seconds=60)
        assert attempt() == 1
        demo.clock.advance(hours=2)
        assert attempt() == 0

    assert [r.status for r in receiver.received] == [500, 500, 200]
    assert len(receiver.accepted()) == 1
    assert {r.headers["X-Hifazat-Notice"] for r in receiver.received} == {notice}
    with demo.engine.connect() as c:
        tries = outbox_store.deliveries_of(c, notice)
        state = outbox_store.outbox_state(c, notice)
    assert [(d.ok, d.at - start) for d in tries] == [
        (False, timedelta(0)),
        (False, timedelta(seconds=30)),
        (True, timedelta(seconds=90)),
    ]
    assert tries[0].detail == "webhook: HTTP 500"
    assert (state.state, state.attempts, state.last_error) == ("delivered", 3, None)


def test_after_the_last_attempt_the_notice_is_dead(demo: Registry) -> None:
    with http_receiver(default=503) as receiver:
        channel = add_channel(demo, "mqm-liaison", "user", "webhook", receiver.url + "/down")
        notice = notice_ids(demo, decide_now(demo))["mqm-liaison"]
        waits = []
        for _ in range(8):
            run = deliver_due(demo.engine, demo.clock, "worker-1", None)
            assert run.counts["failed"] == 1
            with demo.engine.connect() as c:
                state = outbox_store.outbox_state(c, notice)
            if state.next_attempt_at is not None:
                waits.append(int((state.next_attempt_at - demo.clock()).total_seconds()))
                demo.clock.set(state.next_attempt_at)
        assert run.counts["dead"] == 1
        demo.clock.advance(days=1)
        assert deliver_due(demo.engine, demo.clock, "worker-1", None).counts["claimed"] == 1
        # the other claim is the protectee's own notice, which has no channel
        assert len(receiver.received) == 8

    assert waits == [30, 60, 120, 240, 480, 960, 1920]
    assert (state.state, state.attempts) == ("dead", 8)
    assert state.last_error == f"{channel.id}: webhook: HTTP 503"
    with demo.engine.connect() as c:
        assert [d.ok for d in outbox_store.deliveries_of(c, notice)] == [False] * 8
    told = {n.id: n.state for n, _ in notices_of(demo.uow(), "farooq-sattar")}
    assert told[notice] == "dead"


def test_a_channel_that_took_the_notice_is_never_sent_it_again(demo: Registry) -> None:
    with http_receiver(default=503) as receiver:
        receiver.queued["/ok"] = [200]
        add_channel(demo, "mqm-liaison", "user", "webhook", receiver.url + "/ok")
        down = add_channel(demo, "mqm-liaison", "user", "webhook", receiver.url + "/down")
        notice = notice_ids(demo, decide_now(demo))["mqm-liaison"]
        first = demo.clock()
        for _ in range(8):
            run = deliver_due(demo.engine, demo.clock, "worker-1", None)
            demo.clock.advance(hours=1)
        assert run.counts["delivered"] == 1

    assert [r.path for r in receiver.accepted()] == ["/ok"]
    assert [r.path for r in receiver.received].count("/ok") == 1
    assert [r.path for r in receiver.received].count("/down") == 8
    with demo.engine.connect() as c:
        state = outbox_store.outbox_state(c, notice)
    # reached on one channel: told, so delivered (not dead), with the other's failure kept
    assert (state.state, state.attempts, state.delivered_at) == ("delivered", 8, first)
    assert state.last_error == f"{down.id}: webhook: HTTP 503"
