"""Is this webhook from i'mport? An opt-in check of the sender's address.

Webhooks are signed by nothing, so the sender's address is the only transport-level check
there is, and it is optional: the verdict rests on re-fetching the payment (see
:func:`~iamport_async.webhooks.verify`), which a forged body cannot pass. PortOne has changed
its outbound addresses before and its docs call the check optional, so it is off unless a
:class:`SourcePolicy` is given. Behind a reverse proxy the peer is the proxy; the sender is
then read from ``X-Forwarded-For``, but only through proxies the caller names as trusted: any
client can write that header, so with no trusted proxy it is ignored entirely.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import TypeAlias

import attrs

from iamport_async.errors import InvalidInputError

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network

IAMPORT_SOURCES: tuple[IPNetwork, ...] = (
    ipaddress.ip_network("52.78.100.19/32"),
    ipaddress.ip_network("52.78.48.223/32"),
    ipaddress.ip_network("52.78.5.241/32"),
)
"""The addresses i'mport documents for webhooks (the third also sends the console's "Test
Webhook"), for ``SourcePolicy(IAMPORT_SOURCES)``. They have changed before: check the
console's documentation when webhooks start to be refused."""

FORWARDED_FOR = "x-forwarded-for"


def _networks(field: str, values: Iterable[str | IPNetwork | IPAddress]) -> tuple[IPNetwork, ...]:
    if isinstance(values, str):
        raise InvalidInputError(field, "must be a list of networks, not one string")
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value))
        except (TypeError, ValueError) as error:
            raise InvalidInputError(field, f"{value!r} is not an IP network: {error}") from None
    return tuple(networks)


def _sources(values: Iterable[str | IPNetwork | IPAddress]) -> tuple[IPNetwork, ...]:
    return _networks("allowed_sources", values)


def _proxies(values: Iterable[str | IPNetwork | IPAddress]) -> tuple[IPNetwork, ...]:
    return _networks("trusted_proxies", values)


@attrs.frozen
class SourcePolicy:
    """Which addresses may send webhooks, and which proxies may say who the sender was.

    ``allowed_sources`` has no default: name the addresses you accept, usually
    :data:`IAMPORT_SOURCES`. ``trusted_proxies`` lists your own reverse proxies or load
    balancers (e.g. ``["10.0.0.0/8"]``); leave it empty when the app is reached directly,
    and ``X-Forwarded-For`` is then never read.
    """

    allowed_sources: tuple[IPNetwork, ...] = attrs.field(converter=_sources)
    """The networks a webhook may come from (addresses or CIDR blocks)."""
    trusted_proxies: tuple[IPNetwork, ...] = attrs.field(default=(), converter=_proxies)
    """Your own proxies, whose ``X-Forwarded-For`` is believed; empty: never read."""

    def sender(self, peer: str | IPAddress | None, headers: Mapping[str, str]) -> IPAddress | None:
        """The address that sent the request; None when it cannot be told.

        ``peer`` is the TCP peer (``request.client.host``). When it is a trusted proxy,
        ``X-Forwarded-For`` is read right to left, skipping trusted proxies; the first
        untrusted hop is the sender. If every hop is trusted, the leftmost one is. A hop
        that is not an address stops the walk (None): a proxy chain that cannot be read is
        not guessed at.
        """
        address = _address(peer)
        if address is None or not self._trusted(address):
            return address
        hops = _forwarded_for(headers)
        for position, hop in enumerate(reversed(hops)):
            hop_address = _address(hop)
            if hop_address is None:
                return None
            if not self._trusted(hop_address) or position == len(hops) - 1:
                return hop_address
        return address

    def allows(self, peer: str | IPAddress | None, headers: Mapping[str, str]) -> bool:
        """Whether the request's sender (see :meth:`sender`) is an allowed source."""
        address = self.sender(peer, headers)
        return address is not None and any(address in net for net in self.allowed_sources)

    def _trusted(self, address: IPAddress) -> bool:
        return any(address in net for net in self.trusted_proxies)


def _forwarded_for(headers: Mapping[str, str]) -> list[str]:
    """Every ``X-Forwarded-For`` hop, in order, across repeated headers (case-insensitive).

    ``items()`` is used because multi-value header types (Starlette, aiohttp) list each
    repetition there, while ``get`` would return only the first.
    """
    hops: list[str] = []
    for name, value in headers.items():
        if name.lower() == FORWARDED_FOR:
            hops.extend(hop.strip() for hop in value.split(","))
    return hops


def _address(value: str | IPAddress | None) -> IPAddress | None:
    """An address from a peer or a hop (``1.2.3.4``, ``1.2.3.4:80``, ``[::1]:80``), or None.

    IPv4-mapped IPv6 (``::ffff:1.2.3.4``, what a dual-stack socket reports) becomes IPv4.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            text = text[1 : text.find("]")] if "]" in text else ""
        elif text.count(":") == 1:
            text = text.partition(":")[0]
        try:
            value = ipaddress.ip_address(text)
        except ValueError:
            return None
    if isinstance(value, ipaddress.IPv6Address) and value.ipv4_mapped is not None:
        return value.ipv4_mapped
    return value
