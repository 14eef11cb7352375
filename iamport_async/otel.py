"""OpenTelemetry traces and metrics for every call, through ``opentelemetry-api`` only.

::

    from iamport_async.otel import OpenTelemetryInstrumentation

    client = Iamport(instrumentation=OpenTelemetryInstrumentation())

The library never configures an SDK or an exporter: the application does (or not, and then
the API's no-op providers cost next to nothing). Install with ``iamport-async[otel]``.

**Spans.** One ``CLIENT`` span per API call, named ``GET /payments/{imp_uid}``, started in the
caller's context (a call awaited inside a request handler's span is its child), with the HTTP
client semantic conventions: ``http.request.method``, ``url.template``, ``server.address``,
``server.port``, ``http.response.status_code``, ``error.type`` and
``http.request.resend_count``. Attempts, retries with their backoff, throttled answers and
limiter waits are *span events* on it, not child spans: a call and its retries are one thing
to the caller, a bulk job of a million calls does not triple its span count, and the gaps
between ``attempt`` events show the waits. The token request is a real HTTP call of its own
(made once for many callers, retried on its own): it is a child span of the call that led the
refresh.

**Metrics.** ``http.client.request.duration`` (per HTTP exchange, seconds),
``http.client.active_requests``, ``iamport.client.call.duration`` (whole calls, retries
included), ``iamport.client.retries`` (by ``reason``), ``iamport.client.throttled`` (by
status), ``iamport.client.limiter.wait`` (by ``limiter``), ``iamport.client.token.refreshes``
(by ``outcome``), ``iamport.client.rate.changes`` (by ``direction``) and the gauge
``iamport.client.rate``. Labels are route templates, statuses and class names: no id, query
value, body field or token is ever recorded.
"""

from __future__ import annotations

from typing import Any

try:
    from opentelemetry import context, metrics, trace
    from opentelemetry.util.types import Attributes
except ImportError as error:  # pragma: no cover (the otel extra is installed in development)
    raise ImportError(
        "iamport_async.otel needs opentelemetry-api: pip install 'iamport-async[otel]'"
    ) from error

from iamport_async._version import __version__
from iamport_async.instrumentation import (
    CallEnded,
    CallInfo,
    CallStarted,
    Event,
    LimiterWaited,
    RateChanged,
    RequestEnded,
    RequestStarted,
    RetryScheduled,
    Throttled,
    TokenRefreshed,
)

SCOPE = "iamport_async"
"""The instrumentation scope of the tracer and the meter: select or drop these spans and
metrics by this name (an SDK ``View``, a collector filter)."""

_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]
"""The HTTP semantic conventions' advice for ``http.client.request.duration``."""


