"""OpenTelemetry spans and metrics of calls, read back through the SDK's in-memory exporters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import attrs
import httpx
import pytest
import respx
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from iamport_async import Iamport
from iamport_async.instrumentation import Event
from iamport_async.otel import OpenTelemetryInstrumentation
from iamport_async.testing import FakeIamport
from iamport_async.testing.clock import VirtualClock
from tests.conftest import envelope, token_payload

pytestmark = pytest.mark.anyio

PAYMENT_ROUTE = "/payments/{imp_uid}"


@attrs.define
class Telemetry:
    """An SDK wired to in-memory exporters, and the adapter that feeds it."""

    spans: InMemorySpanExporter
    reader: InMemoryMetricReader
    tracer_provider: TracerProvider
    adapter: OpenTelemetryInstrumentation

    def finished(self, name: str | None = None) -> list[ReadableSpan]:
        spans = list(self.spans.get_finished_spans())
        return [s for s in spans if name is None or s.name == name]

    def points(self, metric: str) -> list[Any]:
        data = self.reader.get_metrics_data()
        assert data is not None
        return [
            point
            for resource in data.resource_metrics
            for scope in resource.scope_metrics
            for found in scope.metrics
            if found.name == metric
            for point in found.data.data_points
        ]

    def total(self, metric: str, **attributes: Any) -> float:
        return sum(
            float(point.count if hasattr(point, "count") else point.value)
            for point in self.points(metric)
            if all(dict(point.attributes).get(k) == v for k, v in attributes.items())
        )


@pytest.fixture
def telemetry() -> Iterator[Telemetry]:
    spans = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(spans))
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader])
    adapter = OpenTelemetryInstrumentation(
        tracer_provider=tracer_provider, meter_provider=meter_provider
    )
    yield Telemetry(spans, reader, tracer_provider, adapter)
    meter_provider.shutdown()
    tracer_provider.shutdown()


def client_for(telemetry: Telemetry, clock: VirtualClock, **options: Any) -> Iamport:
    return Iamport(
        imp_key="test-key",
        imp_secret="test-secret",
        clock=clock,
        seed=1,
        instrumentation=telemetry.adapter,
        **options,
    )


async def test_a_plain_call_is_one_client_span_with_the_http_conventions(
    api: respx.MockRouter, clock: VirtualClock, telemetry: Telemetry
) -> None:
    api.get("/payments/imp_1").respond(json=envelope({"imp_uid": "imp_1"}))
    async with client_for(telemetry, clock) as client:
        await client.request("GET", "/payments/imp_1")

    (span,) = telemetry.finished(f"GET {PAYMENT_ROUTE}")
    assert span.kind is SpanKind.CLIENT
    assert dict(span.attributes or {}) == {
        "http.request.method": "GET",
        "url.template": PAYMENT_ROUTE,
        "server.address": "api.iamport.kr",
        "server.port": 443,
        "http.response.status_code": 200,
    }
    assert span.status.status_code is StatusCode.UNSET
    assert [e.name for e in span.events] == ["attempt"]
    (token_span,) = telemetry.finished("POST /users/getToken")
    assert token_span.parent is not None
    assert token_span.parent.span_id == span.context.span_id  # led by this call: its child
    duration = telemetry.points("http.client.request.duration")
    routes = sorted(p.attributes["url.template"] for p in duration)
    assert routes == ["/payments/{imp_uid}", "/users/getToken"]
    assert telemetry.total("iamport.client.token.refreshes", **{"iamport.outcome": "ok"}) == 1
    assert telemetry.total("http.client.active_requests") == 0


async def test_a_call_in_the_apps_span_is_its_child(
    api: respx.MockRouter, clock: VirtualClock, telemetry: Telemetry
) -> None:
    api.get("/payments/imp_1").respond(json=envelope({}))
    tracer = telemetry.tracer_provider.get_tracer("app")
    async with client_for(telemetry, clock) as client:
        with tracer.start_as_current_span("POST /checkout/verify") as handler:
            async with anyio.create_task_group() as tg:  # a task copies the context
                tg.start_soon(client.request, "GET", "/payments/imp_1")

    (span,) = telemetry.finished(f"GET {PAYMENT_ROUTE}")
    assert span.parent is not None
    assert span.parent.span_id == handler.get_span_context().span_id
    assert span.context.trace_id == handler.get_span_context().trace_id


async def test_a_call_retried_twice_shows_its_attempts_and_retries(
    api: respx.MockRouter, clock: VirtualClock, telemetry: Telemetry
) -> None:
    api.get("/payments/imp_1").mock(
        side_effect=[
            httpx.Response(502, json=envelope(code=-1)),
            httpx.ConnectError("refused"),
            httpx.Response(200, json=envelope({})),
        ]
    )
    async with client_for(telemetry, clock) as client:
        await client.request("GET", "/payments/imp_1")

    (span,) = telemetry.finished(f"GET {PAYMENT_ROUTE}")
    assert [e.name for e in span.events] == ["attempt", "retry", "attempt", "retry", "attempt"]
    attempts = [dict(e.attributes or {}) for e in span.events if e.name == "attempt"]
    assert [a.get("http.response.status_code") for a in attempts] == [502, None, 200]
    assert [a.get("error.type") for a in attempts] == ["502", "ConnectError", None]
    retries = [dict(e.attributes or {}) for e in span.events if e.name == "retry"]
    assert [r["iamport.retry.reason"] for r in retries] == ["ServerError", "ConnectError"]
    waits = [float(r["iamport.retry.wait"]) for r in retries]  # type: ignore[arg-type]
    assert 0 <= waits[0] <= 0.5  # full jitter under base_delay, then twice that
    assert 0 <= waits[1] <= 1.0
    assert span.attributes is not None
    assert span.attributes["http.request.resend_count"] == 2
    assert span.attributes["http.response.status_code"] == 200
    assert "error.type" not in span.attributes
    route = {"url.template": PAYMENT_ROUTE}
    assert telemetry.total("iamport.client.retries", **route) == 2
    assert telemetry.total("iamport.client.retries", **{"iamport.retry.reason": "ServerError"}) == 1
    assert telemetry.total("http.client.request.duration", **route) == 3  # one per attempt
    assert telemetry.total("iamport.client.call.duration", **route) == 1


async def test_a_429_is_honoured_and_counted(
    api: respx.MockRouter, clock: VirtualClock, telemetry: Telemetry
) -> None:
    api.get("/payments/imp_1").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "7"}, json=envelope(code=-1)),
            httpx.Response(200, json=envelope({})),
        ]
    )
    async with client_for(telemetry, clock, adaptive=True, rate_limit=20) as client:
        started = clock.monotonic()
        await client.request("GET", "/payments/imp_1")
        assert clock.monotonic() - started >= 7

    (span,) = telemetry.finished(f"GET {PAYMENT_ROUTE}")
    throttled = [dict(e.attributes or {}) for e in span.events if e.name == "throttled"]
    assert throttled == [{"http.response.status_code": 429, "iamport.retry_after": 7.0}]
    (retry,) = [dict(e.attributes or {}) for e in span.events if e.name == "retry"]
    assert retry["iamport.retry.wait"] == 7.0
    assert telemetry.total("iamport.client.throttled", **{"http.response.status_code": 429}) == 1
    assert telemetry.total("iamport.client.rate.changes", **{"iamport.direction": "down"}) >= 1
    (rate,) = telemetry.points("iamport.client.rate")
    assert rate.value < 20


async def test_a_failed_call_is_an_error_span(
    api: respx.MockRouter, clock: VirtualClock, telemetry: Telemetry
) -> None:
    api.get("/payments/imp_1").respond(json=envelope(code=1, message="no such payment"))
    async with client_for(telemetry, clock) as client:
        with pytest.raises(Exception, match="no such payment"):
            await client.request("GET", "/payments/imp_1")

    (span,) = telemetry.finished(f"GET {PAYMENT_ROUTE}")
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes is not None
    assert span.attributes["error.type"] == "BusinessError"  # a refusal inside an HTTP 200


async def test_a_hundred_concurrent_calls_on_a_cold_client_make_one_token_span(
    clock: VirtualClock, telemetry: Telemetry
) -> None:
    release = anyio.Event()
    token_requests = 0

    async def api(request: httpx.Request) -> httpx.Response:
        nonlocal token_requests
        if request.url.path == "/users/getToken":
            token_requests += 1
            await release.wait()
            return httpx.Response(200, json=token_payload())
        return httpx.Response(200, json=envelope({}))

    options = {"transport": httpx.MockTransport(api), "max_concurrency": None}
    client = client_for(telemetry, clock, **options)
    async with client, anyio.create_task_group() as tg:
        for number in range(100):
            tg.start_soon(client.request, "GET", f"/payments/imp_{number}")
        await anyio.wait_all_tasks_blocked()
        release.set()

    assert token_requests == 1
    calls = telemetry.finished(f"GET {PAYMENT_ROUTE}")
    assert len(calls) == 100
    (token_span,) = telemetry.finished("POST /users/getToken")
    assert token_span.parent is not None
    leaders = [s for s in calls if s.context.span_id == token_span.parent.span_id]
    assert len(leaders) == 1  # a child of the one call that led the refresh
    assert telemetry.total("iamport.client.token.refreshes") == 1
    assert telemetry.total("http.client.request.duration", **{"url.template": PAYMENT_ROUTE}) == 100
    assert telemetry.total("http.client.active_requests") == 0


async def test_a_bulk_lookup_is_one_span_per_chunk(telemetry: Telemetry) -> None:
    fake = FakeIamport()
    ids = [f"imp_{n:04}" for n in range(250)]
    for imp_uid in ids:
        fake.add_payment(imp_uid=imp_uid, amount=1000)
    async with fake.client(instrumentation=telemetry.adapter) as client:
        result = await client.payments.get_many([*ids, "imp_missing"])

    assert len(result.found) == 250
    chunks = telemetry.finished("GET /payments")
    assert len(chunks) == 3  # 251 ids, 100 to a request
    for span in chunks:
        assert span.attributes is not None
        assert span.attributes["url.template"] == "/payments"
        assert span.attributes["http.response.status_code"] in (200, 207)
    assert telemetry.total("http.client.request.duration", **{"url.template": "/payments"}) == 3


SECRETS = [
    "imp_PERSONAL1",
    "order-PERSONAL2",
    "4242424242424242",
    "PWD2D",
    "SECRET-ACCESS-TOKEN",
    "test-secret",
    "123456789012",
    "PERSONAL-PATH",
]


async def test_no_id_query_value_body_field_or_token_is_recorded(
    api: respx.MockRouter, clock: VirtualClock, telemetry: Telemetry
) -> None:
    api.routes["token"].respond(json=token_payload("SECRET-ACCESS-TOKEN"))
    api.route().respond(500, json=envelope(code=-1, message="card 4242424242424242 refused"))
    hook: list[Event] = []

    class Keep:
        def on_event(self, event: Event) -> None:
            hook.append(event)

    client = Iamport(
        imp_key="test-key",
        imp_secret="test-secret",
        clock=clock,
        seed=1,
        max_retries=1,
        instrumentation=[telemetry.adapter, Keep()],
    )
    async with client:
        calls = [
            ("GET", "/payments/imp_PERSONAL1", None, None),
            ("GET", "/payments/prepare/order-PERSONAL2", None, None),
            ("GET", "/vbanks/holder", {"bank_code": "004", "bank_num": "123456789012"}, None),
            ("POST", "/subscribe/payments/onetime", None, {"card_number": "4242424242424242"}),
            ("POST", "/subscribe/payments/onetime", None, {"pwd_2digit": "PWD2D"}),
            ("GET", "/custom/PERSONAL-PATH", None, None),
        ]
        for method, path, params, body in calls:
            with pytest.raises(Exception):  # noqa: B017, PT011 (every kind of failure)
                await client.request(method, path, params=params, json=body)

    recorded = [repr(event) for event in hook]
    for span in telemetry.finished():
        recorded += [span.name, repr(dict(span.attributes or {}))]
        recorded += [f"{e.name} {dict(e.attributes or {})}" for e in span.events]
        recorded += [repr(span.status.description)]
    data = telemetry.reader.get_metrics_data()
    assert data is not None
    recorded.append(data.to_json())
    text = "\n".join(recorded)
    assert "/payments/{imp_uid}" in text  # the check is not vacuous
    assert "/vbanks/holder" in text
    for secret in SECRETS:
        assert secret not in text
