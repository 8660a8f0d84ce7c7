"""Delivery channels: where a user's or a protectee's notices go."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from hifazat.domain.errors import NotFound
from hifazat.domain.outbox import ChannelRecord
from hifazat.domain.rules.administration import check_channel_owner
from hifazat.services.unit_of_work import UnitOfWork

#: the port that checks a webhook's address before it is registered (the adapter's is
#: `notify.addresses.check_registered`): raises InvalidInput for one the worker may not post to
AddressCheck = Callable[[str], None]


def add_channel(
    uow: UnitOfWork,
    owner: str,
    kind: str,
    address: str,
    by: str,
    now: datetime,
    check_webhook: AddressCheck,
) -> ChannelRecord:
    """An admin registers anyone's channel; a user their own. A webhook to an address the
    worker may not post to is refused here already (`check_webhook`), and again at every send."""
    if kind == "webhook":
        check_webhook(address)
    with uow:
        repo = uow.repo
        actor = repo.user(by)
        check_channel_owner(actor, owner)
        if repo.exists("users", owner):
            owner_kind = "user"
        elif repo.exists("protectees", owner):
            owner_kind = "protectee"
        else:
            raise NotFound("user or protectee", owner)
        made = uow.outbox.add_channel(owner, owner_kind, kind, address, now)
        uow.commit()
    return made


def list_channels(uow: UnitOfWork, owner: str | None = None) -> list[ChannelRecord]:
    """The channels notices go to (of one owner, or all), never with their secrets shown."""
    with uow.reading():
        if owner is not None and not (
            uow.repo.exists("users", owner) or uow.repo.exists("protectees", owner)
        ):
            raise NotFound("user or protectee", owner)
        return uow.outbox.channels_of(owner)


def remove_channel(uow: UnitOfWork, channel_id: str, by: str, now: datetime) -> ChannelRecord:
    """Stops notices going to a channel; allowed to whoever may add it (an admin, or the owner
    themselves). Not a ledger entry, as adding one is not: where notices go is configuration,
    and every attempt on a channel is in the ledger already. The row stays, marked removed
    with who and when, since its attempts name it."""
    with uow:
        actor = uow.repo.user(by)
        admin = "admin" in actor.roles
        try:
            found = uow.outbox.channel(channel_id)
        except NotFound:
            if admin:
                raise
            found = None  # anyone else learns nothing of whether it exists
        check_channel_owner(actor, found.owner if found else None, channel_id)
        assert found is not None
        uow.outbox.remove_channel(channel_id, by, now)
        uow.commit()
    return found
