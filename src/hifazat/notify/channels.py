"""Transports: how a notice reaches one channel. A transport either returns (the channel took
the notice) or raises `DeliveryFailed` (the domain's, so that the delivery service can tell it
apart without importing this adapter); the service records which, and retries."""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime
from ipaddress import ip_address
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import httpx

from hifazat.domain.outbox import ChannelRecord, ClaimedNotice, DeliveryFailed
from hifazat.notify.addresses import (
    AddressRefused,
    IPAddress,
    Network,
    Target,
    allowed_ranges,
    is_literal,
)
from hifazat.notify.addresses import check_webhook_url as check_address
from hifazat.notify.message import email_message, webhook_document
from hifazat.notify.signature import sign, verify_signature

__all__ = ["Channel", "DeliveryFailed", "SmtpChannel", "WebhookChannel", "verify_signature"]


class Channel(Protocol):
    #: the longest one send may take; the delivery service's claim lease must outlast it
    timeout: float

    def send(self, target: ChannelRecord, notice: ClaimedNotice, now: datetime) -> str:
        """Delivers `notice` to `target`; returns a short detail, or raises DeliveryFailed."""
        ...


class SmtpChannel:
    """Plain-text e-mail through one SMTP server (a relay the deployment trusts)."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        if username and not starttls and not _loopback(host):
            # a password sent in the clear over a network is a password given away
            raise ValueError("SMTP credentials need STARTTLS unless the server is on this host")
        self.host = host
        self.port = port
        self.sender = sender
        self.starttls = starttls
        self.username = username
        self._password = password
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"SmtpChannel({self.host!r}, {self.port}, {self.sender!r})"

    def send(self, target: ChannelRecord, notice: ClaimedNotice, now: datetime) -> str:
        message = email_message(notice, self.sender, target.address, now)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self._password or "")
                refused = smtp.send_message(message)
        except smtplib.SMTPResponseException as error:
            raise DeliveryFailed(f"SMTP {error.smtp_code}: {_text(error.smtp_error)}") from None
        except smtplib.SMTPRecipientsRefused:
            raise DeliveryFailed("SMTP: recipient refused") from None
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryFailed(f"SMTP: {type(error).__name__}: {error}") from None
        if refused:
            raise DeliveryFailed("SMTP: recipient refused")
        return f"SMTP accepted by {self.host}:{self.port}"


class WebhookChannel:
    """A signed JSON POST. Only a 2xx answer counts; redirects are not followed, since the
    signature was made for the address the owner registered.

    The host is resolved at each send and every address it gives is checked (`addresses`);
    the post then goes to a checked address (the next one if a connection is refused), with
    the URL's host name in the Host header and as the TLS server name (so the certificate is
    still checked against the name). Proxy settings in the environment are ignored: a proxy
    would resolve the name again."""

    def __init__(
        self,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        allow: tuple[Network, ...] | None = None,
    ):
        self.timeout = timeout
        self._transport = transport
        #: ranges allowed despite the rules; from HIFAZAT_WEBHOOK_ALLOW unless given
        self.allow = allowed_ranges() if allow is None else allow

    def send(self, target: ChannelRecord, notice: ClaimedNotice, now: datetime) -> str:
        if not target.secret:
            raise DeliveryFailed("webhook has no secret to sign with")
        try:
            checked = check_address(target.address, self.allow)
        except AddressRefused as refused:
            raise DeliveryFailed(f"webhook: not sent: {refused}") from None
        body = webhook_document(notice)
        timestamp = int(now.timestamp())
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "hifazat-notify",
            "X-Hifazat-Notice": notice.id,
            "X-Hifazat-Timestamp": str(timestamp),
            "X-Hifazat-Signature": sign(target.secret, timestamp, body),
        }
        try:
            with httpx.Client(
                timeout=self.timeout,
                follow_redirects=False,
                transport=self._transport,
                trust_env=False,
            ) as client:
                response = self._post(client, target.address, checked, body, headers)
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            raise DeliveryFailed(f"webhook: {type(error).__name__}: {error}") from None
        if not response.is_success:
            raise DeliveryFailed(f"webhook: HTTP {response.status_code}")
        return f"webhook: HTTP {response.status_code}"

    def _post(
        self,
        client: httpx.Client,
        address: str,
        checked: Target,
        body: bytes,
        headers: dict[str, str],
    ) -> httpx.Response:
        """Posts to each checked address in turn until one accepts the connection."""
        for n, ip in enumerate(checked.addresses):
            url, host_header, extensions = _pinned(address, checked, ip)
            try:
                return client.post(
                    url,
                    content=body,
                    headers={**headers, "Host": host_header},
                    extensions=extensions,
                )
            except httpx.ConnectError:
                if n == len(checked.addresses) - 1:
                    raise
        raise AssertionError("a checked target has at least one address")


def _pinned(address: str, checked: Target, ip: IPAddress) -> tuple[str, str, dict[str, Any]]:
    """The URL with its host replaced by a checked address, the Host header the URL meant,
    and the TLS server name to check the certificate against."""
    parts = urlsplit(address)
    port = f":{parts.port}" if parts.port else ""
    netloc = (f"[{ip}]" if ip.version == 6 else str(ip)) + port
    url = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    name = f"[{checked.host}]" if ":" in checked.host else checked.host
    extensions: dict[str, Any] = (
        {"sni_hostname": checked.host}
        if parts.scheme == "https" and not is_literal(checked.host)
        else {}
    )
    return url, name + port, extensions


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
