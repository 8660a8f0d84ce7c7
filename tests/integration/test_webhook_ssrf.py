"""Webhooks go to public addresses only: loopback, private, link-local (cloud metadata) and the
like are refused when the channel is added and again, resolved afresh, at every send, unless the
deployment allows a range (HIFAZAT_WEBHOOK_ALLOW). Real local receivers; no network beyond."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
from sqlalchemy import func, select

from hifazat.cli.delivery import deliver_due
from hifazat.store import outbox_store
from hifazat.store import tables as t
from tests.conftest import Registry
from tests.integration.test_notify_support import (
    add_channel,
    decide_now,
    http_receiver,
    notice_ids,
)

ALLOW = "HIFAZAT_WEBHOOK_ALLOW"
METADATA = "http://169.254.169.254/latest/meta-data/"


def _deliver_until_done(reg: Registry, rounds: int = 2) -> None:
    for _ in range(rounds):
        deliver_due(reg.engine, reg.clock, "worker-1", None, max_attempts=rounds)
        reg.clock.advance(minutes=5)


def _url(receiver_url: str, host: str) -> str:
    return receiver_url.replace("127.0.0.1", host) + "/hook"


@pytest.mark.parametrize(
    ("host", "why"),
    [
        ("127.0.0.1", "127.0.0.1 is a loopback address"),
        ("localhost", "localhost resolves to "),
        ("169.254.169.254", "169.254.169.254 is a link-local address"),
    ],
)
def test_a_webhook_to_a_non_public_address_is_not_sent_and_dies(
    demo: Registry, monkeypatch: pytest.MonkeyPatch, host: str, why: str
) -> None:
    monkeypatch.delenv(ALLOW, raising=False)
    with http_receiver() as receiver:
        url = METADATA if host.startswith("169.") else _url(receiver.url, host)
        channel = add_channel(demo, "mqm-liaison", "user", "webhook", url)
        notice = notice_ids(demo, decide_now(demo))["mqm-liaison"]
        _deliver_until_done(demo)
    assert receiver.received == []
    with demo.engine.connect() as c:
        tries = outbox_store.deliveries_of(c, notice)
        state = outbox_store.outbox_state(c, notice)
    assert [d.ok for d in tries] == [False, False]
    assert all(d.detail.startswith("webhook: not sent: ") for d in tries), tries[0].detail
    assert why in tries[0].detail and ALLOW in tries[0].detail
    assert state.state == "dead" and state.last_error is not None
    assert state.last_error.startswith(f"{channel.id}: webhook: not sent: ")
    verified = demo.cli("ledger", "verify")
    assert verified.exit_code == 0, verified.stderr


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_an_allowed_range_is_delivered_to(
    demo: Registry, monkeypatch: pytest.MonkeyPatch, host: str
) -> None:
    monkeypatch.setenv(ALLOW, "127.0.0.0/8, ::1/128")
    with http_receiver() as receiver:
        url = _url(receiver.url, host)
        add_channel(demo, "mqm-liaison", "user", "webhook", url)
        notice = notice_ids(demo, decide_now(demo))["mqm-liaison"]
        run = deliver_due(demo.engine, demo.clock, "worker-1", None)
    assert run.counts["delivered"] == 1
    [got] = receiver.accepted("/hook")
    assert got.headers["X-Hifazat-Notice"] == notice
    assert got.headers["Host"] == url.split("/")[2]  # the name the owner registered


def test_allowing_loopback_does_not_allow_the_metadata_address(
    demo: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ALLOW, "127.0.0.0/8")
    add_channel(demo, "mqm-liaison", "user", "webhook", METADATA)
    notice = notice_ids(demo, decide_now(demo))["mqm-liaison"]
    deliver_due(demo.engine, demo.clock, "worker-1", None)
    with demo.engine.connect() as c:
        [attempt] = outbox_store.deliveries_of(c, notice)
    assert not attempt.ok and "link-local" in attempt.detail


def test_a_name_that_resolves_elsewhere_at_send_time_is_refused_then(
    demo: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: public when the channel is added, loopback when the notice is sent."""
    monkeypatch.delenv(ALLOW, raising=False)
    real = socket.getaddrinfo
    answers = {"hooks.example.org": "93.184.215.14"}

    def resolver(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in answers:
            return real(answers[host], port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    assert demo.cli("users", "add", "registrar", "--name", "R", "--role", "admin").exit_code == 0
    with http_receiver() as receiver:
        port = receiver.url.rsplit(":", 1)[1]
        added = demo.cli(
            "channels",
            "add",
            "mqm-liaison",
            "--kind",
            "webhook",
            "--address",
            f"http://hooks.example.org:{port}/hook",
            "--by",
            "registrar",
        )
        assert added.exit_code == 0, added.output
        answers["hooks.example.org"] = "127.0.0.1"
        notice = notice_ids(demo, decide_now(demo))["mqm-liaison"]
        deliver_due(demo.engine, demo.clock, "worker-1", None)
    assert receiver.received == []
    with demo.engine.connect() as c:
        [attempt] = outbox_store.deliveries_of(c, notice)
    assert "hooks.example.org resolves to 127.0.0.1" in attempt.detail


@pytest.mark.parametrize(
    ("address", "named"),
    [
        ("http://127.0.0.1:8080/hook", "127.0.0.1 is a loopback address"),
        ("http://localhost/hook", "localhost resolves to "),
        (METADATA, "169.254.169.254 is a link-local address"),
        ("http://10.1.2.3/hook", "10.1.2.3 is a private address"),
        ("http://0.0.0.0/hook", "0.0.0.0 is the unspecified address"),
        ("http://[::1]/hook", "::1 is a loopback address"),
        ("http://[fd00::1]/hook", "fd00::1 is a private address"),
        ("http://[::ffff:127.0.0.1]/hook", "carries 127.0.0.1, a loopback address"),
        ("https://100.64.0.1/hook", "100.64.0.1 is not a public address"),
    ],
)
def test_channels_add_refuses_a_non_public_webhook(
    demo: Registry, monkeypatch: pytest.MonkeyPatch, address: str, named: str
) -> None:
    monkeypatch.delenv(ALLOW, raising=False)
    assert demo.cli("users", "add", "registrar", "--name", "R", "--role", "admin").exit_code == 0
    args = ["channels", "add", "mqm-liaison", "--kind", "webhook", "--address", address]
    refused = demo.cli(*args, "--by", "registrar")
    assert refused.exit_code == 2, refused.output
    assert refused.stderr.startswith("error: address: ") and named in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    with demo.engine.connect() as c:
        assert c.execute(select(func.count()).select_from(t.notice_channels)).scalar() == 0


def test_channels_add_accepts_an_allowed_range_and_refuses_a_bad_setting(
    demo: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert demo.cli("users", "add", "registrar", "--name", "R", "--role", "admin").exit_code == 0
    args = ["channels", "add", "mqm-liaison", "--kind", "webhook", "--address"]
    monkeypatch.setenv(ALLOW, "127.0.0.0/8")
    added = demo.cli(*args, "http://127.0.0.1:8080/hook", "--by", "registrar")
    assert added.exit_code == 0, added.output
    monkeypatch.setenv(ALLOW, "loopback please")
    bad = demo.cli(*args, "http://127.0.0.1:8080/hook", "--by", "registrar")
    assert bad.exit_code == 2 and bad.stderr.startswith(f"error: {ALLOW}: ")
    worker = demo.cli("worker", "--once")
    assert worker.exit_code == 2 and worker.stderr.startswith(f"error: {ALLOW}: ")
    listed = json.loads(demo.cli("notices", "farooq-sattar", "--json").stdout)
    assert listed == []
