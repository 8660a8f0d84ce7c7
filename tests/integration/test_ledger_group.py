"""Group commit (issue 15): on PostgreSQL concurrent writers' entries are made in shared batches,
each writer told its own leaf index; a change whose writer stopped before its batch is entered by
the next one, and named by `ledger verify` once it has waited too long. On SQLite every unit of
work enters its changes inline, in its own transaction; the waiting rows' store works the same
on both, so those tests run on both."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import text, update

from hifazat.ledger.keys import load_signer
from hifazat.services import ledger
from hifazat.store import ledger_group, ledger_store
from hifazat.store import tables as t
from hifazat.store.ledger_check import verify
from hifazat.store.uow import UnitOfWork
from tests.conftest import Registry
from tests.threads import together

WRITERS = 16
EACH = 5
PEOPLE = ["khalid-maqbool-siddiqui", "mustafa-kamal", "farooq-sattar", "anis-kaimkhani"]


def _waiting(reg: Registry) -> int:
    with reg.engine.connect() as c:
        return int(c.execute(text("SELECT count(*) FROM ledger_pending")).scalar_one())


def _entry_ref(reg: Registry, seq: int) -> str:
    with reg.engine.connect() as c:
        query = text("SELECT ref FROM ledger_entries WHERE seq = :seq")
        return str(c.execute(query, {"seq": seq}).scalar_one())


def test_concurrent_writers_are_each_told_their_own_leaf_index(demo: Registry) -> None:
    with demo.engine.connect() as c:
        before = ledger_store.tree_size(c)
    told: list[tuple[str, int]] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        for i in range(EACH):
            person = PEOPLE[(n + i) % len(PEOPLE)]
            uow = UnitOfWork(demo.engine)
            with uow:
                uow.record("protectee.added", person)
                uow.commit()
            with lock:
                told.extend((person, seq) for seq in uow.entered)

    errors = together(WRITERS, writer)
    assert errors == []
    # every writer was told one index, no two the same, and the entry there names its record
    assert sorted(seq for _, seq in told) == list(range(before, before + WRITERS * EACH))
    assert all(_entry_ref(demo, seq) == person for person, seq in told)
    assert _waiting(demo) == 0
    signer = load_signer(demo.key_path)
    ledger.make_checkpoint(demo.uow(), signer, demo.clock())
    report = verify(demo.engine, signer.verifier())
    assert report.ok, report.problems[:3]


def test_sqlite_enters_inline_and_postgres_in_a_batch(demo: Registry) -> None:
    batches: list[bool] = []
    uow = UnitOfWork(demo.engine)
    with uow:
        uow.record("protectee.added", "farooq-sattar")
        batches.append(ledger_group.grouped(uow.connection, uow.events))
        uow.commit()
    assert batches == [demo.backend == "postgres"]
    assert len(uow.entered) == 1 and _entry_ref(demo, uow.entered[0]) == "farooq-sattar"
    # a unit of work marked inline never groups, whatever the database
    inline = UnitOfWork(demo.engine).entering_inline()
    with inline:
        inline.record("protectee.added", "mustafa-kamal")
        inline.commit()
    assert _entry_ref(demo, inline.entered[0]) == "mustafa-kamal"
    assert _waiting(demo) == 0


def test_a_change_left_waiting_is_entered_by_the_next_batch_or_checkpoint(
    demo: Registry,
) -> None:
    signer = load_signer(demo.key_path)
    # a writer commits its change, then stops before any batch enters it
    with demo.engine.begin() as c:
        assert len(ledger_store.enqueue(c, [("protectee.added", "anis-kaimkhani")])) == 1
    # in flight, it is no fault
    assert verify(demo.engine, signer.verifier()).ok
    # once it has waited longer than a writer would, verification names it
    old = datetime.now(UTC) - ledger_store.STALE - timedelta(seconds=5)
    with demo.engine.begin() as c:
        c.execute(update(t.ledger_pending).values(made_at=old))
    problems = verify(demo.engine, signer.verifier()).problems
    assert [p.record for p in problems] == ["group commit"]
    assert "1 committed change(s)" in problems[0].message
    # the next checkpoint enters it, and the registry verifies again
    size = ledger.make_checkpoint(demo.uow(), signer, datetime.now(UTC)).size
    assert _entry_ref(demo, size - 1) == "anis-kaimkhani"
    assert verify(demo.engine, signer.verifier()).ok


def test_a_row_another_process_entered_is_read_by_its_own_writer(demo: Registry) -> None:
    here, there = ledger_group.Group(), ledger_group.Group()
    with demo.engine.connect() as c:
        with c.begin():
            (mine,) = ledger_store.enqueue(c, [("protectee.added", "farooq-sattar")])
        # another process's writer leads first, and enters this row with its own
        with demo.engine.connect() as other:
            with other.begin():
                (theirs,) = ledger_store.enqueue(other, [("protectee.added", "mustafa-kamal")])
            (their_seq,) = there.wait(other, [theirs])
        (my_seq,) = here.wait(c, [mine])
    assert my_seq == their_seq - 1  # entered in the order the rows were made
    assert _entry_ref(demo, my_seq) == "farooq-sattar"
    assert _waiting(demo) == 0  # each writer dropped its row as it read it
