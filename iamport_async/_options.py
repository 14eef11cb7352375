"""Checks of the client's options (``Iamport(...)``, ``with_options`` and ``CallOptions``).

Each returns the value as the engine takes it, or raises ``InvalidInputError`` naming the
option: a wrong type is bad input too, never a ``TypeError`` from deep inside. ``True`` is
not a number here, NaN and infinity are not durations.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict, TypeVar

import anyio
import attrs
import httpx

from iamport_async._engine import EngineConfig, RetryPolicy
from iamport_async._routes import route_template
from iamport_async.clock import Clock
from iamport_async.errors import InvalidInputError
from iamport_async.instrumentation import Hooks, Instrumentation
from iamport_async.ratelimit import AdaptiveRateLimiter, RateLimiter, TokenBucket, Unlimited

T = TypeVar("T")
_TIER = re.compile(r"[A-Z0-9]{3}")
_LOOPBACK_NAMES = ("localhost",)


def number(field: str, value: object, *, above: float | None = None, least: float = 0) -> float:
    """A finite int or float (not a bool), at least ``least`` or, given ``above``, above it."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInputError(field, f"must be a number, got {type(value).__name__}")
    if not math.isfinite(value):
        raise InvalidInputError(field, "must be a finite number")
    if above is not None and not value > above:
        raise InvalidInputError(field, f"must be above {above:g}")
    if above is None and not value >= least:
        raise InvalidInputError(field, f"must be at least {least:g}")
    return float(value)


def integer(field: str, value: object, *, least: int | None = None) -> int:
    """An int (not a bool) of at least ``least``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(field, f"must be an int, got {type(value).__name__}")
    if least is not None and value < least:
        raise InvalidInputError(field, f"must be at least {least}")
    return value


def flag(field: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidInputError(field, f"must be a bool, got {type(value).__name__}")
    return value


def instance(field: str, value: object, kind: type[T]) -> T | None:
    """``value`` if it is None or a ``kind``."""
    if value is not None and not isinstance(value, kind):
        raise InvalidInputError(field, f"must be a {kind.__name__}, got {type(value).__name__}")
    return value


def implements(field: str, value: object, *methods: str) -> None:
    """``value`` is None or has the methods of the protocol it stands for."""
    if value is not None and not all(callable(getattr(value, name, None)) for name in methods):
        wanted = ", ".join(f"{name}()" for name in methods)
        raise InvalidInputError(field, f"must have {wanted}, got {type(value).__name__}")


def base_url(value: object) -> str:
    """``https://`` to any host, or ``http://`` to this machine (tests, a local fake).

    The key and secret travel in the first request: plain HTTP over a network, a user name
    or password (they would land in reprs and logs), a query or a fragment (the API path
    would be appended after them, so ``/users/getToken`` went to ``/``) are refused. The
    message never repeats the URL: it may hold a password.
    """
    if not isinstance(value, str):
        raise InvalidInputError("base_url", f"must be a string, got {type(value).__name__}")
    if any(character.isspace() for character in value):  # a pasted URL's stray space or newline
        raise InvalidInputError("base_url", "must not contain whitespace")
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL:
        raise InvalidInputError("base_url", "is not a valid URL") from None
    if url.scheme not in ("https", "http") or not url.host:
        raise InvalidInputError("base_url", "must be an https:// URL with a host")
    if url.port is not None and not 0 < url.port < 65536:  # httpx takes 99999, then fails
        raise InvalidInputError("base_url", "has a port outside 1 to 65535")
    if url.userinfo:
        raise InvalidInputError("base_url", "must not hold a user name or password")
    if "?" in value or "#" in value:
        raise InvalidInputError("base_url", "must not hold a query (?) or a fragment (#)")
    if url.scheme == "http" and not _is_loopback(url.host):
        raise InvalidInputError(
            "base_url", "must be https:// (http:// only to this machine: 127.0.0.1, ::1)"
        )
    return value.rstrip("/")


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def timeout(value: object) -> httpx.Timeout:
    if isinstance(value, httpx.Timeout):
        return value
    return httpx.Timeout(number("timeout", value, above=0))


def retry_policy(max_retries: object, total_timeout: object) -> RetryPolicy:
    return RetryPolicy(
        max_retries=integer("max_retries", max_retries, least=0),
        total_timeout=number("total_timeout", total_timeout, above=0),
    )


def tier(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _TIER.fullmatch(value):
        raise InvalidInputError("tier", "must be 3 uppercase letters or digits, e.g. 'A01'")
    return value


def max_wait(value: object) -> float | None:
    return None if value is None else number("max_wait", value, least=0)


def max_concurrency(value: object) -> int | None:
    return None if value is None else integer("max_concurrency", value, least=1)


def capacity(limit: int | None) -> anyio.CapacityLimiter | None:
    """The concurrency cap of a checked ``max_concurrency`` (``None``: no cap)."""
    return anyio.CapacityLimiter(limit) if limit else None


def rate_limiter(rate: object, adaptive: object, clock: Clock) -> RateLimiter:
    limit = None if rate is None else number("rate_limit", rate, above=0)
    if flag("adaptive", adaptive):
        return AdaptiveRateLimiter(clock, max_rate=limit)
    return Unlimited() if limit is None else TokenBucket(limit, clock)


def instrumentation(value: object, clock: Clock) -> Hooks | None:
    """One hook (anything with ``on_event``) or a list or tuple of them, as the engine's
    :class:`~iamport_async.instrumentation.Hooks`; ``None`` (or an empty list) for none."""
    if value is None:
        return None
    hooks: Sequence[object] = value if isinstance(value, list | tuple) else (value,)
    for index, hook in enumerate(hooks):
        name = "instrumentation" if hooks is not value else f"instrumentation[{index}]"
        implements(name, hook, "on_event")
        if hook is None:
            raise InvalidInputError(name, "must have on_event(), got NoneType")
    checked: list[Instrumentation] = list(hooks)  # type: ignore[arg-type]
    if not checked:
        return None
    return Hooks(checked, routes=route_template, monotonic=clock.monotonic)


class Overrides(TypedDict, total=False):
    """What ``Iamport.with_options`` may change; the options not given stay as they are."""

    tier: str | None
    """The sub-merchant code; ``None``: the agency itself."""
    timeout: float | httpx.Timeout
    total_timeout: float
    max_retries: int
    max_wait: float | None
    """Fail-fast bound in seconds; ``None``: wait for a slot."""
    rate_limit: float
    """A limiter of the copy's own, of this many starts per second."""
    max_concurrency: int
    """A cap of the copy's own on requests in flight."""


