"""``Iamport``: the client a user holds. One per process; every request handler shares it."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self

import anyio
import attrs
import httpx

from iamport_async._transport import (
    AdaptiveRateLimiter,
    CallOptions,
    Clock,
    Credentials,
    Idempotency,
    RateLimiter,
    RetryBudget,
    RetryPolicy,
    SystemClock,
    TokenBucket,
    Transport,
    TransportConfig,
    Unlimited,
)
from iamport_async._transport.query import QueryParams
from iamport_async.endpoints.benepia import Benepia
from iamport_async.endpoints.certifications import Certifications
from iamport_async.endpoints.codes import Codes
from iamport_async.endpoints.customers import Customers
from iamport_async.endpoints.cvs import Cvs
from iamport_async.endpoints.escrow import Escrow
from iamport_async.endpoints.kcpquick import KcpQuick
from iamport_async.endpoints.naverpay import NaverPay
from iamport_async.endpoints.payco import Payco
from iamport_async.endpoints.payments import Payments
from iamport_async.endpoints.paymentwall import Paymentwall
from iamport_async.endpoints.pg import PgSettings
from iamport_async.endpoints.receipts import Receipts
from iamport_async.endpoints.subscribe import Subscribe
from iamport_async.endpoints.tiers import Tiers
from iamport_async.endpoints.vbanks import Vbanks
from iamport_async.errors import InvalidInputError
from iamport_async.shared import Shared

API_URL = "https://api.iamport.kr"
STATIC_API_URL = "https://static-api.iamport.kr"
"""The host with fixed outbound addresses, for networks that allow-list by IP."""

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
DEFAULT_MAX_CONCURRENCY = 64

_TIER = re.compile(r"[A-Z0-9]{3}")
_UNSET: Any = object()


class Iamport:
    """Async client of the i'mport (PortOne V1) REST API.

    ::

        async with Iamport(imp_key="...", imp_secret="...") as client:
            payment = await client.payments.get("imp_123412341234")

    The token is fetched on first use, shared by every call and refreshed ahead of its
    expiry. Calls are retried where that is safe (see ``docs/retries.md``), limited to
    ``max_concurrency`` in flight and ``rate_limit`` starts per second.

    Options:

    - ``base_url``: :data:`API_URL`, or :data:`STATIC_API_URL` for fixed outbound addresses.
    - ``tier``: the 3-character sub-merchant code of an agency account (``Tier`` header).
    - ``timeout``: seconds (or an ``httpx.Timeout``) per attempt; ``total_timeout`` bounds a
      whole call with its retries.
    - ``max_retries``: retries per call after the first attempt.
    - ``max_concurrency``: requests in flight at once (``None``: no cap beyond the pool).
    - ``rate_limit``: requests started per second (``None``: no limit); ``adaptive=True`` lowers
      it when the server throttles (429/503) and climbs back; ``rate_limiter`` replaces both
      with any :class:`~iamport_async._transport.RateLimiter`.
    - ``shared``: a backend shared by a fleet of processes on one account (e.g.
      ``iamport_async.shared.RedisShared.from_url(...)``): one rate budget and one token.
    - ``max_wait``: fail fast. A call that would queue longer than this for a slot raises
      :class:`~iamport_async.errors.BackpressureError` instead (for web handlers).
    - ``http_client`` or ``transport``: bring your own ``httpx.AsyncClient`` (left open on
      close) or ``httpx`` transport (for tests: ``iamport_async.testing``).
    - ``clock``: injected time, for tests.
    """

    def __init__(
        self,
        *,
        imp_key: str,
        imp_secret: str,
        base_url: str = API_URL,
        tier: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        total_timeout: float = 60.0,
        max_retries: int = 3,
        max_concurrency: int | None = DEFAULT_MAX_CONCURRENCY,
        rate_limit: float | None = None,
        adaptive: bool = False,
        rate_limiter: RateLimiter | None = None,
        shared: Shared | None = None,
        max_wait: float | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        retry_budget: RetryBudget | None = None,
        seed: int | None = None,
    ) -> None:
        for field, value in (("imp_key", imp_key), ("imp_secret", imp_secret)):
            if not isinstance(value, str) or not value:
                raise InvalidInputError(field, "must be a non-empty string")
        if http_client is not None and transport is not None:
            raise InvalidInputError("transport", "give http_client or transport, not both")
        if max_concurrency is not None and max_concurrency < 1:
            raise InvalidInputError("max_concurrency", "must be at least 1")
        clock = clock or SystemClock()
        binding = None
        if shared is not None:
            if rate_limiter is not None:
                raise InvalidInputError("shared", "give rate_limiter or shared, not both")
            binding = shared.bind(imp_key=imp_key, clock=clock)
            rate_limiter = binding.rate_limiter
        config = TransportConfig(
            base_url=_base_url(base_url),
            timeout=_timeout(timeout),
            retry=_retry_policy(max_retries, total_timeout),
            tier=_tier(tier),
            max_wait=_max_wait(max_wait),
        )
        self._owns_http = http_client is None
        if http_client is None:
            connections = max(max_concurrency or 100, 10)
            http_client = httpx.AsyncClient(
                transport=transport,
                limits=httpx.Limits(
                    max_connections=connections, max_keepalive_connections=connections
                ),
                headers={"Accept": "application/json"},
            )
        self._transport = Transport(
            credentials=Credentials(imp_key, imp_secret),
            config=config,
            http=http_client,
            clock=clock,
            rate_limiter=rate_limiter or _rate_limiter(rate_limit, adaptive, clock),
            concurrency=anyio.CapacityLimiter(max_concurrency) if max_concurrency else None,
            retry_budget=retry_budget or RetryBudget(),
            rng=random.Random(seed),
        )
        if binding is not None and binding.token_store is not None:
            self._transport.tokens.store = binding.token_store
        self._attach_groups()

    def _attach_groups(self) -> None:
        """One attribute per API group, each sharing this client's transport."""
        transport = self._transport
        self.payments = Payments(transport)
        self.customers = Customers(transport)
        self.receipts = Receipts(transport)
        self.vbanks = Vbanks(transport)
        self.certifications = Certifications(transport)
        self.escrow = Escrow(transport)
        self.cvs = Cvs(transport)
        self.benepia = Benepia(transport)
        self.subscribe = Subscribe(transport)
        self.naverpay = NaverPay(transport)
        self.payco = Payco(transport)
        self.kcpquick = KcpQuick(transport)
        self.codes = Codes(transport)
        self.pg = PgSettings(transport)
        self.tiers = Tiers(transport)
        self.paymentwall = Paymentwall(transport)

    @classmethod
    def _derived(cls, transport: Transport) -> Self:
        client = cls.__new__(cls)
        client._transport = transport
        client._owns_http = False
        client._attach_groups()
        return client

    def __repr__(self) -> str:
        tier = f" tier={self._transport.config.tier}" if self._transport.config.tier else ""
        return f"<Iamport {self._transport.config.base_url}{tier}>"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool (unless it was passed in, or this is a ``with_options``
        copy: the original owns it)."""
        if self._owns_http:
            await self._transport.http.aclose()

    def with_options(
        self,
        *,
        tier: str | None = _UNSET,
        timeout: float | httpx.Timeout | None = None,
        total_timeout: float | None = None,
        max_retries: int | None = None,
        max_wait: float | None = _UNSET,
        rate_limit: float | None = None,
        max_concurrency: int | None = None,
    ) -> Iamport:
        """A copy with other settings that shares this client's pool, token and retry budget.

        For a sub-merchant (``tier="A01"``), a short-deadline call in a request handler
        (``timeout=2, max_retries=0, max_wait=0.1``), or a slower lane for a batch job
        (``rate_limit=5``, its own limiter). Closing the copy closes nothing.
        """
        config = self._transport.config
        retry = config.retry
        if max_retries is not None or total_timeout is not None:
            retry = _retry_policy(
                retry.max_retries if max_retries is None else max_retries,
                retry.total_timeout if total_timeout is None else total_timeout,
            )
        config = attrs.evolve(
            config,
            tier=config.tier if tier is _UNSET else _tier(tier),
            timeout=config.timeout if timeout is None else _timeout(timeout),
            retry=retry,
            max_wait=config.max_wait if max_wait is _UNSET else _max_wait(max_wait),
        )
        transport = self._transport.derive(
            config,
            rate_limiter=(
                None
                if rate_limit is None
                else _rate_limiter(rate_limit, False, self._transport.clock)
            ),
            concurrency=anyio.CapacityLimiter(max_concurrency) if max_concurrency else None,
        )
        return self._derived(transport)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams | None = None,
        json: Mapping[str, Any] | None = None,
        idempotency: Idempotency = Idempotency.READ,
        options: CallOptions | None = None,
    ) -> Any:
        """Send any API call and return the envelope's ``response`` payload, undecoded.

        The escape hatch under every endpoint method: the token, retries, rate control and
        error mapping apply as usual. ``path`` must be URL-encoded already. ``idempotency``
        says whether the call may be sent twice (a mutation without a guard: ``UNGUARDED``).
        """
        return await self._transport.request(
            method.upper(),
            path,
            params=params,
            json=json,
            idempotency=idempotency,
            options=options,
        )


def _base_url(value: str) -> str:
    url = httpx.URL(value)
    if url.scheme not in ("https", "http") or not url.host:
        raise InvalidInputError("base_url", f"must be an http(s) URL, got {value!r}")
    return value.rstrip("/")


def _timeout(value: float | httpx.Timeout) -> httpx.Timeout:
    if isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise InvalidInputError("timeout", f"must be a positive number of seconds, got {value!r}")
    return httpx.Timeout(float(value))


def _retry_policy(max_retries: int, total_timeout: float) -> RetryPolicy:
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise InvalidInputError("max_retries", f"must be an int >= 0, got {max_retries!r}")
    if not total_timeout > 0:
        raise InvalidInputError("total_timeout", f"must be positive, got {total_timeout!r}")
    return RetryPolicy(max_retries=max_retries, total_timeout=float(total_timeout))


def _tier(value: str | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _TIER.fullmatch(value):
        raise InvalidInputError("tier", "must be 3 uppercase letters or digits, e.g. 'A01'")
    return value


def _max_wait(value: float | None) -> float | None:
    if value is not None and not value >= 0:
        raise InvalidInputError("max_wait", f"must be >= 0 seconds, got {value!r}")
    return value


def _rate_limiter(rate: float | None, adaptive: bool, clock: Clock) -> RateLimiter:
    if rate is not None and not rate > 0:
        raise InvalidInputError("rate_limit", f"must be positive, got {rate!r}")
    if adaptive:
        return AdaptiveRateLimiter(clock, max_rate=rate)
    return Unlimited() if rate is None else TokenBucket(rate, clock)
