"""Notice delivery's adapters: e-mail and signed webhooks, the checks on a webhook's address,
and the rendering of a notice for each. `sender` builds what the delivery use case
(`services.delivery`, which holds the delivery guarantees) sends through; this package imports
neither the services nor the store."""

from hifazat.domain.outbox import DeliveryFailed
from hifazat.notify.channels import Channel, SmtpChannel, WebhookChannel
from hifazat.notify.sender import Transports, sender
from hifazat.notify.settings import SmtpSettings
from hifazat.notify.signature import sign, verify_signature

__all__ = [
    "Channel",
    "DeliveryFailed",
    "SmtpChannel",
    "SmtpSettings",
    "Transports",
    "WebhookChannel",
    "sender",
    "sign",
    "verify_signature",
]
