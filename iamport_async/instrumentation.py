"""What the client is doing, as events: calls, attempts, retries, waits, throttles, tokens.

Pass any object with an ``on_event(event)`` method as ``Iamport(instrumentation=...)`` (or a
list of them) and it is told, synchronously and in the caller's task, each time one of these
things happens::

    class Count:
        def __init__(self) -> None:
            self.retries: collections.Counter[str] = collections.Counter()

        def on_event(self, event: Event) -> None:
            if isinstance(event, RetryScheduled):
                self.retries[event.reason] += 1

Events hold no secret and no personal value: a call is named by its method and its route
*template* (``/payments/{imp_uid}``, never the ids, the query or the body), errors by their
class name. A hook must be quick and must not block (hand slow work to a queue); an exception
it raises is logged and swallowed: a metrics bug must never turn a refund that succeeded into
an error. With no hook, no event is ever built.

:mod:`iamport_async.otel` is a hook that feeds OpenTelemetry.
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Callable, Sequence
from typing import Literal, Protocol, TypeAlias
from urllib.parse import urlsplit

import attrs

logger = logging.getLogger("iamport_async")


@attrs.frozen(kw_only=True)
class CallInfo:
    """Which call an event belongs to; the same object for every event of one call."""

    call_id: int
    """Unique in this process: tells concurrent calls' events apart."""
    method: str
    """The HTTP method: ``"GET"``, ``"POST"`` ..."""
    route: str | None
    """The API's route template (``/payments/{imp_uid}``), or ``None`` for a path that is not
    one of the API's routes (``client.request`` to an unknown path): the path itself is never
    given, it may hold ids."""
    server_address: str
    """The API's host name (from the client's ``base_url``)."""
    server_port: int
    """The API's port (443 for https unless the ``base_url`` names one)."""


@attrs.frozen(kw_only=True)
class CallStarted:
    """A call begins (before its first attempt; one call may make several attempts)."""

    call: CallInfo
    """The call this event is part of."""


@attrs.frozen(kw_only=True)
class CallEnded:
    """A call is over: answered, failed after its retries, or cancelled."""

    call: CallInfo
    """The call this event is part of."""
    duration: float
    """Seconds from start to end, retries and waits included."""
    attempts: int
    """HTTP exchanges sent (0 when it failed before sending, e.g. fail-fast backpressure)."""
    status: int | None
    """The HTTP status of the last answer, ``None`` if none came."""
    error_type: str | None
    """Class name of the error the call raised (``"RateLimitedError"``, ``"CancelledError"``),
    ``None`` on success."""


@attrs.frozen(kw_only=True)
class RequestStarted:
    """One HTTP exchange of a call is sent (after its limiter waits and its token)."""

    call: CallInfo
    """The call this event is part of."""
    attempt: int
    """1 for the first exchange of the call, 2 for the next (a retry or a 401 replay) ..."""


@attrs.frozen(kw_only=True)
class RequestEnded:
    """One HTTP exchange is over."""

    call: CallInfo
    """The call this event is part of."""
    attempt: int
    """Which exchange of the call this was, counted as in :class:`RequestStarted`."""
    duration: float
    """Seconds from sending to the decoded answer (or the failure)."""
    status: int | None
    """HTTP status, ``None`` when no answer came (connection failure, timeout, cancelled)."""
    error_type: str | None
    """Class name of what the exchange raised, ``None`` on success."""


@attrs.frozen(kw_only=True)
class RetryScheduled:
    """A failed attempt will be retried after ``wait`` seconds."""

    call: CallInfo
    """The call this event is part of."""
    attempt: int
    """The attempt that failed."""
    reason: str
    """Class name of its error: ``"ServerError"``, ``"RequestTimeout"``, ``"ConnectError"`` ..."""
    status: int | None
    """The failed attempt's HTTP status, ``None`` when no answer came (timeout, connection)."""
    wait: float
    """Seconds the call waits before its next attempt."""


@attrs.frozen(kw_only=True)
class Throttled:
    """The server answered 429 or 503: too fast (the rate limiter is told too)."""

    call: CallInfo
    """The call this event is part of."""
    status: int
    """429 (too many requests) or 503 (unavailable)."""
    retry_after: float | None
    """Seconds from the answer's ``Retry-After`` header, if it had one."""


@attrs.frozen(kw_only=True)
class LimiterWaited:
    """A call waited for a slot: ``"concurrency"`` (requests in flight) or ``"rate"``
    (starts per second)."""

    call: CallInfo
    """The call this event is part of."""
    limiter: Literal["concurrency", "rate"]
    """Which limit made it wait: ``max_concurrency`` or the rate limit."""
    seconds: float
    """How long it waited."""


@attrs.frozen(kw_only=True)
class TokenRefreshed:
    """An access token was obtained (from the API, or from a fleet's shared store), or not."""

    duration: float
    """Seconds the refresh took."""
    outcome: Literal["ok", "error"]
    """``"ok"`` when a token came, ``"error"`` when the refresh failed."""
    error_type: str | None
    """Class name of the refresh's error (``"UnauthorizedError"`` ...), ``None`` on success."""


@attrs.frozen(kw_only=True)
class RateChanged:
    """The rate limiter changed its rate (adaptive mode: down on a throttle, then back up)."""

    old: float | None
    """Starts per second before; ``None`` for unlimited."""
    new: float | None
    """Starts per second from now on; ``None`` for unlimited."""


