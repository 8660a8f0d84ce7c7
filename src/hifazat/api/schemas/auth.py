"""Sessions, the signed-in user, and API tokens."""

from __future__ import annotations

from typing import Literal

from hifazat.api.schemas.bodies import Scope
from hifazat.api.schemas.common import Utc, View
from hifazat.api.schemas.registry import UserView


class SessionStarted(View):
    user: UserView
    #: to echo in the X-CSRF-Token header of every unsafe request of the session
    csrf_token: str
    expires_at: Utc


class SignedOut(View):
    signed_out: bool


class Me(View):
    user: UserView
    via: Literal["token", "session"]
    scopes: list[Scope]


class PasswordChanged(View):
    changed: bool


class TokenMade(View):
    id: str
    #: shown this once; only its digest is kept
    token: str
    scopes: list[Scope]
    expires_at: Utc


class TokenRevoked(View):
    revoked: str
