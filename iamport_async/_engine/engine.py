"""The request pipeline every API call runs through.

For one call, in order::

    retry loop (tenacity; what may be retried is the call's Idempotency)
      └─ attempt: concurrency slot → token → rate slot → httpx → envelope → error mapping
                  (a 401 drops the token it carried and replays the attempt once)

This is the only module that sends HTTP. It knows paths, not endpoints.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import anyio
import attrs
import httpx
import tenacity

from iamport_async._engine.clock import sleep_for
from iamport_async._engine.envelope import decode
from iamport_async._engine.failure import transport_error
from iamport_async._engine.lifecycle import Lifecycle
from iamport_async._engine.query import QueryParams, encode_query, plain_query
from iamport_async._engine.raw import record as record_raw
from iamport_async._engine.retry import CallRetry, RetryPolicy
from iamport_async._engine.token import (
    IssuedToken,
    Token,
    TokenAnswerError,
    TokenManager,
    TokenStore,
)
from iamport_async._engine.url import Urls
from iamport_async._engine.wire import (
    MAX_URL_LENGTH,
    check_path,
    check_query,
    check_url_length,
    encode_json,
)
from iamport_async._redact import install_log_redaction, scrub_error
from iamport_async.clock import Clock
from iamport_async.errors import (
    BackpressureError,
    ClientClosedError,
    IamportError,
    RequestTimeout,
    ResponseValidationError,
    UnauthorizedError,
)
from iamport_async.instrumentation import CallTrace, Hooks
from iamport_async.ratelimit import RateLimiter, Unlimited
from iamport_async.retry import Idempotency, RetryBudget

logger = logging.getLogger("iamport_async")

TOKEN_PATH = "/users/getToken"  # noqa: S105 (a path, not a secret)


@attrs.frozen
class Answer:
    """A successful answer: its HTTP ``status`` (200, 201, 207 ...) and the envelope's
    ``response`` payload. The status goes with the payload so that an answer which does not
    fit its model is reported with the status it really came with."""

    status: int
    payload: Any = attrs.field(repr=False)  # may hold personal data


@attrs.frozen
class Request:
    """One API call as an endpoint describes it: the one value every caller hands the engine.

    ``path`` is already URL-encoded (see ``endpoints._base.path``); ``idempotency`` says
    whether the call may be sent twice (see ``retry.Idempotency``).
    """

    method: str
    path: str
    params: QueryParams | None = attrs.field(default=None, repr=False)  # may hold an account
    json: Mapping[str, Any] | None = attrs.field(default=None, repr=False)  # may hold card data
    idempotency: Idempotency = Idempotency.READ


@attrs.frozen
class Credentials:
    """The REST API key pair. Never printed: both fields are left out of ``repr``."""

    imp_key: str = attrs.field(repr=False)
    imp_secret: str = attrs.field(repr=False)


class ServerClock:
    """The server's UNIX time against the client's monotonic clock, as the last token answer
    told it. One per client, shared with its ``with_options`` copies: their tokens all come
    through the first engine's fetch, so a copy would otherwise never learn it."""

    def __init__(self) -> None:
        self.offset: float | None = None
        """Server UNIX time minus the monotonic reading; None until a token answer."""


@attrs.frozen
class EngineConfig:
    """Everything an engine is told: its settings and its policies, handed in at construction
    and never patched. A ``with_options`` copy is an ``attrs.evolve`` of it (same pool, same
    token); the policy objects keep their state, so a copy that does not replace one shares
    it (one retry budget, one rate, one token store)."""

    base_url: str
    timeout: httpx.Timeout
    retry: RetryPolicy
    tier: str | None = None
    max_wait: float | None = None
    """Fail fast: raise BackpressureError rather than wait longer than this for a slot."""
    hooks: Hooks | None = None
    """``Iamport(instrumentation=...)``, or ``None``: then no event is ever built."""
    rate_limiter: RateLimiter = attrs.field(factory=Unlimited)
    """How many requests start per second (a token bucket, adaptive, or a fleet's)."""
    concurrency: anyio.CapacityLimiter | None = None
    """How many requests are in flight at once; ``None``: no cap beyond the pool."""
    retry_budget: RetryBudget = attrs.field(factory=RetryBudget)
    """The retries the client may still spend (shared by every copy)."""
    token_store: TokenStore | None = None
    """A fleet's shared token store, or ``None``: this process fetches its own token."""


