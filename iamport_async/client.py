"""``Iamport``: the client a user holds. One per process; every request handler shares it."""

from __future__ import annotations

import copy as _copy
import random
from collections.abc import Awaitable, Mapping, Sequence
from typing import Any, Self, TypeVar, Unpack

import attrs
import httpx

from iamport_async import _defaults, _options
from iamport_async._defaults import API_URL as API_URL
from iamport_async._defaults import STATIC_API_URL as STATIC_API_URL
from iamport_async._engine import Credentials, Engine, EngineConfig, Request
from iamport_async._engine.query import QueryParams
from iamport_async._engine.raw import capture as capture_raw
from iamport_async._environment import credential
from iamport_async._options import Overrides
from iamport_async.clock import Clock, SystemClock
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
from iamport_async.fleet import Shared
from iamport_async.instrumentation import Instrumentation
from iamport_async.ratelimit import RateLimiter
from iamport_async.raw import RawResponse
from iamport_async.retry import Idempotency, RetryBudget

DEFAULT_TIMEOUT = httpx.Timeout(_defaults.TIMEOUT, connect=_defaults.CONNECT_TIMEOUT)
DEFAULT_MAX_CONCURRENCY = _defaults.MAX_CONCURRENCY

T = TypeVar("T")


@attrs.frozen
class CallOptions:
    """Per-call overrides of the client's settings; ``None`` keeps the client's value."""

    timeout: float | None = None
    """Seconds per attempt, for this call."""
    max_retries: int | None = None
    """Retries after the first attempt, for this call (0: one attempt only)."""
    total_timeout: float | None = None
    """Seconds for the whole call, its retries and their waits included."""
    tier: str | None = None
    """The sub-merchant code (``Tier`` header) this call acts for."""

    def changes(self) -> dict[str, object]:
        """The options given (not None), as ``with_options`` takes them: a call with options
        is sent by a copy of the client's engine, built and checked the same way."""
        return {name: value for name, value in attrs.asdict(self).items() if value is not None}


