"""Every change that touches a person is told (issue 20, finding 5): a rescission, an appeal
lodged and its ruling, an emergency decision and its ratification, each a notice to the
protectee and each consenting liaison that names the notice it amends."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hifazat.cli.delivery import deliver_due
from tests.conftest import Registry
from tests.integration.test_notify_support import (
    add_channel,
    allow_loopback,
    decide_now,
    http_receiver,
)

WHY = "Redeployment cancelled: the personnel stay with the detail"
GROUNDS = "The threat against me has not lessened since the last assessment"
RULING = "The committee finds the reassessment was not made; the cover stays"


@pytest.fixture(autouse=True)
def _loopback_receivers(monkeypatch: pytest.MonkeyPatch) -> None:
    allow_loopback(monkeypatch)


def _ok(reg: Registry, *args: str) -> Any:
    result = reg.cli(*args)
    assert result.exit_code == 0, (args, result.output)
    return result


def _told(reg: Registry, protectee: str) -> list[dict[str, Any]]:
    return list(json.loads(_ok(reg, "notices", protectee, "--json").stdout))


def test_a_rescission_after_a_delivered_notice_is_told_to_everyone_told_first(
    demo: Registry,
) -> None:
    with http_receiver() as receiver:
        add_channel(demo, "farooq-sattar", "protectee", "webhook", receiver.url + "/protectee")
        add_channel(demo, "mqm-liaison", "user", "webhook", receiver.url + "/liaison")
        decision = decide_now(demo)
        assert deliver_due(demo.engine, demo.clock, "w", None).counts["delivered"] == 2
        first = {n["recipient"]: n["notice"] for n in _told(demo, "farooq-sattar")}

        demo.clock.advance(hours=1)
        _ok(demo, "rescind", decision, "--by", "ssu-chief", "--reason", WHY)
        run = deliver_due(demo.engine, demo.clock, "w", None)

        assert run.counts["delivered"] == 2
        rescinded = [n for n in _told(demo, "farooq-sattar") if n["subject"] == "rescission"]
        assert {n["recipient"] for n in rescinded} == {"farooq-sattar", "mqm-liaison"}
        for n in rescinded:
            assert n["amends"] == first[n["recipient"]]
            assert n["rescind_reason"] == WHY
        sent = [json.loads(r.body) for r in receiver.accepted()]
        later = [s for s in sent if s["subject"] == "rescission"]
        assert sorted(s["body"]["amends"] for s in later) == sorted(first.values())


def test_an_appeal_lodged_and_its_ruling_are_told_each_amending_the_last(
    demo: Registry,
) -> None:
    decision = decide_now(demo)
    appeal = json.loads(
        _ok(demo, "appeal", "lodge", decision, "--by", "mqm-liaison", "--grounds", GROUNDS,
            "--json").stdout
    )["appeal"]  # fmt: skip
    _ok(demo, "appeal", "decide", appeal, "--outcome", "overturned", "--reason", RULING,
        "--by", "ptac-chair")  # fmt: skip

    told = _told(demo, "farooq-sattar")
    by_subject: dict[str, dict[str, dict[str, Any]]] = {}
    for n in told:
        if n["decision"] == decision:
            by_subject.setdefault(n["subject"], {})[n["recipient"]] = n
    assert set(by_subject) == {"decision", "appeal-lodged", "appeal"}
    for recipient in ("farooq-sattar", "mqm-liaison"):
        lodged = by_subject["appeal-lodged"][recipient]
        ruling = by_subject["appeal"][recipient]
        assert lodged["amends"] == by_subject["decision"][recipient]["notice"]
        assert lodged["grounds"] == GROUNDS
        assert ruling["amends"] == lodged["notice"]
        assert ruling["appeal_reason"] == RULING


def test_an_emergency_and_its_ratification_are_told(demo: Registry) -> None:
    decided = json.loads(
        _ok(demo, "decide", "suspend", "--protectee", "ali-khorshidi", "--provider",
            "sindh-police", "--reason-code", "misconduct", "--reason", RULING, "--emergency",
            "--by", "ssu-operator", "--json").stdout
    )["decision"]  # fmt: skip
    _ok(demo, "approve", decided, "--by", "ptac-chair")
    _ok(demo, "ratify", decided, "--by", "ptac-chair", "--reason", RULING, "--refuse")

    told = _told(demo, "ali-khorshidi")
    emergency = {n["recipient"]: n for n in told if n["subject"] == "decision"
                 and n["decision"] == decided}  # fmt: skip
    ratified = {n["recipient"]: n for n in told if n["subject"] == "ratification"}
    restored = [n for n in told if n["subject"] == "decision" and n["decision"] != decided]
    assert set(emergency) == set(ratified) == {"ali-khorshidi", "mqm-liaison"}
    assert all(n["emergency"] for n in emergency.values())
    for recipient, n in ratified.items():
        assert n["amends"] == emergency[recipient]["notice"]
        assert n["ratification_reason"] == RULING
    assert {n["recipient"] for n in restored} == {"ali-khorshidi", "mqm-liaison"}
    # the cover restored is told as amending what was told of the emergency it undoes
    for n in restored:
        assert n["amends"] == emergency[n["recipient"]]["notice"]