@attrs.frozen
class _Call:
    """One API call as every attempt of it sends it: the URL is built once, not per retry."""

    method: str
    path: str
    url: httpx.URL | str = attrs.field(repr=False)  # its query may hold an account number
    body: bytes | None = attrs.field(repr=False)  # may hold card data
    config: EngineConfig = attrs.field(repr=False)
    trace: CallTrace | None = attrs.field(default=None, repr=False)
    """Where the events of this call go, when the client has instrumentation."""

    @classmethod
    def of(cls, request: Request, config: EngineConfig, urls: Urls) -> _Call:
        method, path, params, json = request.method, request.path, request.params, request.json
        check_path(path)
        query: str | None = ""
        if params:
            query = plain_query(params)  # the usual ids: checked and written in one go
            if query is None:
                check_query(params)
                query = encode_query(params)
        assert query is not None
        if len(config.base_url) + len(path) + 1 + len(query) > MAX_URL_LENGTH:
            text = config.base_url + path
            check_url_length(f"{text}?{query}" if query else text, path, params)
        url = urls.of(path, query)
        body = None if json is None else encode_json(json)
        hooks = config.hooks
        trace = None if hooks is None else hooks.call(method, path, config.base_url)
        return cls(method, path, url, body, config, trace)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


_Attempt = Callable[[_Call, float], Awaitable[Any]]
"""One try of a call, given the call's deadline on the engine's clock."""


class _TokenUnavailable(Exception):
    """Carries a failed token fetch through the retry loop, which must not retry it again:
    the fetch has its own retries, and the request itself was never sent."""

    def __init__(self, error: IamportError) -> None:
        self.error = error