class Iamport:
    """Async client of the i'mport (PortOne V1) REST API.

    ::

        async with Iamport() as client:  # IAMPORT_API_KEY, IAMPORT_API_SECRET
            payment = await client.payments.get("imp_123412341234")

    ``imp_key`` and ``imp_secret`` not given are read from the environment variables
    ``IAMPORT_API_KEY`` and ``IAMPORT_API_SECRET``; an argument wins over the variable. The
    token is fetched on first use, shared by every call and refreshed ahead of its
    expiry. Calls are retried where that is safe (see ``docs/retries.md``), limited to
    ``max_concurrency`` in flight and ``rate_limit`` starts per second.

    Options:

    - ``base_url``: :data:`API_URL`, or :data:`STATIC_API_URL` for fixed outbound addresses.
      Only ``https://`` (``http://`` to 127.0.0.1, ``::1`` or localhost, for tests), with no
      user name, password, query or fragment.
    - ``tier``: the 3-character sub-merchant code of an agency account (``Tier`` header).
    - ``timeout``: seconds (or an ``httpx.Timeout``) per attempt; ``total_timeout`` bounds a
      whole call with its retries.
    - ``max_retries``: retries per call after the first attempt.
    - ``max_concurrency``: requests in flight at once (``None``: no cap beyond the pool).
    - ``rate_limit``: requests started per second (``None``: no limit); ``adaptive=True`` lowers
      it when the server throttles (429/503) and climbs back; ``rate_limiter`` replaces both
      with any :class:`~iamport_async.ratelimit.RateLimiter`.
    - ``shared``: a backend shared by a fleet of processes on one account (e.g.
      ``iamport_async.fleet.RedisShared.from_url(...)``): one rate budget and one token.
    - ``max_wait``: fail fast. A call that would queue longer than this for a slot raises
      :class:`~iamport_async.errors.BackpressureError` instead (for web handlers).
    - ``http_client`` or ``transport``: bring your own ``httpx.AsyncClient`` (left open on
      close) or ``httpx`` transport (for tests: ``iamport_async.testing``).
    - ``instrumentation``: an object with ``on_event(event)``, or a list of them, told of
      every call, attempt, retry, throttle, limiter wait and token refresh (see
      :mod:`iamport_async.instrumentation`; :mod:`iamport_async.otel` for OpenTelemetry).
    - ``clock``: injected time, for tests.
    """

    def __init__(
        self,
        *,
        imp_key: str | None = None,
        imp_secret: str | None = None,
        base_url: str = API_URL,
        tier: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        total_timeout: float = _defaults.TOTAL_TIMEOUT,
        max_retries: int = _defaults.MAX_RETRIES,
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
        instrumentation: Instrumentation | Sequence[Instrumentation] | None = None,
    ) -> None:
        imp_key = credential("imp_key", imp_key)
        imp_secret = credential("imp_secret", imp_secret)
        _check_injected(http_client, transport, rate_limiter, shared, clock, retry_budget, seed)
        max_concurrency = _options.max_concurrency(max_concurrency)
        clock = clock or SystemClock()
        hooks = _options.instrumentation(instrumentation, clock)
        local_limiter = _options.rate_limiter(rate_limit, adaptive, clock)
        config = EngineConfig(
            base_url=_options.base_url(base_url),
            timeout=_options.timeout(timeout),
            retry=_options.retry_policy(max_retries, total_timeout),
            tier=_options.tier(tier),
            max_wait=_options.max_wait(max_wait),
            hooks=hooks,
            rate_limiter=rate_limiter or local_limiter,
            concurrency=_options.capacity(max_concurrency),
            retry_budget=retry_budget or RetryBudget(),
        )
        if shared is not None:
            if rate_limiter is not None:
                raise InvalidInputError("shared", "give rate_limiter or shared, not both")
            binding = shared.bind(imp_key=imp_key, clock=clock)
            config = attrs.evolve(
                config,
                rate_limiter=binding.rate_limiter or local_limiter,
                token_store=binding.token_store,
            )
        owns_http = http_client is None
        if http_client is None:
            http_client = _pool(transport, max_concurrency)
        engine = Engine(
            credentials=Credentials(imp_key, imp_secret),
            config=config,
            http=http_client,
            clock=clock,
            rng=random.Random(seed),
        )
        self._use(engine, owns_http=owns_http)

    def _use(self, engine: Engine, *, owns_http: bool) -> None:
        """Send through ``engine``: one attribute per API group, each sharing it."""
        self._engine = engine
        self._owns_http = owns_http
        self.payments = Payments(engine)
        self.customers = Customers(engine)
        self.receipts = Receipts(engine)
        self.vbanks = Vbanks(engine)
        self.certifications = Certifications(engine)
        self.escrow = Escrow(engine)
        self.cvs = Cvs(engine)
        self.benepia = Benepia(engine)
        self.subscribe = Subscribe(engine)
        self.naverpay = NaverPay(engine)
        self.payco = Payco(engine)
        self.kcpquick = KcpQuick(engine)
        self.codes = Codes(engine)
        self.pg = PgSettings(engine)
        self.tiers = Tiers(engine)
        self.paymentwall = Paymentwall(engine)

    def __repr__(self) -> str:
        tier = f" tier={self._engine.config.tier}" if self._engine.config.tier else ""
        return f"<Iamport {self._engine.config.base_url}{tier}>"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def log_in(self) -> None:
        """Have a valid access token now (fetched unless a fresh one is cached), so that
        credentials the API refuses raise UnauthorizedError here rather than at the first
        call: a worker checks its configuration at start, and bulk work logs in once before
        it sends its requests side by side."""
        await self._engine.log_in()

    async def aclose(self) -> None:
        """Close the connection pool (unless it was passed in, or this is a ``with_options``
        copy: the original owns it). Calls in flight end in ClientClosedError, and so does
        every later call."""
        if self._owns_http:
            self._engine.lifecycle.close()
            await self._engine.http.aclose()

    def with_options(self, **changes: Unpack[Overrides]) -> Iamport:
        """A copy with other settings that shares this client's pool, token and retry budget.

        For a sub-merchant (``tier="A01"``), a short-deadline call in a request handler
        (``timeout=2, max_retries=0, max_wait=0.1``), or a slower lane for a batch job
        (``rate_limit=5``, its own limiter). Only the options given change (``tier=None``
        and ``max_wait=None`` clear them); each is checked as ``Iamport(...)`` checks it.
        Closing the copy closes nothing.
        """
        copy = _copy.copy(self)
        copy._use(self._derived(changes), owns_http=False)
        return copy

    def _derived(self, changes: Mapping[str, object]) -> Engine:
        """This client's engine with ``changes``: its config, ``attrs.evolve``-d."""
        engine = self._engine
        return engine.derive(_options.overrides(engine.config, changes, engine.clock))

    async def raw_response(self, call: Awaitable[T]) -> RawResponse[T]:
        """Await ``call`` and return its HTTP answer beside its result, without a second
        request::

            raw = await client.raw_response(client.payments.get("imp_123412341234"))
            print(raw.status, raw.headers["date"], raw.json()["code"])
            payment = raw.parse()

        ``call`` is any endpoint method's call (or :meth:`request`), not yet awaited. The
        headers are the response's; what was sent (the ``Authorization`` token) is never
        kept. See :class:`~iamport_async.RawResponse`.
        """
        return await capture_raw(call)

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
        ``options`` changes settings for this call alone, as :meth:`with_options` would.
        """
        engine = self._engine if options is None else self._derived(options.changes())
        answer = await engine.send(Request(method.upper(), path, params, json, idempotency))
        return answer.payload


def _check_injected(
    http_client: object,
    transport: object,
    rate_limiter: object,
    shared: object,
    clock: object,
    retry_budget: object,
    seed: object,
) -> None:
    """The objects a caller may bring: of the right kind, and not two ways of one thing."""
    _options.instance("http_client", http_client, httpx.AsyncClient)
    _options.instance("transport", transport, httpx.AsyncBaseTransport)
    if http_client is not None and transport is not None:
        raise InvalidInputError("transport", "give http_client or transport, not both")
    _options.implements("rate_limiter", rate_limiter, "acquire", "feedback")
    _options.implements("shared", shared, "bind")
    _options.implements("clock", clock, "monotonic", "sleep_until")
    _options.instance("retry_budget", retry_budget, RetryBudget)
    if seed is not None:
        _options.integer("seed", seed)


def _pool(
    transport: httpx.AsyncBaseTransport | None, max_concurrency: int | None
) -> httpx.AsyncClient:
    """The client's own connection pool: as many connections as requests may be in flight."""
    if max_concurrency is None:
        size = _defaults.POOL_SIZE_UNCAPPED
    else:
        size = max(max_concurrency, _defaults.POOL_SIZE_MIN)
    return httpx.AsyncClient(
        transport=transport,
        limits=httpx.Limits(max_connections=size, max_keepalive_connections=size),
        headers={"Accept": "application/json"},
    )
