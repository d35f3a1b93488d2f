"""The SSRF guard: a webhook URL is resolved once, every address it names must be public (unless private networks
are allowed), and the request goes to that exact address with the original host name for TLS and the Host header.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass

import httpx

from api.settings import Settings

MAX_URL_LENGTH = 2048
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """The URL may not be called: the message says why, in one line a person can act on."""


@dataclass(frozen=True)
class Target:
    """Where one request goes: the URL as given, and the address it resolved to."""

    url: httpx.URL
    address: IPAddress

    @property
    def request_url(self) -> httpx.URL:
        """The URL with its host replaced by the resolved address (no second lookup can change it)."""
        return self.url.copy_with(host=str(self.address))

    @property
    def host_header(self) -> str:
        default = {"http": 80, "https": 443}[self.url.scheme]
        port = self.url.port
        return self.url.host if port in (None, default) else f"{self.url.host}:{port}"


def parse_url(url: str, *, settings: Settings) -> httpx.URL:
    """The URL, if its form is acceptable: http(s) (https only in production), a host, no credentials."""
    if len(url) > MAX_URL_LENGTH:
        raise Refused(f"the URL is longer than {MAX_URL_LENGTH} characters")
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, ValueError):
        raise Refused("the URL is not valid") from None
    if parsed.scheme not in ("http", "https"):
        raise Refused("the URL must start with https:// (or http:// outside production)")
    if settings.production and parsed.scheme != "https":
        raise Refused("production mode sends webhooks over https only")
    if not parsed.host:
        raise Refused("the URL has no host")
    if parsed.userinfo:
        raise Refused("the URL may not carry a user name or password: authenticate requests by their signature")
    if parsed.fragment:
        raise Refused("the URL may not have a #fragment")
    return parsed


NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # the well-known prefix: its last 32 bits are an IPv4 address


def is_public(address: IPAddress) -> bool:
    """Whether an address is on the public internet: no loopback, private, link-local, metadata, shared or reserved
    range, also when an IPv6 address embeds an IPv4 one (mapped, 6to4, Teredo, NAT64)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None and not embedded.is_global:
            return False
    return address.is_global and not address.is_multicast


async def resolve(url: str, *, settings: Settings) -> Target:
    """Resolve the URL's host once and check every address; Refused when the guard forbids it."""
    parsed = parse_url(url, settings=settings)
    host = parsed.host
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused(f"the host {host} cannot be resolved") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise Refused(f"the host {host} cannot be resolved")
    if not settings.webhooks_may_reach_private_networks:
        private = [address for address in addresses if not is_public(address)]
        if private:
            raise Refused(f"the host {host} resolves to {private[0]}, which is not a public address "
                          "(RAPPORT_WEBHOOK_ALLOW_PRIVATE_NETWORKS is off)")
    return Target(url=parsed, address=addresses[0])
