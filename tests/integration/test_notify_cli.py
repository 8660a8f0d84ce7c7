"""`hifazat channels add` and `hifazat worker --once`, end to end through the command line."""

from __future__ import annotations

import json

import pytest

from hifazat.notify.signature import verify_signature
from tests.conftest import Registry
from tests.integration.test_notify_support import allow_loopback, http_receiver


@pytest.fixture(autouse=True)
def _loopback_receivers(monkeypatch: pytest.MonkeyPatch) -> None:
    allow_loopback(monkeypatch)


REASON = "Sindh High Court ordered a review of provincial security details"


def test_channel_then_worker_delivers_a_signed_notice(demo: Registry) -> None:
    assert (
        demo.cli("users", "add", "registrar", "--name", "Registrar", "--role", "admin").exit_code
        == 0
    )
    with http_receiver() as receiver:
        denied = demo.cli(
            "channels",
            "add",
            "mqm-liaison",
            "--kind",
            "webhook",
            "--address",
            f"{receiver.url}/hook",
            "--by",
            "ssu-chief",
        )
        assert denied.exit_code == 2 and denied.stderr.startswith("error: R-AUTHORITY: ")
        bad = demo.cli(
            "channels",
            "add",
            "mqm-liaison",
            "--kind",
            "pigeon",
            "--address",
            "x",
            "--by",
            "registrar",
        )
        assert bad.exit_code == 2 and "kind" in bad.stderr
        added = demo.cli(
            "channels",
            "add",
            "mqm-liaison",
            "--kind",
            "webhook",
            "--address",
            f"{receiver.url}/hook",
            "--by",
            "registrar",
        )
        assert added.exit_code == 0, added.output
        secret = added.stdout.split("shown once): ")[1].strip()

        decision = demo.cli(
            "decide",
            "withdraw",
            "--protectee",
            "farooq-sattar",
            "--provider",
            "sindh-police",
            "--reason-code",
            "court-order",
            "--reason",
            REASON,
            "--by",
            "ssu-operator",
        ).stdout.strip()
        assert demo.cli("approve", decision, "--by", "ssu-chief").exit_code == 0
        ran = demo.cli("worker", "--once", "--webhooks-only")
        assert ran.exit_code == 0, ran.output
        [got] = receiver.accepted("/hook")
        assert REASON in got.body.decode()
        headers = {k.lower(): v for k, v in got.headers.items()}
        assert verify_signature(
            secret,
            headers["x-hifazat-timestamp"],
            got.body,
            headers["x-hifazat-signature"],
            demo.clock(),
        )
    told = json.loads(demo.cli("notices", "farooq-sattar", "--json").stdout)
    states = {n["recipient"]: n["state"] for n in told}
    assert states["mqm-liaison"] == "delivered"
