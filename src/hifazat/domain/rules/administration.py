"""R-AUTHORITY over the registry's own administration: users and their roles are an admin's to
manage (the first admin alone may be created by nobody); a password is its owner's or an
admin's to set; an admin token only for an admin; where a person's notices go is theirs or an
admin's to say."""

from __future__ import annotations

from collections.abc import Iterable

from hifazat.domain.errors import Refusal, Violation
from hifazat.domain.said import Ref
from hifazat.domain.users import User
from hifazat.domain.words import N_


def _admin(user: User | None) -> bool:
    return user is not None and "admin" in user.roles


def check_user_manager(
    actor: User | None, by: str | None, users: Iterable[User], first: bool
) -> None:
    """`by` names who makes the change (None: nobody, as only the first admin's creation may
    be); `first` says whether the change creates an admin."""
    if by is None:
        if any(_admin(u) for u in users) or not first:
            raise Refusal(
                Violation.of(
                    "R-AUTHORITY",
                    N_(
                        "name the admin making this change (--by); only the first admin may be "
                        "created without one"
                    ),
                )
            )
        return
    if not _admin(actor):
        raise Refusal(
            Violation.of(
                "R-AUTHORITY", N_("{who} may not manage users: needs admin"), who=Ref("user", by)
            )
        )


def check_password_setter(actor: User, user_id: str) -> None:
    if actor.id != user_id and not _admin(actor):
        raise Refusal(
            Violation.of(
                "R-AUTHORITY",
                N_("{who} may not set {user}'s password"),
                who=Ref("user", actor.id),
                user=Ref("user", user_id),
            )
        )


def check_token_scopes(user: User, scopes: Iterable[str]) -> None:
    if {"admin", "metrics"} & set(scopes) and not _admin(user):
        raise Refusal(
            Violation.of("R-AUTHORITY", N_("{who} is not an admin"), who=Ref("user", user.id))
        )


def check_channel_owner(actor: User, owner: str | None, channel: str | None = None) -> None:
    """Setting (`channel` None) or removing a channel: its owner's, or an admin's. `owner` None
    is a channel that does not exist, which only an admin learns."""
    if _admin(actor) or (owner is not None and actor.id == owner):
        return
    if channel is None:
        message = Violation.of(
            "R-AUTHORITY",
            N_("{who} may not set where {owner}'s notices go"),
            who=Ref("user", actor.id),
            owner=owner or "",
        )
    else:
        message = Violation.of(
            "R-AUTHORITY",
            N_("{who} may not remove channel {channel}"),
            who=Ref("user", actor.id),
            channel=channel,
        )
    raise Refusal(message)
