"""Credentials: only a signed-in session that proves the current password changes a password;
a token never changes credentials or mints tokens; a change ends the account's other sessions
and every token; parallel guesses never get past the lockout (findings 12.1 and 12.2)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hifazat.services import auth
from hifazat.store import auth_store
from tests.conftest import Api

PASSWORD = "correct horse battery staple"
NEW = "a wholly different passphrase"


def _with_password(api: Api, user: str = "ssu-chief") -> None:
    auth.set_password(api.reg.uow(), user, PASSWORD, "registrar", api.reg.clock())


def _session(api: Api, user: str = "ssu-chief", password: str = PASSWORD) -> tuple[Any, str]:
    """A fresh client signed in as `user`, and its CSRF token."""
    client = TestClient(api.client.app)
    response = client.post("/api/v1/auth/login", json={"user": user, "password": password})
    assert response.status_code == 200, response.text
    return client, response.json()["csrf_token"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/auth/password", {"current_password": PASSWORD, "password": NEW}),
        ("/api/v1/users/ssu-chief/password", {"password": NEW}),
        ("/api/v1/auth/tokens", {"scopes": ["read"]}),
    ],
)
def test_a_token_never_changes_credentials_or_mints_tokens(
    api: Api, path: str, body: dict[str, Any]
) -> None:
    _with_password(api)
    reg = api.reg
    for user, scopes in (
        ("ssu-chief", ["read", "write"]),
        ("registrar", ["read", "write", "admin"]),
    ):
        token = auth.create_token(reg.uow(), user, scopes, timedelta(days=1), reg.clock())
        refused = api.client.post(path, json=body, headers=_bearer(token.secret))
        assert refused.status_code == 403, (user, refused.text)
    # even a token of the widest scope, the admin's, is refused for want of a session
    assert "session" in refused.json()["error"]["message"]
    # the old password still signs in: nothing changed
    _session(api)


def test_a_password_change_needs_the_current_one_and_ends_other_credentials(api: Api) -> None:
    _with_password(api)
    reg = api.reg
    token = auth.create_token(reg.uow(), "ssu-chief", ["read"], timedelta(days=1), reg.clock())
    other, _ = _session(api)
    mine, csrf = _session(api)

    wrong = mine.post(
        "/api/v1/auth/password",
        json={"current_password": "not the password", "password": NEW},
        headers={"X-CSRF-Token": csrf},
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "current_password"
    assert other.get("/api/v1/auth/me").status_code == 200

    changed = mine.post(
        "/api/v1/auth/password",
        json={"current_password": PASSWORD, "password": NEW},
        headers={"X-CSRF-Token": csrf},
    )
    assert changed.status_code == 200, changed.text
    assert mine.get("/api/v1/auth/me").status_code == 200  # the session that changed it goes on
    assert other.get("/api/v1/auth/me").status_code == 401
    assert api.client.get("/api/v1/auth/me", headers=_bearer(token.secret)).status_code == 401
    old = api.client.post("/api/v1/auth/login", json={"user": "ssu-chief", "password": PASSWORD})
    assert old.status_code == 401
    _session(api, password=NEW)


def test_an_admin_reset_ends_every_session_and_token_of_the_account(api: Api) -> None:
    _with_password(api)
    _with_password(api, "registrar")
    reg = api.reg
    token = auth.create_token(reg.uow(), "ssu-chief", ["read"], timedelta(days=1), reg.clock())
    chief, _ = _session(api)
    admin, csrf = _session(api, "registrar")
    reset = admin.post(
        "/api/v1/users/ssu-chief/password", json={"password": NEW}, headers={"X-CSRF-Token": csrf}
    )
    assert reset.status_code == 200, reset.text
    assert chief.get("/api/v1/auth/me").status_code == 401
    assert api.client.get("/api/v1/auth/me", headers=_bearer(token.secret)).status_code == 401
    _session(api, password=NEW)


def test_forty_parallel_guesses_never_pass_the_lockout(api: Api) -> None:
    _with_password(api)
    reg = api.reg

    def guess(n: int) -> str:
        try:
            auth.login(reg.uow(), "ssu-chief", f"wrong guess {n}", reg.clock(), timedelta(hours=1))
        except auth.AuthFailed as error:
            return str(error)
        return "signed in"

    with ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(guess, range(40)))
    assert "signed in" not in answers
    with reg.uow() as uow:
        kinds = [e.event for e in auth_store.events(uow.connection, "ssu-chief")]
    assert kinds.count("login.failed") == auth.LOCK_AFTER
    assert kinds.count("login.locked") == 40 - auth.LOCK_AFTER
    # the right password, once the guesses are in, meets the lock
    with pytest.raises(auth.AuthFailed, match="locked"):
        auth.login(reg.uow(), "ssu-chief", PASSWORD, reg.clock(), timedelta(hours=1))


def test_the_right_password_in_a_burst_of_wrong_ones_gets_at_most_the_limit(api: Api) -> None:
    """Whatever order the burst lands in, at most LOCK_AFTER wrong passwords are ever judged, so
    the right one succeeds only if it came before the lock — never after it."""
    _with_password(api)
    reg = api.reg
    passwords = [f"wrong guess {n}" for n in range(39)] + [PASSWORD]

    def attempt(password: str) -> bool:
        try:
            auth.login(reg.uow(), "ssu-chief", password, reg.clock(), timedelta(hours=1))
        except auth.AuthFailed:
            return False
        return True

    with ThreadPoolExecutor(max_workers=40) as pool:
        list(pool.map(attempt, passwords))
    with reg.uow() as uow:
        kinds = [e.event for e in auth_store.events(uow.connection, "ssu-chief")]
    run = 0  # wrong passwords judged since the last success
    for kind in kinds:
        if kind == "login.failed":
            run += 1
            assert run <= auth.LOCK_AFTER, kinds
        elif kind == "login.ok":
            assert run < auth.LOCK_AFTER, kinds
            run = 0
