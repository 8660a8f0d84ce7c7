"""Users and roles over the in-memory unit of work."""

from __future__ import annotations

import pytest

from hifazat.domain.errors import Conflict, NotFound, Refusal
from hifazat.domain.times import Clock
from hifazat.domain.users import User, role_key
from hifazat.services import users
from tests.fakes import FakeStore

ANALYST = User("sb-analyst", "Special Branch analyst", frozenset({"intelligence"}))
#: an id already taken
USERS_CHIEF = User("ssu-chief", "Someone else", frozenset({"auditor"}))


def test_an_admin_adds_a_user_and_each_role_is_entered(store: FakeStore, clock: Clock) -> None:
    added = users.add_user(store.uow(), ANALYST, "registrar", clock)
    assert added == ANALYST
    assert store.uow().repo.user("sb-analyst") == ANALYST
    assert store.ledger == [
        ("user.added", "sb-analyst"),
        ("role.granted", role_key("sb-analyst", "intelligence")),
    ]


def test_only_an_admin_adds_users(store: FakeStore, clock: Clock) -> None:
    with pytest.raises(Refusal) as refused:
        users.add_user(store.uow(), ANALYST, "ssu-chief", clock)
    assert refused.value.rule == "R-AUTHORITY"
    assert not store.uow().repo.exists("users", "sb-analyst")
    [(kind, attempt)] = store.ledger
    assert kind == "attempt.refused"
    assert store.state.attempts[attempt].subject == {
        "user": "sb-analyst",
        "roles": ["intelligence"],
    }


def test_a_role_for_an_unknown_provider_or_a_taken_id_is_refused(
    store: FakeStore, clock: Clock
) -> None:
    stranger = User("desk", "Desk", frozenset({"operator@rangers"}))
    with pytest.raises(NotFound):
        users.add_user(store.uow(), stranger, "registrar", clock)
    with pytest.raises(Conflict):
        users.add_user(store.uow(), USERS_CHIEF, "registrar", clock)
    assert store.ledger == [] and store.committed == 0


def test_granting_a_role(store: FakeStore, clock: Clock) -> None:
    granted = users.grant_role(store.uow(), "ssu-operator", "auditor", "registrar", clock)
    assert granted.roles == {"operator@sindh-police", "auditor"}
    assert store.uow().repo.user("ssu-operator").roles == granted.roles
    assert store.ledger == [("role.granted", role_key("ssu-operator", "auditor"))]
    with pytest.raises(Conflict):
        users.grant_role(store.uow(), "ssu-operator", "auditor", "registrar", clock)


def test_setting_a_language_is_an_admins_change(store: FakeStore, clock: Clock) -> None:
    changed = users.set_language(store.uow(), "mqm-liaison", "ur", "registrar", clock)
    assert changed.language == "ur" == store.uow().repo.user("mqm-liaison").language
    assert store.committed == 1
    with pytest.raises(Refusal):
        users.set_language(store.uow(), "mqm-liaison", "en", "mqm-liaison", clock)
    assert store.uow().repo.user("mqm-liaison").language == "ur"
