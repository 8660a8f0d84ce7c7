"""Several workers on one outbox: claims are exclusive, leases expire, and a worker whose lease
was taken over writes nothing."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hifazat.cli.delivery import deliver_due, run_forever
from hifazat.domain.decision import Action
from hifazat.domain.outbox import LEASE
from hifazat.services.delivery import DeliveryRun
from hifazat.store import outbox_store
from hifazat.store.engine import make_engine
from hifazat.store.tables import deliveries, notices
from tests.conftest import Registry
from tests.integration.test_notify_support import (
    add_channel,
    allow_loopback,
    decide_now,
    http_receiver,
)


@pytest.fixture(autouse=True)
def _loopback_receivers(monkeypatch: pytest.MonkeyPatch) -> None:
    allow_loopback(monkeypatch)


PEOPLE = [
    "khalid-maqbool-siddiqui",
    "mustafa-kamal",
    "farooq-sattar",
    "anis-kaimkhani",
    "ali-khorshidi",
]


def many_notices(reg: Registry) -> None:
    """Seven real decisions, two notices each (the protectee and the MQM-P liaison)."""
    for person in PEOPLE:
        decide_now(reg, person)
    for minister in PEOPLE[:2]:
        decide_now(
            reg,
            minister,
            provider="moi-federal",
            action=Action.UPGRADE,
            category="dedicated",
            reason_code="office-entitlement",
            reason="Federal minister's duties now include frequent public appearances",
        )


def test_two_workers_deliver_each_notice_exactly_once(demo: Registry) -> None:
    with http_receiver(delay=0.005) as receiver:
        for hook in ("a", "b"):
            add_channel(demo, "mqm-liaison", "user", "webhook", f"{receiver.url}/liaison/{hook}")
        for person in PEOPLE:
            add_channel(demo, person, "protectee", "webhook", f"{receiver.url}/p/{person}")
        many_notices(demo)
        with demo.engine.connect() as c:
            total = c.execute(select(func.count()).select_from(notices)).scalar_one()
        assert total == 14

        start = threading.Barrier(2)
        runs: dict[str, list[DeliveryRun]] = {"worker-a": [], "worker-b": []}
        errors: list[BaseException] = []

        def work(worker_id: str) -> None:
            engine = make_engine(demo.url)  # its own engine, as a second process would have
            try:
                start.wait()
                for _ in range(6):
                    runs[worker_id].append(deliver_due(engine, demo.clock, worker_id, None, 2))
            except BaseException as error:
                errors.append(error)
            finally:
                engine.dispose()

        threads = [threading.Thread(target=work, args=(w,)) for w in runs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    claimed = {w: sum(r.counts["claimed"] for r in rs) for w, rs in runs.items()}
    assert sum(claimed.values()) == total  # no notice was claimed twice
    assert all(claimed.values()), claimed  # and both workers took part
    by_hook = Counter((r.headers["X-Hifazat-Notice"], r.path) for r in receiver.received)
    assert len(by_hook) == 7 * 2 + 7 and set(by_hook.values()) == {1}
    query = select(deliveries.c.notice_id, deliveries.c.channel_id, deliveries.c.ok)
    with demo.engine.connect() as c:
        attempts = Counter(c.execute(query).all())
        states = Counter(c.execute(select(notices.c.state)).scalars())
    assert len(attempts) == 21 and set(attempts.values()) == {1}
    assert all(ok for _, _, ok in attempts)
    assert states == {"delivered": total}


def test_a_claim_excludes_other_workers_until_its_lease_runs_out(demo: Registry) -> None:
    decide_now(demo)  # two notices
    now = demo.clock()
    first = demo.engine.connect()
    try:
        with first.begin():
            (mine,) = outbox_store.claim_due(first, "worker-a", now, batch=1)
            if demo.backend == "postgres":
                # while the claim is uncommitted, another worker skips the locked row at once
                with demo.engine.begin() as second:
                    (other,) = outbox_store.claim_due(second, "worker-b", now, batch=5)
                assert other.id != mine.id
    finally:
        first.close()
    # once committed, the claim keeps every other worker off (on SQLite, claims take turns)
    expected = [] if demo.backend == "postgres" else [other_id(demo, mine.id)]
    with demo.engine.begin() as c:
        assert [n.id for n in outbox_store.claim_due(c, "worker-c", now, batch=5)] == expected

    later = now + LEASE + timedelta(seconds=1)
    with demo.engine.begin() as c:
        taken = {n.id for n in outbox_store.claim_due(c, "worker-d", later, batch=5)}
    assert mine.id in taken  # worker-a's lease ran out: it may have died
    with demo.engine.begin() as c:
        # worker-a comes back late: fenced off, it neither renews nor finishes the round
        assert not outbox_store.extend_claim(c, mine, "worker-a", later)
        assert not outbox_store.mark_delivered(c, mine, "worker-a", later)
        assert outbox_store.schedule_retry(c, mine, "worker-a", later, "late") is None
        assert outbox_store.outbox_state(c, mine.id).claimed_by == "worker-d"


def other_id(reg: Registry, notice_id: str) -> str:
    with reg.engine.connect() as c:
        ids: set[str] = set(c.execute(select(notices.c.id)).scalars())
    (other,) = ids - {notice_id}
    return other


def test_the_worker_loop_delivers_until_told_to_stop(demo: Registry) -> None:
    with http_receiver() as receiver:
        add_channel(demo, "farooq-sattar", "protectee", "webhook", receiver.url + "/farooq")
        decide_now(demo)
        stop = threading.Event()
        loop = threading.Thread(
            target=run_forever, args=(demo.engine, demo.clock, "worker-1", None, 0.01, stop)
        )
        loop.start()
        deadline = time.monotonic() + 5
        while not receiver.accepted() and time.monotonic() < deadline:
            time.sleep(0.01)
        stop.set()
        loop.join(timeout=5)
    assert not loop.is_alive()
    assert len(receiver.received) == 1