class Engine:
    """Sends API calls; shared by a client and every ``with_options`` copy of it."""

    def __init__(
        self,
        *,
        credentials: Credentials,
        config: EngineConfig,
        http: httpx.AsyncClient,
        clock: Clock,
        rng: random.Random,
        tokens: TokenManager | None = None,
        lifecycle: Lifecycle | None = None,
        server: ServerClock | None = None,
    ) -> None:
        self.config = config
        self.http = http
        self.clock = clock
        self._credentials = credentials
        self._rng = rng
        self.tokens = tokens or TokenManager(
            self._fetch_token, clock, store=config.token_store, hooks=config.hooks
        )
        install_log_redaction()  # httpx logs full URLs, and some values travel only there
        self.lifecycle = lifecycle or Lifecycle()
        self._server = server or ServerClock()
        self._urls = Urls(config.base_url)

    async def log_in(self) -> None:
        """Have a valid token now (bulk work logs in once before its requests start)."""
        await self.tokens.get()

    def server_time(self, monotonic: float) -> float | None:
        """The server's UNIX time at the monotonic instant ``monotonic``, if known yet."""
        offset = self._server.offset
        return None if offset is None else monotonic + offset

    def __repr__(self) -> str:
        return f"<Engine {self.config.base_url}>"

    def derive(self, config: EngineConfig) -> Engine:
        """An engine with ``config`` (an ``attrs.evolve`` of this one's), sharing this one's
        pool, token, lifecycle and knowledge of the server's time."""
        return Engine(
            credentials=self._credentials,
            config=config,
            http=self.http,
            clock=self.clock,
            rng=self._rng,
            tokens=self.tokens,
            lifecycle=self.lifecycle,
            server=self._server,
        )

    async def send(self, request: Request) -> Answer:
        """Send one API call with retries: its HTTP status and the envelope's ``response``.

        The one door into the engine. Raises the ``iamport_async.errors`` tree; after retries
        the last error is raised as it was, with ``outcome_known`` set. A close of the client
        during the call ends it in ClientClosedError (for a mutation: outcome unknown).
        """
        idempotency = request.idempotency
        call = _Call.of(request, self.config, self._urls)
        self.lifecycle.check(str(call))
        scope = self.lifecycle.enter()
        try:
            with scope:
                try:
                    answer: Answer = await self._with_retries(
                        self._authorized_attempt, call, idempotency
                    )
                except _TokenUnavailable as wrapper:
                    error = wrapper.error
                else:
                    return answer
                # Raised outside the handler: inside it, the error's __context__ would be the
                # wrapper, whose __cause__ is the error (a cycle).
                raise error
        finally:
            self.lifecycle.leave(scope)
        mutation = idempotency is not Idempotency.READ
        closed = ClientClosedError(
            f"{call}: the client was closed during the call"
            + ("; the server may have carried it out: read it back" if mutation else ""),
            outcome_known=not mutation,
        )
        raise closed

    async def _with_retries(self, attempt: _Attempt, call: _Call, idempotency: Idempotency) -> Any:
        trace = call.trace
        if trace is None:
            return await self._retried(attempt, call, idempotency)
        trace.started()
        try:
            result = await self._retried(attempt, call, idempotency)
        except BaseException as error:  # cancelled calls end too (requests in flight)
            trace.ended(error.error if isinstance(error, _TokenUnavailable) else error)
            raise
        trace.ended(None)
        return result

    async def _retried(self, attempt: _Attempt, call: _Call, idempotency: Idempotency) -> Any:
        """``attempt``, retried by ``CallRetry``'s rules through tenacity.

        The first try runs outside tenacity: its machinery (a retry state, and a coroutine
        inspection of every hook, every iteration) costs more CPU than the rest of a call, and
        most calls succeed at once. A first failure is handed to tenacity as the outcome of its
        first attempt, so that every retry decision is taken exactly as if tenacity had made
        that attempt itself.
        """
        config = call.config
        rules = CallRetry(config.retry, idempotency, config.retry_budget, self.clock, self._rng)
        try:
            result = await attempt(call, rules.deadline)
        except Exception as error:  # tenacity decides what becomes of it
            first: Exception = error
        else:
            rules.succeeded()
            return result
        retrying = tenacity.AsyncRetrying(
            sleep=lambda seconds: sleep_for(self.clock, seconds),
            retry=rules.retry,
            wait=rules.wait,
            stop=rules.stop,
            before_sleep=lambda state: _before_retry(call, state),
            reraise=True,
        )
        failed: list[Exception] = [first]

        async def first_failed_then_attempt() -> Any:
            if failed:
                raise failed.pop()
            return await attempt(call, rules.deadline)

        try:
            result = await retrying(first_failed_then_attempt)
        except IamportError as error:
            rules.annotate(error)
            raise
        except _TokenUnavailable as wrapper:
            rules.annotate(wrapper.error, sent=False)
            raise
        rules.succeeded()
        return result

    async def _authorized_attempt(self, call: _Call, deadline: float) -> Any:
        async with _Slot(call.config.concurrency, call.config.max_wait, call.trace):
            for replay in (False, True):
                try:
                    token = await self.tokens.get()
                except IamportError as error:
                    raise _TokenUnavailable(error) from error
                try:
                    return await self._send(call, token, deadline)
                except UnauthorizedError:
                    if replay:
                        raise
                    logger.debug("401 on %s: refreshing the token and replaying", call)
                    self.tokens.invalidate(token)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _unauthorized_attempt(self, call: _Call, deadline: float) -> Answer:
        return await self._send(call, None, deadline)

    async def _send(self, call: _Call, token: Token | None, deadline: float) -> Answer:
        """One HTTP exchange. httpx's timeouts bound each read, not the whole answer (a body
        trickling in just under the read timeout would go on for ever), so the exchange is
        also bounded by what is left of the call's ``total_timeout``."""
        trace, config = call.trace, call.config
        if trace is None:
            await config.rate_limiter.acquire(config.max_wait)
            return await self._exchange(call, token, deadline)
        since = trace.hooks.monotonic()
        await config.rate_limiter.acquire(config.max_wait)
        trace.waited("rate", since)
        return await self._traced_exchange(call, token, deadline, trace)

    async def _traced_exchange(
        self, call: _Call, token: Token | None, deadline: float, trace: CallTrace
    ) -> Answer:
        """:meth:`_exchange`, reported: its start and end, a throttle, a change of rate."""
        trace.request_started()
        limiter = call.config.rate_limiter
        old_rate = getattr(limiter, "rate", None)
        try:
            result = await self._exchange(call, token, deadline)
        except BaseException as error:
            trace.request_ended(error)
            if trace.status in (429, 503):
                trace.throttled(trace.status, getattr(error, "retry_after", None))
            _report_rate(trace, limiter, old_rate)
            raise
        trace.request_ended(None)
        _report_rate(trace, limiter, old_rate)
        return result

    async def _exchange(self, call: _Call, token: Token | None, deadline: float) -> Answer:
        method, path, config = call.method, call.path, call.config
        debug = logger.isEnabledFor(logging.DEBUG)
        started = self.clock.monotonic() if debug else 0.0
        # No local variable holds the headers (the token) or an httpx request: an error
        # tracker shows the locals of every frame an error passed through.
        try:
            with anyio.fail_after(max(0.0, deadline - self.clock.monotonic())):
                response = await self.http.request(
                    method,
                    call.url,
                    content=call.body,
                    headers=_headers(call, token),
                    timeout=config.timeout,
                )
        except TimeoutError:
            failure: IamportError = RequestTimeout(
                "no complete answer within the call's total_timeout", method=method, path=path
            )
        except httpx.TransportError as exc:
            failure = transport_error(exc, method, path)
        else:
            status = response.status_code
            if call.trace is not None:
                call.trace.status = status
            if token is not None:  # a call's own answer (the token request's body is the token)
                record_raw(method, path, response)
            config.rate_limiter.feedback(throttled=status in (429, 503))
            if debug:
                elapsed = (self.clock.monotonic() - started) * 1000
                logger.debug("%s %s -> HTTP %d in %.1f ms", method, path, status, elapsed)
            try:
                return Answer(status, decode(response, method, path))
            except IamportError as error:  # without decode's frame: its locals hold the body
                raise self._scrubbed(error, token).with_traceback(None)  # noqa: B904
        # Raised here, outside the handlers: the raw httpx exception is not its __context__.
        raise self._scrubbed(failure, token)

    def _scrubbed(self, error: IamportError, token: Token | None) -> IamportError:
        """``error`` without this client's own key, secret or token, which a server may
        echo under any name (or none) in a page or a message."""
        credentials = self._credentials
        secrets = (credentials.imp_key, credentials.imp_secret)
        scrub_error(error, secrets if token is None else (*secrets, token.value))
        return error

    async def _fetch_token(self) -> IssuedToken:
        credentials = self._credentials
        answer = await self._with_retries(  # no local variable holds the key and secret
            self._unauthorized_attempt,
            _Call.of(
                Request(
                    "POST",
                    TOKEN_PATH,
                    json={"imp_key": credentials.imp_key, "imp_secret": credentials.imp_secret},
                ),
                self.config,
                self._urls,
            ),
            Idempotency.READ,  # the server hands back the same token: asking twice is harmless
        )
        payload = answer.payload
        try:
            token = IssuedToken.from_answer(payload)
        except TokenAnswerError as exc:  # names the field, never its value
            raise ResponseValidationError(
                f"token answer: {exc}",
                status=answer.status,
                body="",
                method="POST",
                path=TOKEN_PATH,
            ) from None
        self._server.offset = token.now - self.clock.monotonic()
        logger.debug("token issued, valid for %g s", token.lifetime)
        return token


