"""A status reads its rows in one round trip (store/records/status_reads.py): on a generated
history with appeals, reviews, threat assessments, ground reports and undelivered notices, on
each database, every protectee's rows read ahead equal the rows each reader sends its own
statement for, and the reads after it send nothing."""

from __future__ import annotations

from typing import Any

import pytest
from bench.people import END
from bench.suite import Prepared, prepare
from sqlalchemy import event

from hifazat.domain.errors import NotFound
from hifazat.services.status import protectee_status
from hifazat.store.uow import UnitOfWork
from tests.conftest import Api, Registry
from tests.nation import load_nation

SCALE = 0.002  # 40 protectees, a few hundred decisions, with appeals, reviews and reports


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return prepare(SCALE, 2019, tmp_path_factory.mktemp("nation"))


def _reads(uow: UnitOfWork, pid: str) -> dict[str, Any]:
    repo = uow.repo
    return {
        "protectee": repo.protectee(pid),
        "decisions": repo.decisions(pid),
        "appeals": repo.appeals(protectee_id=pid),
        "assessments": repo.assessments(pid),
        "reviews": repo.reviews(protectee_id=pid),
        "reports": repo.discrepancies(pid),
        "undelivered": uow.outbox.undelivered(END, pid),
        "policy": repo.policy(),
        "providers": repo.providers(),
    }


def _counting(uow: UnitOfWork) -> list[str]:
    sent: list[str] = []
    event.listen(uow.connection, "before_cursor_execute", lambda *a: sent.append(a[2]))
    return sent


def test_a_status_reads_ahead_what_each_reader_would_read(
    registry: Registry, prepared: Prepared
) -> None:
    done = load_nation(registry, prepared)
    assert done["lodge"] and done["review"], done
    with registry.uow().reading() as uow:
        pids = sorted(uow.repo.protectees())
    seen: dict[str, int] = dict.fromkeys(
        ("decisions", "appeals", "assessments", "reviews", "reports", "undelivered"), 0
    )
    for pid in pids:
        with UnitOfWork(registry.engine).reading() as plain:
            expected = _reads(plain, pid)
        with UnitOfWork(registry.engine).reading() as ahead:
            sent = _counting(ahead)
            ahead.read_ahead(pid)
            assert len(sent) == 1, sent
            got = _reads(ahead, pid)
            assert len(sent) == 1, sent[1:]  # every read answered from what was read ahead
            # taken once: a second read of the one-off sets asks the database again
            assert ahead.repo.reviews(protectee_id=pid) == expected["reviews"]
        assert got == expected, pid
        for name in seen:
            seen[name] += bool(expected[name])
    assert all(seen.values()), seen  # every set was compared with rows in it somewhere

    # and the status itself, built on them, is the one a test of the domain expects elsewhere
    for pid in pids[:5]:
        assert protectee_status(UnitOfWork(registry.engine), pid, END).protectee.id == pid


def test_an_unknown_protectee_read_ahead_is_still_not_found(registry: Registry) -> None:
    registry.load_demo()
    with UnitOfWork(registry.engine).reading() as uow:
        uow.read_ahead("nobody")
        with pytest.raises(NotFound, match="nobody"):
            uow.repo.protectee("nobody")


def test_a_status_over_the_api_sends_three_statements(api: Api) -> None:
    """The credential, its holder and the status: a check that grows the status read by a
    statement (as the undelivered-notice check once did, unnoticed) must say so here."""
    sent: list[str] = []

    def seen(_c: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement != "BEGIN":  # SQLite's deferred BEGIN, in process: no round trip
            sent.append(statement)

    headers = {"Authorization": f"Bearer {api.tokens['operator']}"}
    api.client.get("/api/v1/protectees/farooq-sattar/status", headers=headers)  # warm caches
    event.listen(api.reg.engine, "before_cursor_execute", seen)
    try:
        answer = api.client.get("/api/v1/protectees/farooq-sattar/status", headers=headers)
    finally:
        event.remove(api.reg.engine, "before_cursor_execute", seen)
    assert answer.status_code == 200, answer.text
    assert len(sent) == 3, [" ".join(s.split())[:60] for s in sent]
