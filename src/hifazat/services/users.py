"""Users and roles. Only an admin changes them, except that the very first admin may be created
by whoever runs the registry locally (there is nobody else to ask)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from hifazat.domain import fields
from hifazat.domain.errors import Conflict, InvalidInput
from hifazat.domain.rules.administration import check_user_manager
from hifazat.domain.times import Clock
from hifazat.domain.users import User, parse_role, role_key
from hifazat.services.attempts import refusals_kept
from hifazat.services.unit_of_work import UnitOfWork


def check_user(user: User) -> None:
    """The id, name and roles of a user by the rules every field follows (domain.fields)."""
    fields.check_ident(user.id, "id")
    fields.check_text(user.name, fields.NAME, "name", min_length=1)
    if len(user.roles) > fields.MAX_ROLES:
        raise InvalidInput("roles", f"more than {fields.MAX_ROLES} roles")
    for role in sorted(user.roles):
        fields.check_text(role, fields.ROLE, "role", min_length=1)
    if user.protectee_id is not None:
        fields.check_ident(user.protectee_id, "protectee")
    fields.check_language(user.language)


def _check_role(uow: UnitOfWork, role: str) -> None:
    fields.check_text(role, fields.ROLE, "role", min_length=1)
    _, provider = parse_role(role)
    if provider is not None:
        uow.repo.provider(provider)


def _check_admin(uow: UnitOfWork, by: str | None, creating_admin: bool) -> None:
    users = uow.repo.users()
    actor = users.get(by) if by is not None else None
    check_user_manager(actor, by, users.values(), creating_admin)


def add_user_in(
    uow: UnitOfWork, user: User, by: str | None, now: datetime, bootstrap: bool = False
) -> User:
    """`bootstrap` is the scenario import, which seeds users as the registry's own set-up."""
    check_user(user)
    if not bootstrap:
        _check_admin(uow, by, "admin" in user.roles)
    if not user.id or not user.name.strip():
        raise InvalidInput("id" if not user.id else "name", "must not be empty")
    if uow.repo.exists("users", user.id):
        raise Conflict(f"user {user.id} already exists")
    for role in user.roles:
        _check_role(uow, role)
    if user.protectee_id is not None:
        uow.repo.protectee(user.protectee_id)
    uow.repo.add_user(user, now, by)
    uow.record("user.added", user.id)
    for role in sorted(user.roles):
        uow.record("role.granted", role_key(user.id, role))
    return user


def add_user(uow: UnitOfWork, user: User, by: str | None, clock: Clock) -> User:
    now = clock()
    subject = {"user": user.id, "roles": sorted(user.roles)}
    with refusals_kept(uow, "users.add", by, subject, now), uow:
        added = add_user_in(uow, user, by, now)
        uow.commit()
    return added


def grant_role(uow: UnitOfWork, user_id: str, role: str, by: str | None, clock: Clock) -> User:
    now = clock()
    with refusals_kept(uow, "users.grant", by, {"user": user_id, "role": role}, now), uow:
        _check_admin(uow, by, role == "admin")
        user = uow.repo.user(user_id)
        _check_role(uow, role)
        if role in user.roles:
            raise Conflict(f"{user_id} already holds {role}")
        uow.repo.grant_role(user_id, role, by, now)
        uow.record("role.granted", role_key(user_id, role))
        uow.commit()
    return replace(user, roles=user.roles | {role})


def set_language(
    uow: UnitOfWork, user_id: str, language: str, by: str | None, clock: Clock
) -> User:
    """The language a user's notices are written in (en or ur); an admin's change, as a role."""
    fields.check_language(language)
    now = clock()
    subject = {"user": user_id, "language": language}
    with refusals_kept(uow, "users.language", by, subject, now), uow:
        _check_admin(uow, by, False)
        user = uow.repo.user(user_id)
        uow.repo.set_language(user_id, language)
        uow.commit()
    return replace(user, language=language)
