"""Delivering the outbox over the in-memory unit of work, through a stub sender: rounds,
back-off, giving up, waiting for a channel, and claims that fence a worker off."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from hifazat.domain.decision import Action
from hifazat.domain.outbox import (
    BACKOFF_CAP,
    LEASE,
    MAX_ATTEMPTS,
    ChannelRecord,
    ClaimedNotice,
    DeliveryFailed,
)
from hifazat.services import channels, decide, delivery
from hifazat.services.decide import Proposal
from hifazat.services.delivery import DeliveryRun
from tests.fakes import FakeStore
from tests.unit.services.conftest import NOW, REASON

PROTECTEE, LIAISON = "farooq-sattar", "mqm-liaison"


class Ticking:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


class Stub:
    """The sender port: takes every notice except on `failing` channels; `crash` raises
    something no transport should."""

    timeout = 10.0

    def __init__(self, failing: set[str] | None = None, crash: bool = False) -> None:
        self.failing = failing or set()
        self.crash = crash
        self.sent: list[tuple[str, str]] = []
        self.during_send: list[object] = []

    def send(self, channel: ChannelRecord, notice: ClaimedNotice, now: datetime) -> str:
        for hook in self.during_send:
            assert callable(hook)
            hook()
        if self.crash:
            raise RuntimeError("secret in a message")
        if channel.id in self.failing:
            raise DeliveryFailed(f"{channel.kind}: refused")
        self.sent.append((notice.id, channel.id))
        return "taken"


@pytest.fixture
def ticking() -> Ticking:
    return Ticking()


def decided(store: FakeStore, clock: Ticking) -> dict[str, str]:
    """A withdrawal approved now: its notices by recipient."""
    proposal = Proposal(
        Action.WITHDRAW, PROTECTEE, "sindh-police", "court-order", REASON, "ssu-operator"
    )
    made = decide.propose(store.uow(), proposal, clock).decision
    decide.approve(store.uow(), made.id, "ssu-chief", clock)
    return {
        n.recipient: n.id for n in store.uow().repo.notices(PROTECTEE) if n.decision_id == made.id
    }


def channel(store: FakeStore, owner: str, kind: str = "email") -> str:
    address = "https://hooks.example.org/x" if kind == "webhook" else f"{owner}@example.org"
    checked: list[str] = []
    made = channels.add_channel(
        store.uow(), owner, kind, address, "registrar", NOW, check_webhook=checked.append
    )
    assert checked == ([address] if kind == "webhook" else [])
    return made.id


def deliver(
    store: FakeStore,
    sender: Stub,
    clock: Ticking,
    worker: str = "w-1",
    max_attempts: int = MAX_ATTEMPTS,
    lease: timedelta = LEASE,
) -> DeliveryRun:
    return delivery.deliver_due(
        store.uow, sender, clock, worker, 5, max_attempts=max_attempts, lease=lease
    )


def state(store: FakeStore, notice: str) -> tuple[str, int, datetime | None, str | None]:
    s = store.uow().outbox.outbox_state(notice)
    return s.state, s.attempts, s.next_attempt_at, s.last_error


def test_each_notice_goes_once_to_every_channel_of_its_recipient(
    store: FakeStore, ticking: Ticking
) -> None:
    told = decided(store, ticking)
    mail, hook = channel(store, PROTECTEE), channel(store, PROTECTEE, "webhook")
    liaison = channel(store, LIAISON)
    store.ledger.clear()
    sender = Stub()
    run = deliver(store, sender, ticking)
    assert run.counts == {"claimed": 2, "sent": 3, "delivered": 2}
    assert sorted(sender.sent) == sorted(
        [(told[PROTECTEE], mail), (told[PROTECTEE], hook), (told[LIAISON], liaison)]
    )
    assert state(store, told[PROTECTEE]) == ("delivered", 1, None, None)
    assert store.kinds().count("notice.attempted") == 3
    assert store.kinds().count("notice.delivered") == 2
    assert deliver(store, sender, ticking).counts == {"claimed": 0}


def test_a_failed_round_backs_off_and_a_channel_that_took_it_is_not_sent_again(
    store: FakeStore, ticking: Ticking
) -> None:
    told = decided(store, ticking)
    mail, hook = channel(store, PROTECTEE), channel(store, PROTECTEE, "webhook")
    channel(store, LIAISON)
    sender = Stub(failing={hook})
    assert deliver(store, sender, ticking).counts["retried"] == 1
    assert state(store, told[PROTECTEE]) == (
        "pending", 1, NOW + timedelta(seconds=30), f"{hook}: webhook: refused"
    )  # fmt: skip
    assert deliver(store, sender, ticking).counts == {"claimed": 0}  # not due yet
    ticking.now = NOW + timedelta(seconds=30)
    sender.failing.clear()
    assert deliver(store, sender, ticking).counts == {"claimed": 1, "sent": 1, "delivered": 1}
    assert [c for n, c in sender.sent if n == told[PROTECTEE]] == [mail, hook]


def test_after_the_last_round_a_notice_never_taken_is_dead_and_one_taken_is_delivered(
    store: FakeStore, ticking: Ticking
) -> None:
    told = decided(store, ticking)
    mail, hook = channel(store, PROTECTEE), channel(store, PROTECTEE, "webhook")
    liaison = channel(store, LIAISON)
    sender = Stub(failing={hook, liaison})
    run = deliver(store, sender, ticking, max_attempts=1)
    assert (run.counts["dead"], run.counts["delivered"]) == (1, 1)
    assert state(store, told[LIAISON]) == ("dead", 1, None, f"{liaison}: email: refused")
    reached = store.uow().outbox.outbox_state(told[PROTECTEE])
    assert (reached.state, reached.delivered_at) == ("delivered", NOW)
    assert reached.last_error == f"{hook}: webhook: refused"  # the channel that failed
    assert [d.id for d in store.uow().outbox.dead_letters()] == [told[LIAISON]]
    assert store.kinds().count("notice.dead") == 1
    assert sender.sent == [(told[PROTECTEE], mail)]


def test_a_transport_fault_fails_the_attempt_with_its_type_alone(
    store: FakeStore, ticking: Ticking
) -> None:
    told = decided(store, ticking)
    channel(store, LIAISON)
    run = deliver(store, Stub(crash=True), ticking)
    assert run.counts["failed"] == 1 and run.counts["retried"] == 1
    error = state(store, told[LIAISON])[3]
    assert error is not None and error.endswith(": transport fault: RuntimeError")


def test_a_recipient_without_a_channel_waits_without_losing_a_round(
    store: FakeStore, ticking: Ticking
) -> None:
    told = decided(store, ticking)
    channel(store, PROTECTEE)
    run = deliver(store, Stub(), ticking)
    assert (run.counts["no_channel"], run.counts["delivered"]) == (1, 1)
    assert state(store, told[LIAISON]) == ("pending", 0, NOW + BACKOFF_CAP, "no channel")
    ticking.now = NOW + timedelta(minutes=1)
    channel(store, LIAISON)  # due at once, not in an hour
    assert deliver(store, Stub(), ticking).counts["delivered"] == 1


def test_a_worker_whose_claim_was_taken_over_while_sending_ends_no_round(
    store: FakeStore, ticking: Ticking
) -> None:
    told = decided(store, ticking)
    refusing = {channel(store, PROTECTEE), channel(store, LIAISON)}
    store.ledger.clear()
    slow, taker = Stub(), Stub(failing=refusing)
    runs: list[DeliveryRun] = []

    def lease_runs_out() -> None:  # while the first send is on the wire
        slow.during_send.clear()
        ticking.now = NOW + LEASE + timedelta(seconds=1)
        runs.append(deliver(store, taker, ticking, "w-2"))

    slow.during_send.append(lease_runs_out)
    assert deliver(store, slow, ticking, "w-1").counts == {
        "claimed": 2, "sent": 1, "lost": 2
    }  # fmt: skip
    assert runs[0].counts == {"claimed": 2, "failed": 2, "retried": 2}
    assert len(slow.sent) == 1  # the other notice is not sent once its claim is gone
    retry = ticking.now + timedelta(seconds=30)
    assert {state(store, n)[:3] for n in told.values()} == {("pending", 1, retry)}
    assert store.kinds() == ["notice.attempted"] * 3  # every send is kept, no outcome


def test_the_lease_must_outlast_the_slowest_transport(store: FakeStore, ticking: Ticking) -> None:
    with pytest.raises(ValueError, match="lease"):
        deliver(store, Stub(), ticking, lease=timedelta(seconds=10))
