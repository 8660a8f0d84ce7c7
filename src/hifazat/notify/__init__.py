"""Notice delivery: the outbox's notices, by e-mail and signed webhook, to each recipient's
channels, retried with back-off. See `worker` for the delivery guarantees."""

from hifazat.notify.channels import Channel, DeliveryFailed, SmtpChannel, WebhookChannel
from hifazat.notify.settings import SmtpSettings
from hifazat.notify.signature import sign, verify_signature
from hifazat.notify.worker import DeliveryRun, deliver_due, run_forever

__all__ = [
    "Channel",
    "DeliveryFailed",
    "DeliveryRun",
    "SmtpChannel",
    "SmtpSettings",
    "WebhookChannel",
    "deliver_due",
    "run_forever",
    "sign",
    "verify_signature",
]
