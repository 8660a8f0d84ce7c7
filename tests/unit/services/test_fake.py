"""The fake keeps the unit of work's promises, so the service tests over it mean something."""

from __future__ import annotations

import pytest

from hifazat.domain.errors import NotFound
from hifazat.domain.users import User
from tests.fakes import FakeStore
from tests.unit.services.conftest import NOW

ANALYST = User("sb-analyst", "Special Branch analyst", frozenset({"intelligence"}))


def test_leaving_uncommitted_discards_the_writes_and_their_events(store: FakeStore) -> None:
    with pytest.raises(RuntimeError), store.uow() as uow:
        uow.repo.add_user(ANALYST, NOW, "registrar")
        uow.record("user.added", ANALYST.id)
        assert uow.repo.user(ANALYST.id) == ANALYST  # seen inside its own unit of work
        raise RuntimeError("interrupted")
    with pytest.raises(NotFound):
        store.uow().repo.user(ANALYST.id)
    assert store.ledger == [] and store.committed == 0


def test_uncommitted_writes_are_not_seen_by_another_unit_of_work(store: FakeStore) -> None:
    with store.uow() as uow:
        uow.repo.add_user(ANALYST, NOW, "registrar")
        with uow.another() as fresh:
            assert not fresh.repo.exists("users", ANALYST.id)
        uow.record("user.added", ANALYST.id)
        uow.commit()
    with store.uow().another() as later:
        assert later.repo.exists("users", ANALYST.id)
    assert store.ledger == [("user.added", ANALYST.id)] and store.committed == 1


def test_a_unit_of_work_commits_once_and_a_reading_one_never(store: FakeStore) -> None:
    with store.uow() as uow:
        uow.commit()
        with pytest.raises(RuntimeError):
            uow.commit()
    with store.uow().reading() as reading, pytest.raises(RuntimeError):
        reading.commit()


def test_hooks_run_at_commit_before_the_changes_land(store: FakeStore) -> None:
    seen: list[int] = []
    with store.uow() as uow:
        uow.before_commit(lambda u: seen.append(store.committed))
        uow.commit()
    assert seen == [0] and store.committed == 1
