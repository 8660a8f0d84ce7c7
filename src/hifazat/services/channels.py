"""Delivery channels: where a user's or a protectee's notices go."""

from __future__ import annotations

from datetime import datetime

from hifazat.domain.errors import InvalidInput, NotFound, Refusal, Violation
from hifazat.notify.addresses import ALLOW_ENV, AddressRefused, Unresolvable, check_webhook_url
from hifazat.store import outbox_store
from hifazat.store.outbox_store import ChannelRecord
from hifazat.store.uow import UnitOfWork


def add_channel(
    uow: UnitOfWork, owner: str, kind: str, address: str, by: str, now: datetime
) -> ChannelRecord:
    """An admin registers anyone's channel; a user their own. A webhook to an address the
    worker may not post to is refused here already (and again at every send)."""
    if kind == "webhook":
        _check_webhook(address)
    with uow:
        repo = uow.repo
        actor = repo.user(by)
        if "admin" not in actor.roles and actor.id != owner:
            raise Refusal(Violation("R-AUTHORITY", f"{by} may not set where {owner}'s notices go"))
        if repo.exists("users", owner):
            owner_kind = "user"
        elif repo.exists("protectees", owner):
            owner_kind = "protectee"
        else:
            raise NotFound("user or protectee", owner)
        made = outbox_store.add_channel(uow.connection, owner, owner_kind, kind, address, now)
        uow.commit()
    return made


def _check_webhook(address: str) -> None:
    try:
        check_webhook_url(address)
    except Unresolvable:
        pass  # not resolvable now: the address is checked again, resolved, at every send
    except AddressRefused as refused:
        raise InvalidInput("address", str(refused)) from None
    except ValueError as error:  # the allow setting itself is malformed
        raise InvalidInput(ALLOW_ENV, str(error).removeprefix(f"{ALLOW_ENV}: ")) from None
