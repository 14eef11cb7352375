"""Hooks told of what the client does: calls, attempts, retries, throttles, waits, tokens."""

from __future__ import annotations

import logging
import re
from typing import Any

import anyio
import httpx
import pytest
import respx

from iamport_async import Iamport, InvalidInputError
from iamport_async._routes import route_template
from iamport_async.errors import ServerError
from iamport_async.instrumentation import (
    CallEnded,
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
from iamport_async.testing.clock import VirtualClock
from tests.conftest import envelope

pytestmark = pytest.mark.anyio


class Recorder:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def on_event(self, event: Event) -> None:
        self.events.append(event)

    def of(self, kind: type[Any]) -> list[Any]:
        return [event for event in self.events if isinstance(event, kind)]


def client_with(clock: VirtualClock, *hooks: object, **options: Any) -> Iamport:
    return Iamport(
        imp_key="test-key",
        imp_secret="test-secret",
        clock=clock,
        seed=1,
        instrumentation=list(hooks),  # type: ignore[arg-type]
        **options,
    )


async def test_a_plain_call_is_told_in_order_with_its_route_template(
    api: respx.MockRouter, clock: VirtualClock
) -> None:
    api.get("/payments/imp_1").respond(json=envelope({"imp_uid": "imp_1"}))
    hook = Recorder()
    async with client_with(clock, hook) as client:
        await client.request("GET", "/payments/imp_1")

    call = hook.of(CallStarted)[0].call
    assert (call.method, call.route, call.server_address, call.server_port) == (
        "GET",
        "/payments/{imp_uid}",
        "api.iamport.kr",
        443,
    )
    own = [type(e).__name__ for e in hook.events if getattr(e, "call", None) == call]
    assert own == [
        "CallStarted",
        "LimiterWaited",  # concurrency slot
        "LimiterWaited",  # rate slot, after the token
        "RequestStarted",
        "RequestEnded",
        "CallEnded",
    ]
    (ended,) = [e for e in hook.of(CallEnded) if e.call == call]
    assert (ended.attempts, ended.status, ended.error_type) == (1, 200, None)
    (token,) = hook.of(TokenRefreshed)
    assert (token.outcome, token.error_type) == ("ok", None)
    token_call = [e.call for e in hook.of(CallStarted) if e.call.route == "/users/getToken"]
    assert len(token_call) == 1  # the token request is a call of its own, inside the first


async def test_retries_are_told_with_their_reason_and_wait(
    api: respx.MockRouter, clock: VirtualClock
) -> None:
    api.get("/payments/imp_1").mock(
        side_effect=[
            httpx.Response(500, json=envelope(code=-1)),
            httpx.Response(503, headers={"Retry-After": "3"}, json=envelope(code=-1)),
            httpx.Response(200, json=envelope({"imp_uid": "imp_1"})),
        ]
    )
    hook = Recorder()
    async with client_with(clock, hook) as client:
        await client.request("GET", "/payments/imp_1")

    retries = hook.of(RetryScheduled)
    assert [(r.attempt, r.reason, r.status) for r in retries] == [
        (1, "ServerError", 500),
        (2, "ServerError", 503),
    ]
    assert retries[1].wait == 3.0
    assert [(t.status, t.retry_after) for t in hook.of(Throttled)] == [(503, 3.0)]
    ends = [e for e in hook.of(RequestEnded) if e.call.route == "/payments/{imp_uid}"]
    assert [(e.attempt, e.status, e.error_type) for e in ends] == [
        (1, 500, "ServerError"),
        (2, 503, "ServerError"),
        (3, 200, None),
    ]
    (ended,) = [e for e in hook.of(CallEnded) if e.call.route == "/payments/{imp_uid}"]
    assert ended.attempts == 3
    assert ended.duration >= 3.0  # on the injected clock: the waits are part of the call


async def test_a_failed_call_ends_with_its_error_type(
    api: respx.MockRouter, clock: VirtualClock
) -> None:
    api.get("/payments/imp_1").respond(500, json=envelope(code=-1))
    hook = Recorder()
    async with client_with(clock, hook, max_retries=0) as client:
        with pytest.raises(ServerError):
            await client.request("GET", "/payments/imp_1")

    (ended,) = [e for e in hook.of(CallEnded) if e.call.route == "/payments/{imp_uid}"]
    assert (ended.status, ended.error_type) == (500, "ServerError")


async def test_limiter_waits_are_measured_on_the_clock(
    api: respx.MockRouter, clock: VirtualClock
) -> None:
    api.get("/payments/imp_1").respond(json=envelope({}))
    hook = Recorder()
    async with client_with(clock, hook, rate_limit=1) as client:
        for _ in range(3):
            await client.request("GET", "/payments/imp_1")

    waits = [e.seconds for e in hook.of(LimiterWaited) if e.limiter == "rate"]
    assert sum(waits) == pytest.approx(3.0)  # 4 starts (the token's too) at 1/s after a burst


async def test_adaptive_rate_changes_are_told(api: respx.MockRouter, clock: VirtualClock) -> None:
    api.get("/payments/imp_1").mock(
        side_effect=[httpx.Response(200, json=envelope({}))] * 20
        + [httpx.Response(429, json=envelope(code=-1))]
        + [httpx.Response(200, json=envelope({}))] * 5
    )
    hook = Recorder()
    async with client_with(clock, hook, adaptive=True, rate_limit=50) as client:
        for _ in range(21):
            await client.request("GET", "/payments/imp_1")
            clock.advance(0.1)

    changes = hook.of(RateChanged)
    assert changes, "the 429 lowered the rate"
    assert changes[0].old == 50
    assert changes[0].new is not None
    assert changes[0].new < 50


async def test_a_cancelled_call_still_ends(clock: VirtualClock) -> None:
    async def hang(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/users/getToken":
            return httpx.Response(
                200, json=envelope({"access_token": "t", "now": 0, "expired_at": 1800})
            )
        await anyio.sleep_forever()
        raise AssertionError

    hook = Recorder()
    async with client_with(clock, hook, transport=httpx.MockTransport(hang)) as client:
        with anyio.move_on_after(0.05):
            await client.request("GET", "/payments/imp_1")

    started = [e for e in hook.of(RequestStarted) if e.call.route == "/payments/{imp_uid}"]
    ended = [e for e in hook.of(RequestEnded) if e.call.route == "/payments/{imp_uid}"]
    assert len(started) == len(ended) == 1  # requests in flight go back to zero
    (call_end,) = [e for e in hook.of(CallEnded) if e.call.route == "/payments/{imp_uid}"]
    assert call_end.error_type is not None
    assert "Cancel" in call_end.error_type


async def test_hooks_compose_and_a_broken_one_breaks_nothing(
    api: respx.MockRouter, clock: VirtualClock, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        def on_event(self, event: Event) -> None:
            raise RuntimeError("bug in a metrics hook")

    api.get("/payments/imp_1").respond(json=envelope({"imp_uid": "imp_1"}))
    first, second = Recorder(), Recorder()
    with caplog.at_level(logging.DEBUG, logger="iamport_async"):
        async with client_with(clock, first, Broken(), second) as client:
            assert await client.request("GET", "/payments/imp_1") == {"imp_uid": "imp_1"}

    assert first.events == second.events
    assert first.events
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # once with its traceback, then quietly
    assert "Broken" in warnings[0].getMessage()


async def test_with_options_copies_keep_the_hooks(
    api: respx.MockRouter, clock: VirtualClock
) -> None:
    api.get("/payments/imp_1").respond(json=envelope({}))
    hook = Recorder()
    async with client_with(clock, hook) as client:
        await client.with_options(tier="A01", max_retries=0).request("GET", "/payments/imp_1")

    assert [e.call.route for e in hook.of(CallEnded)] == ["/users/getToken", "/payments/{imp_uid}"]


async def test_without_hooks_no_event_is_built(
    api: respx.MockRouter, clock: VirtualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an event was built with no hook")

    import iamport_async.instrumentation as instrumentation

    monkeypatch.setattr(instrumentation.CallTrace, "__init__", refuse)
    monkeypatch.setattr(instrumentation.Hooks, "token_refreshed", refuse)
    api.get("/payments/imp_1").respond(json=envelope({}))
    async with Iamport(imp_key="k", imp_secret="s", clock=clock) as client:
        await client.request("GET", "/payments/imp_1")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (object(), "instrumentation: must have on_event()"),
        ([Recorder(), 3], "instrumentation[1]: must have on_event()"),
        ([None], "instrumentation[0]: must have on_event()"),
    ],
)
def test_an_object_without_on_event_is_refused(value: object, message: str) -> None:
    with pytest.raises(InvalidInputError, match=re.escape(message)):
        Iamport(imp_key="k", imp_secret="s", instrumentation=value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("method", "path", "template"),
    [
        ("GET", "/payments/imp_1", "/payments/{imp_uid}"),
        ("GET", "/payments/imp_1/balance", "/payments/{imp_uid}/balance"),
        ("GET", "/payments/prepare/order-7", "/payments/prepare/{merchant_uid}"),
        ("POST", "/payments/prepare", "/payments/prepare"),
        ("GET", "/payments/status/paid", "/payments/status/{payment_status}"),
        ("GET", "/payments?imp_uid[]=imp_1", "/payments"),
        ("POST", "/users/getToken", "/users/getToken"),
        ("GET", "/not/an/api/route", None),
    ],
)
def test_paths_are_named_by_their_route_template(
    method: str, path: str, template: str | None
) -> None:
    assert route_template(method, path) == template
