"""Users, roles and passwords (admin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from hifazat.api.deps import IDEMPOTENT, Reg, Who, idempotent
from hifazat.api.paging import Limit, Offset, page
from hifazat.api.schemas import (
    PasswordBody,
    PasswordChanged,
    RoleBody,
    UserBody,
    UserPage,
    UserView,
)
from hifazat.domain.users import User
from hifazat.services import auth, guarded, json_shapes, users

router = APIRouter(prefix="/api/v1/users")


@router.get("", operation_id="users_list", tags=["users"])
def list_users(reg: Reg, who: Who, limit: Limit = 50, offset: Offset = 0) -> UserPage:
    with reg.uow() as uow:
        guarded.gate(uow, who.need("user.list"), "user.list")
        found = uow.repo.users()
    return UserPage.model_validate(
        page([json_shapes.user_view(u) for u in found.values()], limit, offset)
    )


@router.post(
    "",
    status_code=201,
    response_model=UserView,
    operation_id="users_add",
    dependencies=[IDEMPOTENT],
    tags=["users"],
)
def add(body: UserBody, request: Request, reg: Reg, who: Who) -> JSONResponse:
    user = who.need("user.manage")

    def run() -> tuple[int, Any]:
        with reg.uow() as uow:
            guarded.gate(uow, user, "user.manage")
        new = User(body.id, body.name, frozenset(body.roles), body.protectee, body.language)
        added = users.add_user(reg.uow(), new, user.id, reg.clock)
        return 201, UserView.model_validate(json_shapes.user_view(added)).wire()

    return idempotent(request, reg, user, body.model_dump(mode="json"), run)


@router.post(
    "/{user_id}/roles",
    response_model=UserView,
    operation_id="users_role_grant",
    dependencies=[IDEMPOTENT],
    tags=["users"],
)
def grant(user_id: str, body: RoleBody, request: Request, reg: Reg, who: Who) -> JSONResponse:
    """Grants a role; the change is entered in the ledger."""
    user = who.need("user.manage")

    def run() -> tuple[int, Any]:
        with reg.uow() as uow:
            guarded.gate(uow, user, "user.manage")
        granted = users.grant_role(reg.uow(), user_id, body.role, user.id, reg.clock)
        return 200, UserView.model_validate(json_shapes.user_view(granted)).wire()

    return idempotent(request, reg, user, body.model_dump(mode="json"), run)


@router.post("/{user_id}/password", operation_id="users_password_set", tags=["users"])
def set_password(user_id: str, body: PasswordBody, reg: Reg, who: Who) -> PasswordChanged:
    """An admin sets a password, from a signed-in session; the account's sessions and tokens
    end."""
    user = who.need_session("user.manage")
    with reg.uow() as uow:
        guarded.gate(uow, user, "user.manage")
    auth.set_password(reg.uow(), user_id, body.password, user.id, reg.clock())
    return PasswordChanged(changed=True)
