"""The sender the delivery service (`services.delivery`) puts notices on the wire through: a
transport per channel kind, chosen by the channel's kind. It implements the service's `Sender`
port without importing it (the port is a Protocol)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from hifazat.domain.outbox import ChannelRecord, ClaimedNotice, DeliveryFailed
from hifazat.notify.channels import Channel, WebhookChannel
from hifazat.notify.settings import SmtpSettings


class Transports:
    """One transport per channel kind; a channel of a kind without one fails its attempt."""

    def __init__(self, by_kind: Mapping[str, Channel]) -> None:
        self.by_kind = dict(by_kind)
        #: the slowest transport's timeout, which a claim's lease must outlast
        self.timeout = max((t.timeout for t in self.by_kind.values()), default=0.0)

    def __repr__(self) -> str:
        return f"Transports({self.by_kind!r})"

    def send(self, channel: ChannelRecord, notice: ClaimedNotice, now: datetime) -> str:
        transport = self.by_kind.get(channel.kind)
        if transport is None:
            raise DeliveryFailed(f"no {channel.kind} transport configured")
        return transport.send(channel, notice, now)


def transports_for(smtp_settings: SmtpSettings | None) -> dict[str, Channel]:
    """A transport per channel kind; without an SMTP host e-mail channels have none (and fail)."""
    found: dict[str, Channel] = {"webhook": WebhookChannel()}
    smtp = smtp_settings.channel() if smtp_settings else None
    if smtp is not None:
        found["email"] = smtp
    return found


def sender(
    smtp_settings: SmtpSettings | None, transports: Mapping[str, Channel] | None = None
) -> Transports:
    """The real sender, from the SMTP settings (HIFAZAT_SMTP_*); `transports` replaces the
    real ones (a fake in a test)."""
    return Transports(transports if transports is not None else transports_for(smtp_settings))
