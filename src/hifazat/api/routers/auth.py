"""Signing in and out, the signed-in user, and API tokens."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Response

from hifazat.api.deps import SESSION_COOKIE, Reg, Who
from hifazat.api.schemas import (
    LoginBody,
    Me,
    PasswordChangeBody,
    PasswordChanged,
    SessionStarted,
    SignedOut,
    TokenBody,
    TokenMade,
    TokenRevoked,
    UserView,
)
from hifazat.services import auth, json_shapes

router = APIRouter(prefix="/api/v1/auth")


@router.post(
    "/login",
    operation_id="auth_login",
    tags=["auth"],
    responses={401: {"description": "Wrong user name or password, or the account is locked"}},
)
def login(body: LoginBody, response: Response, reg: Reg) -> SessionStarted:
    """Starts a session: an HttpOnly, SameSite=Strict cookie, and the CSRF token that every
    unsafe request of the session must echo in the X-CSRF-Token header."""
    ttl = timedelta(hours=reg.settings.session_hours)
    session = auth.login(reg.uow(), body.user, body.password, reg.clock(), ttl)
    response.set_cookie(
        SESSION_COOKIE,
        session.secret,
        max_age=int(ttl.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=reg.settings.secure_cookies,
        path="/",
    )
    return SessionStarted(
        user=UserView.model_validate(json_shapes.user_view(session.user)),
        csrf_token=session.csrf,
        expires_at=session.expires_at,
    )


@router.post("/logout", operation_id="auth_logout", tags=["auth"])
def logout(response: Response, reg: Reg, who: Who) -> SignedOut:
    if who.session_secret:
        auth.logout(reg.uow(), who.session_secret, reg.clock())
    response.delete_cookie(SESSION_COOKIE, path="/")
    return SignedOut(signed_out=True)


@router.get("/me", operation_id="auth_me", tags=["auth"])
def me(who: Who) -> Me:
    user = json_shapes.user_view(who.user)
    return Me.model_validate({"user": user, "via": who.via, "scopes": sorted(who.scopes)})


@router.post("/password", operation_id="auth_password_change", tags=["auth"])
def change_password(body: PasswordChangeBody, reg: Reg, who: Who) -> PasswordChanged:
    """Changes the signed-in user's password, given the current one; only from a session. The
    user's other sessions and all their tokens end."""
    user = who.need_session("auth.password")
    assert who.session_secret is not None
    auth.change_password(
        reg.uow(), user.id, body.current_password, body.password, reg.clock(), who.session_secret
    )
    return PasswordChanged(changed=True)


@router.post("/tokens", status_code=201, operation_id="auth_token_create", tags=["auth"])
def create_token(body: TokenBody, reg: Reg, who: Who) -> TokenMade:
    """A bearer token for a program, shown this once; only its digest is kept. Made only from a
    signed-in session: a token never mints another."""
    user = who.need_session("auth.token")
    token = auth.create_token(
        reg.uow(), user.id, list(body.scopes), timedelta(days=body.ttl_days), reg.clock()
    )
    return TokenMade.model_validate(
        {
            "id": token.id,
            "token": token.secret,
            "scopes": list(token.scopes),
            "expires_at": token.expires_at,
        }
    )


@router.delete("/tokens/{token_id}", operation_id="auth_token_revoke", tags=["auth"])
def revoke_token(token_id: str, reg: Reg, who: Who) -> TokenRevoked:
    auth.revoke_token(reg.uow(), token_id, who.user, reg.clock())
    return TokenRevoked(revoked=token_id)
