"""Where a webhook may point: public addresses only, so that whoever registers a channel cannot
make the worker post into this machine or its network (server-side request forgery).

Loopback, private, link-local (and so cloud metadata at 169.254.169.254), shared, reserved,
multicast and unspecified addresses are refused, as are IPv6 addresses that carry such an IPv4
address (IPv4-mapped, 6to4, NAT64). A deployment that must reach one allows its range in
HIFAZAT_WEBHOOK_ALLOW (comma-separated CIDR ranges, e.g. `127.0.0.0/8`).

The check is made on every address the host name resolves to when the notice is sent, and the
worker then connects to the address it checked, so a name that resolves to a public address
when checked and to a private one a moment later (DNS rebinding) gains nothing."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from urllib.parse import urlsplit

from hifazat.domain.errors import InvalidInput

ALLOW_ENV = "HIFAZAT_WEBHOOK_ALLOW"

IPAddress = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network
#: NAT64's well-known prefix: the last 32 bits are the IPv4 address reached
NAT64 = ip_network("64:ff9b::/96")


class AddressRefused(ValueError):
    """The webhook's address is not one the worker may post to; the message says which and why."""


class Unresolvable(AddressRefused):
    """The host name does not resolve (now): nothing can be sent, and nothing was checked."""


@dataclass(frozen=True)
class Target:
    """Where to connect for a webhook: the checked addresses (tried in order), and the name
    the URL gave."""

    addresses: tuple[IPAddress, ...]
    host: str
    port: int


def allowed_ranges(text: str | None = None) -> tuple[Network, ...]:
    """The ranges the deployment allows despite the rules (from HIFAZAT_WEBHOOK_ALLOW)."""
    raw = os.environ.get(ALLOW_ENV, "") if text is None else text
    ranges = []
    for item in raw.replace(" ", ",").split(","):
        if not item:
            continue
        try:
            ranges.append(ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"{ALLOW_ENV}: {item!r} is not an address range") from None
    return tuple(ranges)


def _embedded(ip: IPAddress) -> IPv4Address | None:
    if not isinstance(ip, IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in NAT64:
        return IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _why_not(ip: IPAddress) -> str | None:
    if ip.is_unspecified:
        return "the unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address (cloud metadata lives there)"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if ip.is_reserved or not ip.is_global:
        return "not a public address"
    return None


def refusal(ip: IPAddress, allow: tuple[Network, ...]) -> str | None:
    """Why the worker may not post to `ip` (None: it may)."""
    inner = _embedded(ip)
    candidates = [ip] if inner is None else [ip, inner]
    for net in allow:
        if any(c.version == net.version and c in net for c in candidates):
            return None
    if inner is not None and (why := _why_not(inner)) is not None:
        return f"{ip} carries {inner}, {why}"
    why = _why_not(ip)
    return None if why is None else f"{ip} is {why}"


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to, in the resolver's order, without repeats."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Unresolvable(f"{host} does not resolve: {error}") from None
    found: list[IPAddress] = []
    for info in infos:
        ip = ip_address(str(info[4][0]).split("%", 1)[0])
        if ip not in found:
            found.append(ip)
    if not found:
        raise Unresolvable(f"{host} resolves to no address")
    return found


def check_webhook_url(url: str, allow: tuple[Network, ...] | None = None) -> Target:
    """The address to connect to for `url`, after checking every address its host resolves to;
    raises AddressRefused naming the first refused one."""
    allow = allowed_ranges() if allow is None else allow
    parts = urlsplit(url)
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise AddressRefused("a webhook is an http:// or https:// URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise AddressRefused("the URL's port is not a number from 0 to 65535") from None
    addresses = resolve(host, port)
    for ip in addresses:
        why = refusal(ip, allow)
        if why is not None:
            named = "" if is_literal(host) else f"{host} resolves to "
            raise AddressRefused(
                f"{named}{why}; webhooks go to public addresses only "
                f"(a deployment may allow a range in {ALLOW_ENV})"
            )
    return Target(tuple(addresses), host, port)


def is_literal(host: str) -> bool:
    try:
        ip_address(host)
    except ValueError:
        return False
    return True


def check_registered(address: str) -> None:
    """The check made when a webhook is registered (`services.channels.add_channel`'s port): a
    refused address is bad input; one that does not resolve now passes, as it is checked again,
    resolved, at every send."""
    try:
        check_webhook_url(address)
    except Unresolvable:
        pass
    except AddressRefused as refused:
        raise InvalidInput("address", str(refused)) from None
    except ValueError as error:  # the allow setting itself is malformed
        raise InvalidInput(ALLOW_ENV, str(error).removeprefix(f"{ALLOW_ENV}: ")) from None