def overrides(config: EngineConfig, changes: Mapping[str, object], clock: Clock) -> EngineConfig:
    """``config`` with ``changes`` (see :class:`Overrides`), each checked as ``Iamport(...)``
    checks it. The policies not changed (retry budget, limiter, token store) stay shared."""
    for name in changes:
        if name not in Overrides.__annotations__:
            raise InvalidInputError(name, "is not an option with_options can change")
    evolved: dict[str, Any] = {}
    if "tier" in changes:
        evolved["tier"] = tier(changes["tier"])
    if "timeout" in changes:
        evolved["timeout"] = timeout(changes["timeout"])
    if "max_retries" in changes or "total_timeout" in changes:
        retry = config.retry
        checked = retry_policy(
            changes.get("max_retries", retry.max_retries),
            changes.get("total_timeout", retry.total_timeout),
        )  # the other settings of the policy are kept
        evolved["retry"] = attrs.evolve(
            retry, max_retries=checked.max_retries, total_timeout=checked.total_timeout
        )
    if "max_wait" in changes:
        evolved["max_wait"] = max_wait(changes["max_wait"])
    if "rate_limit" in changes:
        evolved["rate_limiter"] = TokenBucket(
            number("rate_limit", changes["rate_limit"], above=0), clock
        )
    if "max_concurrency" in changes:
        evolved["concurrency"] = capacity(
            integer("max_concurrency", changes["max_concurrency"], least=1)
        )
    return attrs.evolve(config, **evolved)