class _Slot:
    """The concurrency slot of one attempt, honouring the fail-fast bound."""

    def __init__(
        self, limiter: anyio.CapacityLimiter | None, max_wait: float | None, trace: CallTrace | None
    ) -> None:
        self._limiter = limiter
        self._max_wait = max_wait
        self._trace = trace

    async def __aenter__(self) -> None:
        if self._limiter is None:
            return
        trace = self._trace
        since = 0.0 if trace is None else trace.hooks.monotonic()
        await self._acquire()
        if trace is not None:
            trace.waited("concurrency", since)

    async def _acquire(self) -> None:
        """A free slot is taken at once: anyio's ``acquire`` would first pass through the
        event loop (a cancel scope and a ``sleep(0)``), which costs more than the rest of
        the engine's own work on a call; the exchange that follows awaits anyway."""
        assert self._limiter is not None
        try:
            self._limiter.acquire_nowait()
            return
        except anyio.WouldBlock:
            pass
        if self._max_wait is None:
            await self._limiter.acquire()
            return
        with anyio.move_on_after(self._max_wait):
            await self._limiter.acquire()
            return
        raise BackpressureError(self._max_wait, self._max_wait)

    async def __aexit__(self, *exc_info: object) -> None:
        if self._limiter is not None:
            self._limiter.release()


def _headers(call: _Call, token: Token | None) -> dict[str, str]:
    """The headers of one attempt of ``call``: built where no frame keeps them."""
    headers = {"Content-Type": "application/json"} if call.body is not None else {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token.value}"
    tier = call.config.tier
    if tier is not None:
        headers["Tier"] = tier
    return headers


def _report_rate(trace: CallTrace, limiter: RateLimiter, old: float | None) -> None:
    new = getattr(limiter, "rate", None)
    if new != old:
        trace.rate_changed(old, new)


def _before_retry(call: _Call, state: tenacity.RetryCallState) -> None:
    outcome = state.outcome
    error = outcome.exception() if outcome is not None else None
    if call.trace is not None:
        call.trace.retry_scheduled(error, state.upcoming_sleep)
    if logger.isEnabledFor(logging.INFO):
        logger.info(
            "retrying %s %s in %.2f s (attempt %d failed: %s)",
            call.method,
            call.path,
            state.upcoming_sleep,
            state.attempt_number,
            type(error).__name__,
        )
