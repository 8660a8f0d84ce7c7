"""Operators can run delivery (issue 20, finding 7): the worker refuses to start without a
transport it can use (or says it runs webhooks only), logs a line per claim, send, failure
with its reason, retry and dead letter; `notices dead` lists dead letters; `channels list` and
`channels remove`; and a claim is small, so two workers each deliver a share."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator

import pytest

from hifazat.cli.delivery import deliver_due
from hifazat.services.delivery import BATCH
from hifazat.store import outbox_store
from tests.conftest import Registry
from tests.integration.test_notify_support import (
    Receiver,
    add_channel,
    allow_loopback,
    decide_now,
    http_receiver,
    notice_ids,
)


@pytest.fixture(autouse=True)
def _loopback_receivers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    allow_loopback(monkeypatch)
    monkeypatch.delenv("HIFAZAT_SMTP_HOST", raising=False)
    yield


def _admin(reg: Registry) -> None:
    made = reg.cli("users", "add", "registrar", "--name", "Registrar", "--role", "admin")
    assert made.exit_code == 0, made.output


def test_the_worker_refuses_to_start_without_email_unless_told_webhooks_only(
    demo: Registry,
) -> None:
    refused = demo.cli("worker", "--once")
    assert refused.exit_code == 2
    assert refused.stderr.startswith("error: HIFAZAT_SMTP_HOST: not set")
    assert "--webhooks-only" in refused.stderr

    ran = demo.cli("worker", "--once", "--webhooks-only")
    assert ran.exit_code == 0, ran.output
    assert "webhooks only" in ran.stderr


def test_the_worker_logs_each_claim_send_failure_and_retry_without_bodies(
    demo: Registry,
) -> None:
    with http_receiver(default=503) as down:
        add_channel(demo, "mqm-liaison", "user", "webhook", down.url + "/liaison")
        notice = notice_ids(demo, decide_now(demo))["mqm-liaison"]
        ran = demo.cli("worker", "--once", "--webhooks-only", "--batch", "5")

    assert ran.exit_code == 0, ran.output
    log = ran.stderr
    assert f"notice claimed notice={notice}" in log
    assert f"notice send failed notice={notice}" in log and "reason='webhook: HTTP 503'" in log
    assert f"notice retry notice={notice} rounds=1 next=2026-01-27T10:00:30Z" in log
    assert "notice has no channel" in log  # the protectee's, with none registered
    assert "Sindh High Court" not in log and down.url not in log  # no body, no address


def test_dead_letters_are_logged_listed_and_named_with_their_error(
    demo: Registry, caplog: pytest.LogCaptureFixture
) -> None:
    with http_receiver(default=503) as down:
        add_channel(demo, "mqm-liaison", "user", "webhook", down.url + "/liaison")
        notice = notice_ids(demo, decide_now(demo))["mqm-liaison"]
        with caplog.at_level(logging.INFO, logger="hifazat.notify"):
            deliver_due(demo.engine, demo.clock, "w", None, max_attempts=1)

    assert any(
        r.levelno == logging.ERROR and r.getMessage().startswith(f"notice dead notice={notice}")
        for r in caplog.records
    )
    dead = demo.cli("notices", "dead", "--json")
    assert dead.exit_code == 0, dead.output
    (letter,) = json.loads(dead.stdout)
    assert (letter["notice"], letter["recipient"], letter["rounds"]) == (notice, "mqm-liaison", 1)
    assert letter["last_error"].endswith("webhook: HTTP 503")
    text = demo.cli("notices", "dead").stdout
    assert notice in text and "dead after 1 rounds" in text


def test_channels_are_listed_and_removed_by_an_admin_or_their_owner(demo: Registry) -> None:
    _admin(demo)
    with http_receiver() as receiver:
        added = demo.cli(
            "channels", "add", "mqm-liaison", "--kind", "webhook", "--address",
            receiver.url + "/liaison", "--by", "registrar",
        )  # fmt: skip
        channel, secret = added.stdout.split(":")[0], added.stdout.split("once): ")[1].strip()
        listed = json.loads(demo.cli("channels", "list", "mqm-liaison", "--json").stdout)
        assert [(c["channel"], c["kind"]) for c in listed] == [(channel, "webhook")]
        assert secret not in demo.cli("channels", "list").stdout

        other = demo.cli("channels", "remove", channel, "--by", "ssu-chief")
        assert other.exit_code == 2 and other.stderr.startswith("error: R-AUTHORITY: ")
        removed = demo.cli("channels", "remove", channel, "--by", "mqm-liaison")
        assert removed.exit_code == 0, removed.output
        assert json.loads(demo.cli("channels", "list", "--json").stdout) == []
        again = demo.cli("channels", "remove", channel, "--by", "registrar")
        assert again.exit_code == 1 and "channel" in again.stderr

        notice = notice_ids(demo, decide_now(demo))["mqm-liaison"]
        run = deliver_due(demo.engine, demo.clock, "w", None)
        assert receiver.accepted() == [] and run.counts["no_channel"] >= 1
    flags = json.loads(demo.cli("flags", "--json").stdout)
    assert notice in {f["subject"] for f in flags if f["rule"] == "NOTICE-UNDELIVERABLE"}


def test_two_workers_each_deliver_a_share(demo: Registry) -> None:
    """The first worker is held on its first send while the second runs a pass: with a small
    claim the second finds notices left to deliver (with one claim of fifty it found none)."""
    first_send = threading.Event()
    release = threading.Event()
    with http_receiver() as receiver:
        holding = _hold_first(receiver, first_send, release)
        for owner, kind in (("farooq-sattar", "protectee"), ("anis-kaimkhani", "protectee"),
                            ("mqm-liaison", "user")):  # fmt: skip
            add_channel(demo, owner, kind, "webhook", f"{receiver.url}/{owner}")
        decide_now(demo)
        decide_now(demo, protectee="anis-kaimkhani")  # four notices in all
        runs: dict[str, int] = {}

        def first() -> None:
            runs["a"] = deliver_due(demo.engine, demo.clock, "worker-a", None).counts["delivered"]

        a = threading.Thread(target=first)
        a.start()
        try:
            assert first_send.wait(30), "the first worker never sent"
            runs["b"] = deliver_due(demo.engine, demo.clock, "worker-b", None).counts["delivered"]
        finally:
            release.set()
            a.join(30)
        assert holding

    assert runs["a"] == BATCH and runs["b"] == BATCH and BATCH < 4
    with demo.engine.connect() as c:
        left = outbox_store.claim_due(c, "worker-c", demo.clock(), 50)
    assert left == []


def _hold_first(receiver: Receiver, sent: threading.Event, release: threading.Event) -> bool:
    """Makes the receiver's first answer wait until `release` (every later one is at once)."""
    answer = receiver.answer
    held = {"done": False}

    def holding(path: str, headers: dict[str, str], body: bytes) -> int:
        if not held["done"]:
            held["done"] = True
            sent.set()
            release.wait(30)
        return answer(path, headers, body)

    receiver.answer = holding  # type: ignore[method-assign]
    return True