class OpenTelemetryInstrumentation:
    """An :class:`~iamport_async.instrumentation.Instrumentation` that makes OpenTelemetry
    spans and metrics. Providers default to the global ones the application set."""

    def __init__(
        self,
        *,
        tracer_provider: trace.TracerProvider | None = None,
        meter_provider: metrics.MeterProvider | None = None,
    ) -> None:
        self._tracer = trace.get_tracer(SCOPE, __version__, tracer_provider)
        meter = metrics.get_meter(SCOPE, __version__, meter_provider)
        self._spans: dict[int, tuple[trace.Span, object]] = {}
        self._request_duration = meter.create_histogram(
            "http.client.request.duration",
            unit="s",
            description="Duration of HTTP client requests (one per attempt).",
            explicit_bucket_boundaries_advisory=_DURATION_BUCKETS,
        )
        self._call_duration = meter.create_histogram(
            "iamport.client.call.duration",
            unit="s",
            description="Duration of API calls, retries and waits included.",
            explicit_bucket_boundaries_advisory=_DURATION_BUCKETS,
        )
        self._active = meter.create_up_down_counter(
            "http.client.active_requests",
            unit="{request}",
            description="HTTP requests in flight.",
        )
        self._retries = meter.create_counter(
            "iamport.client.retries", unit="{retry}", description="Retries scheduled, by reason."
        )
        self._throttled_answers = meter.create_counter(
            "iamport.client.throttled",
            unit="{response}",
            description="Answers 429 or 503: the server said too fast.",
        )
        self._limiter_wait = meter.create_histogram(
            "iamport.client.limiter.wait",
            unit="s",
            description="Time waited for a concurrency or rate slot.",
        )
        self._token_refreshes = meter.create_counter(
            "iamport.client.token.refreshes",
            unit="{refresh}",
            description="Access tokens obtained, by outcome.",
        )
        self._rate_changes = meter.create_counter(
            "iamport.client.rate.changes",
            unit="{change}",
            description="Changes of the adaptive rate, by direction.",
        )
        self._rate = meter.create_gauge(
            "iamport.client.rate",
            unit="{request}/s",
            description="Requests per second the rate limiter allows now.",
        )

    def __repr__(self) -> str:
        return "<OpenTelemetryInstrumentation>"

    def on_event(self, event: Event) -> None:
        """Turn ``event`` into span changes and metric points (the client calls this)."""
        handler = _HANDLERS.get(type(event))
        if handler is not None:
            handler(self, event)

    def _call_started(self, event: CallStarted) -> None:
        info = event.call
        span = self._tracer.start_span(
            f"{info.method} {info.route}" if info.route else info.method,
            kind=trace.SpanKind.CLIENT,
            attributes=_call_attributes(info),
        )
        # Current for the rest of the call (same task): the token request it may lead, and
        # spans of an httpx instrumentation, become its children.
        token = context.attach(trace.set_span_in_context(span))
        self._spans[info.call_id] = (span, token)

    def _call_ended(self, event: CallEnded) -> None:
        entry = self._spans.pop(event.call.call_id, None)
        if entry is None:
            return
        span, token = entry
        if event.status is not None:
            span.set_attribute("http.response.status_code", event.status)
        if event.attempts > 1:
            span.set_attribute("http.request.resend_count", event.attempts - 1)
        error = _error_type(event.status, event.error_type)
        if error is not None:
            span.set_attribute("error.type", error)
            span.set_status(trace.StatusCode.ERROR, event.error_type)
        answer = _answer(event.status, error)
        self._call_duration.record(event.duration, _call_attributes(event.call) | answer)
        span.end()
        context.detach(token)  # type: ignore[arg-type]

    def _request_started(self, event: RequestStarted) -> None:
        self._active.add(1, _call_attributes(event.call))

    def _request_ended(self, event: RequestEnded) -> None:
        call = _call_attributes(event.call)
        self._active.add(-1, call)
        error = _error_type(event.status, event.error_type)
        answer = _answer(event.status, error)
        self._request_duration.record(event.duration, call | answer)
        self._span_event(
            event.call,
            "attempt",
            {
                "iamport.attempt": event.attempt,
                "iamport.duration": event.duration,
                **answer,
            },
        )

    def _retry_scheduled(self, event: RetryScheduled) -> None:
        self._retries.add(1, _call_attributes(event.call) | {"iamport.retry.reason": event.reason})
        self._span_event(
            event.call,
            "retry",
            {
                "iamport.attempt": event.attempt,
                "iamport.retry.reason": event.reason,
                "iamport.retry.wait": event.wait,
                **_optional("http.response.status_code", event.status),
            },
        )

    def _throttled(self, event: Throttled) -> None:
        status = {"http.response.status_code": event.status}
        self._throttled_answers.add(1, _call_attributes(event.call) | status)
        self._span_event(
            event.call,
            "throttled",
            status | _optional("iamport.retry_after", event.retry_after),
        )

    def _limiter_waited(self, event: LimiterWaited) -> None:
        self._limiter_wait.record(event.seconds, {"iamport.limiter": event.limiter})
        if event.seconds > 0:  # every call passes the limiters: only real waits are shown
            self._span_event(
                event.call,
                "limiter_wait",
                {"iamport.limiter": event.limiter, "iamport.duration": event.seconds},
            )

    def _token_refreshed(self, event: TokenRefreshed) -> None:
        attributes: dict[str, Any] = {"iamport.outcome": event.outcome}
        if event.error_type is not None:
            attributes["error.type"] = event.error_type
        self._token_refreshes.add(1, attributes)

    def _rate_changed(self, event: RateChanged) -> None:
        old = float("inf") if event.old is None else event.old
        new = float("inf") if event.new is None else event.new
        self._rate_changes.add(1, {"iamport.direction": "down" if new < old else "up"})
        if event.new is not None:
            self._rate.set(event.new)

    def _span_event(self, call: CallInfo, name: str, attributes: Attributes) -> None:
        entry = self._spans.get(call.call_id)
        if entry is not None:
            entry[0].add_event(name, attributes)


def _call_attributes(info: CallInfo) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "http.request.method": info.method,
        "server.address": info.server_address,
        "server.port": info.server_port,
    }
    if info.route is not None:
        attributes["url.template"] = info.route
    return attributes


def _answer(status: int | None, error: str | None) -> dict[str, Any]:
    """The status and ``error.type`` of an answer, as far as they are known."""
    return _optional("http.response.status_code", status) | _optional("error.type", error)


def _error_type(status: int | None, error_type: str | None) -> str | None:
    """The semantic conventions' ``error.type``: the status code of an HTTP error answer,
    else the class name of what failed (a business refusal inside a 200, a timeout)."""
    if status is not None and status >= 400:
        return str(status)
    return error_type


def _optional(key: str, value: Any) -> dict[str, Any]:
    return {} if value is None else {key: value}


_HANDLERS: dict[type, Any] = {
    CallStarted: OpenTelemetryInstrumentation._call_started,
    CallEnded: OpenTelemetryInstrumentation._call_ended,
    RequestStarted: OpenTelemetryInstrumentation._request_started,
    RequestEnded: OpenTelemetryInstrumentation._request_ended,
    RetryScheduled: OpenTelemetryInstrumentation._retry_scheduled,
    Throttled: OpenTelemetryInstrumentation._throttled,
    LimiterWaited: OpenTelemetryInstrumentation._limiter_waited,
    TokenRefreshed: OpenTelemetryInstrumentation._token_refreshed,
    RateChanged: OpenTelemetryInstrumentation._rate_changed,
}
