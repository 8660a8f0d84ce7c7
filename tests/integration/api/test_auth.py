"""Authentication: passwords, lockout, sessions with CSRF, and scoped, expiring tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hifazat.services import auth
from hifazat.store import auth_store
from tests.conftest import Api

PASSWORD = "correct horse battery staple"


def _with_password(api: Api, user: str = "ssu-chief") -> None:
    auth.set_password(api.reg.uow(), user, PASSWORD, "registrar", api.reg.clock())


def _login(api: Api, password: str = PASSWORD, user: str = "ssu-chief") -> Any:
    return api.client.post("/api/v1/auth/login", json={"user": user, "password": password})


def test_wrong_password_and_unknown_user_get_the_same_answer(api: Api) -> None:
    _with_password(api)
    wrong = _login(api, "not the password")
    unknown = _login(api, PASSWORD, user="nobody")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_lockout_after_repeated_failures_and_its_expiry(api: Api) -> None:
    _with_password(api)
    for _ in range(auth.LOCK_AFTER):
        assert _login(api, "wrong").status_code == 401
    locked = _login(api)
    assert locked.status_code == 401 and "locked" in locked.json()["error"]["message"]
    api.reg.clock.advance(minutes=14)
    assert _login(api).status_code == 401
    api.reg.clock.advance(minutes=2)
    assert _login(api).status_code == 200
    with api.reg.uow() as uow:
        kinds = [e.event for e in auth_store.events(uow.connection, "ssu-chief")]
    assert kinds.count("login.failed") == auth.LOCK_AFTER
    assert "login.locked" in kinds and kinds[-1] == "login.ok"


def test_session_cookie_and_csrf(api: Api) -> None:
    _with_password(api)
    response = _login(api)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    csrf = response.json()["csrf_token"]
    assert api.client.get("/api/v1/auth/me").json()["via"] == "session"
    body = {
        "action": "withdraw",
        "protectee": "farooq-sattar",
        "provider": "sindh-police",
        "reason_code": "court-order",
        "reason": "A court ordered a security review",
    }
    forged = api.client.post("/api/v1/decisions", json=body)
    assert forged.status_code == 403 and "X-CSRF-Token" in forged.json()["error"]["message"]
    wrong = api.client.post("/api/v1/decisions", json=body, headers={"X-CSRF-Token": "guess"})
    assert wrong.status_code == 403
    ok = api.client.post("/api/v1/decisions", json=body, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201, ok.text
    api.client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert api.client.get("/api/v1/auth/me").status_code == 401


def test_expired_revoked_and_out_of_scope_tokens(api: Api) -> None:
    reg = api.reg
    short = auth.create_token(reg.uow(), "ssu-chief", ["read"], timedelta(hours=1), reg.clock())
    headers = {"Authorization": f"Bearer {short.secret}"}
    assert api.client.get("/api/v1/auth/me", headers=headers).status_code == 200
    propose = api.client.post(
        "/api/v1/decisions",
        headers=headers,
        json={"action": "withdraw", "protectee": "farooq-sattar", "provider": "sindh-police"},
    )
    assert propose.status_code == 403 and "scopes" in propose.json()["error"]["message"]
    mint = api.client.post("/api/v1/auth/tokens", headers=headers, json={"scopes": ["write"]})
    assert mint.status_code == 403  # a token cannot widen itself
    reg.clock.advance(hours=1)
    assert api.client.get("/api/v1/auth/me", headers=headers).status_code == 401

    live = auth.create_token(reg.uow(), "ssu-chief", ["read"], timedelta(days=1), reg.clock())
    headers = {"Authorization": f"Bearer {live.secret}"}
    revoke = api.call("DELETE", f"/api/v1/auth/tokens/{live.id}", "approver")
    assert revoke.status_code == 200
    assert api.client.get("/api/v1/auth/me", headers=headers).status_code == 401
    other = auth.create_token(reg.uow(), "ssu-operator", ["read"], timedelta(days=1), reg.clock())
    assert api.call("DELETE", f"/api/v1/auth/tokens/{other.id}", "approver").status_code == 404
    garbage = api.client.get("/api/v1/auth/me", headers={"Authorization": "Bearer hz_nothing"})
    assert garbage.status_code == 401 and garbage.headers["www-authenticate"] == "Bearer"


def test_production_hashes_with_argon2id_at_rfc_9106_cost() -> None:
    """The suite hashes cheaply in-process (tests/conftest.py); what ships does not."""
    from argon2 import Type, profiles

    from tests.conftest import PRODUCTION_HASHER

    shipped = PRODUCTION_HASHER
    assert shipped.type is Type.ID
    assert shipped.memory_cost >= profiles.RFC_9106_LOW_MEMORY.memory_cost
    assert shipped.time_cost >= profiles.RFC_9106_LOW_MEMORY.time_cost


def test_passwords_are_hashed_with_argon2_and_tokens_only_digested(api: Api) -> None:
    _with_password(api)
    token = auth.create_token(
        api.reg.uow(), "ssu-chief", ["read"], timedelta(days=1), api.reg.clock()
    )
    dump = repr(api.reg.dump(everything=True))
    assert PASSWORD not in dump and token.secret not in dump
    assert "$argon2id$" in dump


def test_short_passwords_are_refused(api: Api) -> None:
    response = api.call(
        "POST", "/api/v1/users/ssu-chief/password", "admin", json={"password": "short"}
    )
    assert response.status_code == 422 and response.json()["error"]["field"] == "password"
