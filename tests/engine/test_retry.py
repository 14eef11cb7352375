"""What is retried, how long the client waits, and when it gives up."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
import respx

from iamport_async import Iamport, Idempotency
from iamport_async._engine.retry import parse_retry_after
from iamport_async.errors import (
    ApiError,
    BadRequestError,
    BusinessError,
    ConnectError,
    ConnectionLost,
    IamportError,
    NotFoundError,
    RateLimitedError,
    RequestTimeout,
    ServerError,
)
from iamport_async.retry import RetryBudget
from iamport_async.testing.clock import VirtualClock
from tests.conftest import envelope

pytestmark = pytest.mark.anyio

OK = httpx.Response(200, json=envelope({"ok": True}))

# failure kind -> (what the server does, the error the caller sees when it persists)
FAILURES: dict[str, tuple[Any, type[IamportError]]] = {
    "408": (httpx.Response(408, json=envelope(code=-1)), ApiError),
    "429": (httpx.Response(429, json=envelope(code=-1)), RateLimitedError),
    "500": (httpx.Response(500, json=envelope(code=-1)), ServerError),
    "502-html": (httpx.Response(502, html="<html>Bad Gateway</html>"), ServerError),
    "503": (httpx.Response(503, json=envelope(code=-1)), ServerError),
    "504": (httpx.Response(504, text="upstream timed out"), ServerError),
    "connect": (httpx.ConnectError("refused"), ConnectError),
    "read-timeout": (httpx.ReadTimeout("slow"), RequestTimeout),
    "dropped": (httpx.RemoteProtocolError("peer closed"), ConnectionLost),
}
NEVER_REACHED_SERVER = {"connect", "429"}


def expected_attempts(kind: str, failures: int, idempotency: Idempotency) -> int:
    """Attempts the client makes (3 retries at most) before it succeeds or gives up."""
    retryable = idempotency is not Idempotency.UNGUARDED or kind in NEVER_REACHED_SERVER
    if not retryable:
        return 1
    return min(failures, 3) + 1


@pytest.mark.parametrize("idempotency", list(Idempotency))
@pytest.mark.parametrize("kind", FAILURES)
@pytest.mark.parametrize("failures", [0, 2, 4])
async def test_retry_matrix(
    api: respx.MockRouter, client: Iamport, kind: str, failures: int, idempotency: Idempotency
) -> None:
    failure, error_class = FAILURES[kind]
    route = api.post("/payments/cancel")
    route.side_effect = [failure] * failures + [OK]
    attempts = expected_attempts(kind, failures, idempotency)
    succeeds = failures < attempts

    if succeeds:
        assert await client.request("POST", "/payments/cancel", idempotency=idempotency) == {
            "ok": True
        }
    else:
        with pytest.raises(error_class):
            await client.request("POST", "/payments/cancel", idempotency=idempotency)
    assert route.call_count == attempts


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(400, json=envelope(code=-1, message="bad page")),
        httpx.Response(404, json=envelope(code=-1, message="존재하지 않는 결제정보입니다.")),
        httpx.Response(200, json=envelope(code=1, message="이미 전액취소된 주문입니다.")),
    ],
    ids=["400", "404", "200-code-1"],
)
async def test_answers_that_mean_no_are_never_retried(
    api: respx.MockRouter, client: Iamport, answer: httpx.Response
) -> None:
    route = api.get("/payments/imp_1").mock(return_value=answer)
    with pytest.raises((BadRequestError, NotFoundError, BusinessError)):
        await client.request("GET", "/payments/imp_1")
    assert route.call_count == 1


async def test_backoff_is_full_jitter_doubling_from_half_a_second(
    api: respx.MockRouter, clock: VirtualClock
) -> None:
    starts: list[float] = []

    def fail(request: httpx.Request) -> httpx.Response:
        starts.append(clock.monotonic())
        return httpx.Response(503, json=envelope(code=-1))

    api.get("/payments/imp_1").mock(side_effect=fail)
    async with Iamport(imp_key="k", imp_secret="s", clock=clock, max_retries=6, seed=7) as client:
        with pytest.raises(ServerError):
            await client.request("GET", "/payments/imp_1")
    waits = [later - earlier for earlier, later in itertools.pairwise(starts)]
    ceilings = [0.5, 1, 2, 4, 8, 8]
    assert len(waits) == 6
    assert all(0 <= wait <= ceiling for wait, ceiling in zip(waits, ceilings, strict=True))
    assert len(set(waits)) == 6  # jittered, not a fixed schedule


def retry_after_answers(value: str, then: httpx.Response = OK) -> list[httpx.Response]:
    return [httpx.Response(429, headers={"Retry-After": value}, json=envelope(code=-1)), then]


async def test_retry_after_in_seconds_is_honoured(
    api: respx.MockRouter, client: Iamport, clock: VirtualClock
) -> None:
    api.get("/payments/imp_1").side_effect = retry_after_answers("7")
    started = clock.monotonic()
    await client.request("GET", "/payments/imp_1")
    assert clock.monotonic() - started == 7


async def test_retry_after_as_an_http_date_is_read_against_the_servers_date(
    api: respx.MockRouter, client: Iamport, clock: VirtualClock
) -> None:
    server_now = datetime(2026, 1, 1, tzinfo=UTC)  # far from the local clock, on purpose
    answer = httpx.Response(
        503,
        headers={
            "Retry-After": format_datetime(server_now + timedelta(seconds=12), usegmt=True),
            "Date": format_datetime(server_now, usegmt=True),
        },
        json=envelope(code=-1),
    )
    api.get("/payments/imp_1").side_effect = [answer, OK]
    started = clock.monotonic()
    await client.request("GET", "/payments/imp_1")
    assert clock.monotonic() - started == 12


async def test_a_retry_after_beyond_the_cap_raises_at_once_with_the_wait(
    api: respx.MockRouter, client: Iamport, clock: VirtualClock
) -> None:
    route = api.get("/payments/imp_1")
    route.side_effect = retry_after_answers("3600")
    started = clock.monotonic()
    with pytest.raises(RateLimitedError) as caught:
        await client.request("GET", "/payments/imp_1")
    assert caught.value.retry_after == 3600
    assert clock.monotonic() == started
    assert route.call_count == 1


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("0", 0.0),
        ("2.5", 2.5),
        (" 30 ", 30.0),
        ("-4", 0.0),
        ("Wed, 21 Oct 2015 07:28:10 GMT", 10.0),
        ("soon", None),
        ("", None),
    ],
)
def test_retry_after_forms(header: str, seconds: float | None) -> None:
    server_date = "Wed, 21 Oct 2015 07:28:00 GMT"
    assert parse_retry_after(header, server_date, now=0) == seconds


async def test_the_total_time_budget_ends_the_call(
    api: respx.MockRouter, clock: VirtualClock
) -> None:
    route = api.get("/payments/imp_1")
    route.respond(429, headers={"Retry-After": "4"}, json=envelope(code=-1))
    async with Iamport(
        imp_key="k", imp_secret="s", clock=clock, max_retries=10, total_timeout=10
    ) as client:
        started = clock.monotonic()
        with pytest.raises(RateLimitedError):
            await client.request("GET", "/payments/imp_1")
    assert clock.monotonic() - started <= 10
    assert route.call_count == 3  # waits of 4 + 4; a third would end past the 10 s budget


async def test_an_empty_retry_budget_makes_calls_fail_on_their_first_error(
    api: respx.MockRouter, clock: VirtualClock
) -> None:
    route = api.get("/payments/imp_1").respond(503, json=envelope(code=-1))
    budget = RetryBudget(capacity=10, retry_cost=5)
    async with Iamport(imp_key="k", imp_secret="s", clock=clock, retry_budget=budget) as client:
        with pytest.raises(ServerError):
            await client.request("GET", "/payments/imp_1")
        assert route.call_count == 3  # two retries spent the budget; the third was refused
        with pytest.raises(ServerError):
            await client.request("GET", "/payments/imp_1")
        assert route.call_count == 4  # no budget left: no retry at all

        route.respond(json=envelope({"ok": True}))
        for _ in range(5):  # first-try successes refill the budget
            await client.request("GET", "/payments/imp_1")
        assert budget.available == 5


async def test_an_error_after_a_possibly_processed_attempt_says_so(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.post("/payments/cancel").side_effect = [
        httpx.ReadTimeout("lost"),
        httpx.Response(200, json=envelope(code=1, message="이미 전액취소된 주문입니다.")),
    ]
    with pytest.raises(BusinessError) as caught:
        await client.request("POST", "/payments/cancel", idempotency=Idempotency.GUARDED)
    assert caught.value.after_ambiguous_failure
    assert caught.value.message == "이미 전액취소된 주문입니다."


class ClosingTracker(httpx.AsyncBaseTransport):
    """Answers from a script and counts response streams left open."""

    def __init__(self, answers: list[httpx.Response]) -> None:
        self.answers = answers
        self.open = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/users/getToken":
            answer = httpx.Response(200, json={"code": 0, "response": _TOKEN})
        else:
            answer = self.answers.pop(0)
        self.open += 1
        return httpx.Response(answer.status_code, stream=_Tracked(self, answer.content))


_TOKEN = {"access_token": "t", "now": 0, "expired_at": 1800}


class _Tracked(httpx.AsyncByteStream):
    def __init__(self, owner: ClosingTracker, body: bytes) -> None:
        self.owner = owner
        self.body = body

    async def __aiter__(self) -> Any:
        yield self.body

    async def aclose(self) -> None:
        self.owner.open -= 1


async def test_retries_leave_no_response_open(clock: VirtualClock) -> None:
    failing = [httpx.Response(503, text="<html>busy</html>")] * 3
    tracker = ClosingTracker([*failing, httpx.Response(200, json=envelope({"ok": 1}))])
    async with Iamport(imp_key="k", imp_secret="s", transport=tracker, clock=clock) as client:
        assert await client.request("GET", "/payments/imp_1") == {"ok": 1}
    assert tracker.open == 0