Event: TypeAlias = (
    CallStarted
    | CallEnded
    | RequestStarted
    | RequestEnded
    | RetryScheduled
    | Throttled
    | LimiterWaited
    | TokenRefreshed
    | RateChanged
)
"""Any of the events above: what :meth:`Instrumentation.on_event` is given. Match on the
class (``isinstance`` or ``match``); new kinds of event may be added, so ignore the others."""


class Instrumentation(Protocol):
    """Told of every :data:`Event` of a client. Quick, non-blocking, never awaits."""

    def on_event(self, event: Event) -> None:
        """Called for each event, in the task that made the call; must return quickly."""


class Hooks:
    """The client's hooks, fanned out; the transport's only door to them.

    Built once per client (``Iamport(instrumentation=...)``) and carried by its config. It
    turns a path into its route template (``routes``) so that no event ever holds the path.
    """

    def __init__(
        self,
        instrumentations: Sequence[Instrumentation],
        *,
        routes: Callable[[str, str], str | None],
        monotonic: Callable[[], float],
    ) -> None:
        self.instrumentations = tuple(instrumentations)
        self.monotonic = monotonic
        self._routes = routes
        self._failed: set[int] = set()

    def __repr__(self) -> str:
        names = ", ".join(type(hook).__name__ for hook in self.instrumentations)
        return f"<Hooks {names}>"

    def emit(self, event: Event) -> None:
        for hook in self.instrumentations:
            try:
                hook.on_event(event)
            except Exception:
                # Once with the traceback, then quietly: a broken hook must not flood the log.
                first = id(hook) not in self._failed
                self._failed.add(id(hook))
                logger.log(
                    logging.WARNING if first else logging.DEBUG,
                    "instrumentation %s failed on %s (ignored)",
                    type(hook).__name__,
                    type(event).__name__,
                    exc_info=first,
                )

    def token_refreshed(self, duration: float, error: BaseException | None) -> None:
        self.emit(
            TokenRefreshed(
                duration=duration,
                outcome="ok" if error is None else "error",
                error_type=None if error is None else type(error).__name__,
            )
        )

    def call(self, method: str, path: str, base_url: str) -> CallTrace:
        """The trace of one call: the engine reports to it, it builds and emits the events."""
        address, port = _server(base_url)
        info = CallInfo(
            call_id=next(_call_ids),
            method=method,
            route=self._routes(method, path),
            server_address=address,
            server_port=port,
        )
        return CallTrace(self, info)


_call_ids = itertools.count(1)


@functools.lru_cache(maxsize=16)
def _server(base_url: str) -> tuple[str, int]:
    """Host and port of ``base_url`` (which the client's options hold without credentials)."""
    url = urlsplit(base_url)
    return url.hostname or "", url.port or (443 if url.scheme == "https" else 80)


class CallTrace:
    """Per-call state for the events: attempt count, start times, last status."""

    def __init__(self, hooks: Hooks, info: CallInfo) -> None:
        self.hooks = hooks
        self.info = info
        self.attempts = 0
        self.status: int | None = None
        self._started = 0.0
        self._sent = 0.0

    def started(self) -> None:
        self._started = self.hooks.monotonic()
        self.hooks.emit(CallStarted(call=self.info))

    def ended(self, error: BaseException | None) -> None:
        self.hooks.emit(
            CallEnded(
                call=self.info,
                duration=self.hooks.monotonic() - self._started,
                attempts=self.attempts,
                status=self.status,
                error_type=None if error is None else type(error).__name__,
            )
        )

    def request_started(self) -> None:
        self.attempts += 1
        self.status = None
        self._sent = self.hooks.monotonic()
        self.hooks.emit(RequestStarted(call=self.info, attempt=self.attempts))

    def request_ended(self, error: BaseException | None) -> None:
        """After :attr:`status` was set by the answer, if one came."""
        self.hooks.emit(
            RequestEnded(
                call=self.info,
                attempt=self.attempts,
                duration=self.hooks.monotonic() - self._sent,
                status=self.status,
                error_type=None if error is None else type(error).__name__,
            )
        )

    def retry_scheduled(self, error: BaseException | None, wait: float) -> None:
        self.hooks.emit(
            RetryScheduled(
                call=self.info,
                attempt=self.attempts,
                reason=type(error).__name__,
                status=getattr(error, "status", None),
                wait=wait,
            )
        )

    def throttled(self, status: int, retry_after: float | None) -> None:
        self.hooks.emit(Throttled(call=self.info, status=status, retry_after=retry_after))

    def waited(self, limiter: Literal["concurrency", "rate"], since: float) -> None:
        seconds = self.hooks.monotonic() - since
        self.hooks.emit(LimiterWaited(call=self.info, limiter=limiter, seconds=seconds))

    def rate_changed(self, old: float | None, new: float | None) -> None:
        self.hooks.emit(RateChanged(old=old, new=new))


__all__ = [
    "CallEnded",
    "CallInfo",
    "CallStarted",
    "Event",
    "Instrumentation",
    "LimiterWaited",
    "RateChanged",
    "RequestEnded",
    "RequestStarted",
    "RetryScheduled",
    "Throttled",
    "TokenRefreshed",
]
