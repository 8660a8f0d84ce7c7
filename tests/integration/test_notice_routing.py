"""Routing (issue 20, finding 6): a protectee's notices go to the channels of the protectee
record and of every login of theirs, so adding a login drops nothing; a notice nothing can
deliver is a NOTICE-UNDELIVERABLE flag, not a silent wait."""

from __future__ import annotations

import json

import pytest

from hifazat.cli.delivery import deliver_due
from tests.conftest import Registry
from tests.integration.test_notify_support import (
    add_channel,
    allow_loopback,
    decide_now,
    http_receiver,
    notice_ids,
)


@pytest.fixture(autouse=True)
def _loopback_receivers(monkeypatch: pytest.MonkeyPatch) -> None:
    allow_loopback(monkeypatch)


def _admin_and_login(
    reg: Registry,
    login: str = "farooq",
    name: str = "Farooq Sattar",
    protectee: str = "farooq-sattar",
) -> None:
    made = reg.cli("users", "add", "registrar", "--name", "Registrar", "--role", "admin")
    assert made.exit_code == 0, made.output
    added = reg.cli(
        "users", "add", login, "--name", name, "--protectee", protectee, "--by", "registrar"
    )  # fmt: skip
    assert added.exit_code == 0, added.output


def test_adding_a_login_keeps_the_protectee_records_channels(demo: Registry) -> None:
    with http_receiver() as receiver:
        add_channel(demo, "farooq-sattar", "protectee", "webhook", receiver.url + "/record")
        _admin_and_login(demo)
        add_channel(demo, "farooq", "user", "webhook", receiver.url + "/login")

        decision = decide_now(demo)
        ids = notice_ids(demo, decision)
        run = deliver_due(demo.engine, demo.clock, "worker-1", None)

        # one notice for the protectee, on the record's channel and the login's
        assert set(ids) == {"farooq-sattar", "mqm-liaison"}
        assert run.counts["delivered"] == 1 and run.counts["sent"] == 2
        paths = sorted(r.path for r in receiver.accepted())
        assert paths == ["/login", "/record"]
        for r in receiver.accepted():
            assert json.loads(r.body)["notice"] == ids["farooq-sattar"]


def test_a_notice_with_nowhere_to_go_is_a_flag_until_a_channel_takes_it(demo: Registry) -> None:
    decision = decide_now(demo)
    ids = notice_ids(demo, decision)

    flags = demo.cli("flags", "--json")
    assert flags.exit_code == 0, flags.output
    undeliverable = [f for f in json.loads(flags.stdout) if f["rule"] == "NOTICE-UNDELIVERABLE"]
    assert sorted(f["subject"] for f in undeliverable) == sorted(ids.values())
    assert all(f["protectee"] == "farooq-sattar" for f in undeliverable)
    assert all(f["provider"] == "sindh-police" for f in undeliverable)
    assert "no channel is registered" in undeliverable[0]["detail"]
    status = demo.cli("status", "farooq-sattar", "--json")
    assert "NOTICE-UNDELIVERABLE" in status.stdout

    with http_receiver() as receiver, http_receiver(default=503) as down:
        add_channel(demo, "farooq-sattar", "protectee", "webhook", receiver.url + "/record")
        add_channel(demo, "mqm-liaison", "user", "webhook", down.url + "/liaison")
        assert _undeliverable(demo) == []
        run = deliver_due(demo.engine, demo.clock, "worker-1", None, max_attempts=1)
        assert (run.counts["delivered"], run.counts["dead"]) == (1, 1)

    (dead,) = _undeliverable(demo)
    assert dead["subject"] == ids["mqm-liaison"]
    assert "went dead" in dead["detail"] and "503" not in dead["detail"]


def _undeliverable(reg: Registry) -> list[dict[str, str]]:
    found = json.loads(reg.cli("flags", "--json").stdout)
    return [f for f in found if f["rule"] == "NOTICE-UNDELIVERABLE"]


def test_another_protectees_login_with_a_channel_does_not_serve_this_ones_notice(
    demo: Registry,
) -> None:
    """The check once joined `notices` again inside its subquery, so any login of any
    protectee with notices counted as this protectee's: one channel anywhere hid every flag."""
    farooq = notice_ids(demo, decide_now(demo, protectee="farooq-sattar"))
    kamal = notice_ids(demo, decide_now(demo, protectee="mustafa-kamal"))
    _admin_and_login(demo, "kamal", "Mustafa Kamal", "mustafa-kamal")
    with http_receiver() as receiver:
        add_channel(demo, "kamal", "user", "webhook", receiver.url + "/kamal")
        owed = {f["subject"] for f in _undeliverable(demo)}
        status = json.loads(demo.cli("status", "farooq-sattar", "--json").stdout)
    assert farooq["farooq-sattar"] in owed and kamal["mustafa-kamal"] not in owed
    assert farooq["farooq-sattar"] in {f["subject"] for f in status["flags"]}
