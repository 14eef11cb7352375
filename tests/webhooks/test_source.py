"""The opt-in sender check: named addresses, X-Forwarded-For only through trusted proxies."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import Headers

from iamport_async.errors import InvalidInputError
from iamport_async.webhooks import IAMPORT_SOURCES, SourcePolicy

IAMPORT = ["52.78.100.19", "52.78.48.223", "52.78.5.241"]
PROXY = "10.0.0.5"
ATTACKER = "203.0.113.9"


@pytest.mark.parametrize("peer", IAMPORT)
def test_the_documented_addresses_are_iamport_sources(peer: str) -> None:
    assert SourcePolicy(IAMPORT_SOURCES).allows(peer, {})


@pytest.mark.parametrize("peer", [ATTACKER, "52.78.100.20", "127.0.0.1", "::1", "", None])
def test_other_or_unknown_peers_are_refused(peer: str | None) -> None:
    assert not SourcePolicy(IAMPORT_SOURCES).allows(peer, {})


def test_a_dual_stack_socket_reports_an_ipv4_mapped_address() -> None:
    assert SourcePolicy(IAMPORT_SOURCES).allows("::ffff:52.78.100.19", {})
    assert SourcePolicy(IAMPORT_SOURCES).allows(ipaddress.ip_address("52.78.48.223"), {})


def test_forwarded_for_is_ignored_when_no_proxy_is_trusted() -> None:
    forged = {"X-Forwarded-For": "52.78.100.19"}

    policy = SourcePolicy(IAMPORT_SOURCES)

    assert not policy.allows(ATTACKER, forged)
    assert policy.sender(ATTACKER, forged) == ipaddress.ip_address(ATTACKER)


def test_behind_a_trusted_proxy_the_sender_comes_from_forwarded_for() -> None:
    policy = SourcePolicy(IAMPORT_SOURCES, trusted_proxies=["10.0.0.0/8"])

    assert policy.allows(PROXY, {"x-forwarded-for": "52.78.5.241"})
    assert not policy.allows(PROXY, {"x-forwarded-for": ATTACKER})
    assert not policy.allows(PROXY, {}), "the proxy itself is not i'mport"


def test_forwarded_for_is_read_right_to_left_so_a_forged_left_entry_is_skipped() -> None:
    policy = SourcePolicy(IAMPORT_SOURCES, trusted_proxies=["10.0.0.0/8"])
    # The attacker wrote the first entry; the proxy appended the address it really saw.
    spoofed = {"X-Forwarded-For": f"52.78.100.19, {ATTACKER}"}

    assert policy.sender(PROXY, spoofed) == ipaddress.ip_address(ATTACKER)
    assert not policy.allows(PROXY, spoofed)


def test_a_chain_of_trusted_proxies_is_walked_through() -> None:
    policy = SourcePolicy(IAMPORT_SOURCES, trusted_proxies=["10.0.0.0/8", "172.16.0.0/12"])
    headers = {"X-Forwarded-For": f"{ATTACKER}, 52.78.48.223, 172.16.3.4, 10.1.1.1"}

    assert policy.sender(PROXY, headers) == ipaddress.ip_address("52.78.48.223")
    assert policy.allows(PROXY, headers)


def test_an_untrusted_peer_is_the_sender_whatever_it_forwards() -> None:
    policy = SourcePolicy(IAMPORT_SOURCES, trusted_proxies=["10.0.0.0/8"])

    assert not policy.allows(ATTACKER, {"X-Forwarded-For": "52.78.100.19"})


def test_repeated_forwarded_for_headers_are_read_as_one_list() -> None:
    policy = SourcePolicy(IAMPORT_SOURCES, trusted_proxies=["10.0.0.0/8"])
    headers = Headers(
        raw=[
            (b"x-forwarded-for", b"52.78.100.19"),
            (b"x-forwarded-for", f"{ATTACKER}, 10.0.0.7".encode()),
        ]
    )

    assert policy.sender(PROXY, headers) == ipaddress.ip_address(ATTACKER)


@pytest.mark.parametrize(
    ("hops", "sender"),
    [
        ("52.78.100.19:4431", "52.78.100.19"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("unknown", None),
        (f"{ATTACKER}, garbage", None),
        ("10.0.0.9, 10.0.0.8", "10.0.0.9"),
    ],
)
def test_hops_with_ports_and_unreadable_hops(hops: str, sender: str | None) -> None:
    policy = SourcePolicy(IAMPORT_SOURCES, trusted_proxies=["10.0.0.0/8"])

    found = policy.sender(PROXY, {"X-Forwarded-For": hops})

    assert found == (ipaddress.ip_address(sender) if sender else None)


def test_allowed_sources_are_configurable() -> None:
    policy = SourcePolicy(allowed_sources=["198.51.100.0/24"])

    assert policy.allows("198.51.100.77", {})
    assert not policy.allows("52.78.100.19", {})


def test_a_policy_names_its_sources_there_is_no_silent_default() -> None:
    """``SourcePolicy(trusted_proxies=...)`` once meant "i'mport's addresses": it must fail
    loudly rather than quietly allow everyone."""
    with pytest.raises(TypeError):
        SourcePolicy(trusted_proxies=["10.0.0.0/8"])  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"allowed_sources": "52.78.100.19"}, "allowed_sources"),
        ({"allowed_sources": ["52.78.100.300"]}, "allowed_sources"),
        (
            {"allowed_sources": IAMPORT_SOURCES, "trusted_proxies": ["10.0.0.1/8"]},
            "trusted_proxies",
        ),
        ({"allowed_sources": IAMPORT_SOURCES, "trusted_proxies": [None]}, "trusted_proxies"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        SourcePolicy(**kwargs)  # type: ignore[arg-type]

    assert caught.value.field == field


addresses = st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)).map(str)


@given(peer=addresses, hops=st.lists(addresses, max_size=5))
def test_without_trusted_proxies_the_sender_is_always_the_peer(peer: str, hops: list[str]) -> None:
    policy = SourcePolicy(IAMPORT_SOURCES)

    found = policy.sender(peer, {"X-Forwarded-For": ", ".join(hops)})

    expected = ipaddress.ip_address(peer)
    if isinstance(expected, ipaddress.IPv6Address) and expected.ipv4_mapped is not None:
        expected = expected.ipv4_mapped
    assert found == expected
