"""Rate and concurrency control: R starts per second, never more than the cap in flight."""

from __future__ import annotations

import math

import anyio
import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.errors import BackpressureError
from iamport_async.ratelimit import AdaptiveRateLimiter, TokenBucket
from iamport_async.testing.clock import VirtualClock
from tests.conftest import envelope, token_payload

pytestmark = pytest.mark.anyio


def busiest_second(starts: list[float]) -> int:
    """The most starts in any window of one second."""
    starts = sorted(starts)
    most = 0
    for i, start in enumerate(starts):
        inside = sum(1 for later in starts[i:] if later < start + 1.0 - 1e-9)
        most = max(most, inside)
    return most


@pytest.mark.parametrize("rate", [1, 7, 50])
async def test_a_token_bucket_of_rate_r_admits_r_per_second(clock: VirtualClock, rate: int) -> None:
    bucket = TokenBucket(rate, clock, burst=1)
    starts: list[float] = []

    async def start() -> None:
        await bucket.acquire()
        starts.append(clock.monotonic())

    # three seconds' worth of callers at once: every one-second window is tested, and the
    # virtual clock's cost grows with the square of the sleepers (five seconds took 11 s)
    async with anyio.create_task_group() as tg:
        for _ in range(rate * 3):
            tg.start_soon(start)
    assert busiest_second(starts) == rate
    assert max(starts) - min(starts) == pytest.approx((rate * 3 - 1) / rate)


async def test_a_burst_is_spent_at_once_then_the_rate_holds(clock: VirtualClock) -> None:
    bucket = TokenBucket(10, clock, burst=5)
    begin = clock.monotonic()
    for _ in range(5):
        await bucket.acquire()
    assert clock.monotonic() == pytest.approx(begin)
    for _ in range(10):
        await bucket.acquire()
    assert clock.monotonic() - begin == pytest.approx(1.0)


async def test_a_lower_rate_applies_to_callers_already_waiting(clock: VirtualClock) -> None:
    """30 callers at 10/s hold slots up to 3 s ahead; cut to 2/s, they must not keep them."""
    bucket = TokenBucket(10, clock, burst=1)
    begin = clock.monotonic()
    cut_at = begin + 0.45
    starts: list[float] = []

    async def start() -> None:
        await bucket.acquire()
        starts.append(clock.monotonic())

    async def cut() -> None:
        await clock.sleep_until(cut_at)
        bucket.rate = 2

    async with anyio.create_task_group() as tg:
        tg.start_soon(cut)
        for _ in range(30):
            tg.start_soon(start)
    assert len(starts) == 30
    assert len([t for t in starts if t < cut_at]) == 5  # 10/s before the cut
    assert busiest_second([t for t in starts if t >= cut_at]) == 2


async def test_the_client_rate_limit_spaces_requests(clock: VirtualClock) -> None:
    starts: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/users/getToken":
            return httpx.Response(200, json=token_payload())
        starts.append(clock.monotonic())
        return httpx.Response(200, json=envelope({}))

    async with (
        Iamport(
            imp_key="k",
            imp_secret="s",
            transport=httpx.MockTransport(answer),
            clock=clock,
            rate_limit=20,
        ) as client,
        anyio.create_task_group() as tg,
    ):
        for _ in range(100):
            tg.start_soon(client.request, "GET", "/payments/imp_1")
    assert len(starts) == 100
    assert busiest_second(starts) <= 20 + 20  # the rate, plus one burst of the same size
    assert max(starts) - min(starts) >= (100 - 20) / 20 - 1e-9


async def test_requests_in_flight_never_exceed_the_cap(clock: VirtualClock) -> None:
    in_flight = 0
    most = 0

    async def answer(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, most
        if request.url.path == "/users/getToken":
            return httpx.Response(200, json=token_payload())
        in_flight += 1
        most = max(most, in_flight)
        for _ in range(5):
            await anyio.lowlevel.checkpoint()
        in_flight -= 1
        return httpx.Response(200, json=envelope({}))

    async with (
        Iamport(
            imp_key="k",
            imp_secret="s",
            transport=httpx.MockTransport(answer),
            clock=clock,
            max_concurrency=4,
        ) as client,
        anyio.create_task_group() as tg,
    ):
        for _ in range(40):
            tg.start_soon(client.request, "GET", "/payments/imp_1")
    assert most == 4


async def test_fail_fast_refuses_instead_of_queueing(
    api: respx.MockRouter, clock: VirtualClock
) -> None:
    route = api.get("/payments/imp_1").respond(json=envelope({}))
    async with Iamport(imp_key="k", imp_secret="s", clock=clock, rate_limit=1) as client:
        await client.request("GET", "/payments/imp_1")  # the token took a slot too: it queued
        in_a_hurry = client.with_options(max_wait=0.1)
        with pytest.raises(BackpressureError) as caught:
            await in_a_hurry.request("GET", "/payments/imp_1")
        assert caught.value.wait == pytest.approx(1.0)
        assert route.call_count == 1
        await client.request("GET", "/payments/imp_1")  # the refused call took no slot
    assert route.call_count == 2


async def test_fail_fast_on_a_full_concurrency_cap(api: respx.MockRouter) -> None:
    release = anyio.Event()

    async def slow(request: httpx.Request) -> httpx.Response:
        await release.wait()
        return httpx.Response(200, json=envelope({}))

    route = api.get("/payments/slow").mock(side_effect=slow)
    async with (
        Iamport(imp_key="k", imp_secret="s", max_concurrency=1, max_wait=0) as client,
        anyio.create_task_group() as tg,
    ):
        tg.start_soon(client.request, "GET", "/payments/slow")
        await anyio.wait_all_tasks_blocked()
        with pytest.raises(BackpressureError):
            await client.request("GET", "/payments/slow")
        release.set()
    assert route.call_count == 1


def rate_of(limiter: AdaptiveRateLimiter) -> float | None:
    """The limiter's rate, read afresh (it changes under the type checker's feet)."""
    return limiter.rate


async def drive(limiter: AdaptiveRateLimiter, clock: VirtualClock, seconds: float) -> None:
    """Offer 40 requests per second for ``seconds``, every answer a success."""
    end = clock.monotonic() + seconds
    while clock.monotonic() < end:
        await limiter.acquire()
        limiter.feedback(throttled=False)
        await clock.sleep_until(clock.monotonic() + 1 / 40)


async def test_adaptive_mode_lowers_the_rate_on_throttling_and_climbs_back(
    clock: VirtualClock,
) -> None:
    limiter = AdaptiveRateLimiter(clock)
    await drive(limiter, clock, seconds=3)
    assert rate_of(limiter) is None  # unlimited until the server pushes back
    assert limiter.measured_rate == pytest.approx(40, rel=0.1)

    limiter.feedback(throttled=True)
    lowered = rate_of(limiter) or 0.0
    assert lowered == pytest.approx(0.7 * limiter.measured_rate, rel=0.01)

    await drive(limiter, clock, seconds=20)
    recovered = rate_of(limiter) or 0.0
    assert lowered < recovered
    assert recovered >= 0.85 * 40


async def test_adaptive_mode_never_exceeds_its_ceiling(clock: VirtualClock) -> None:
    limiter = AdaptiveRateLimiter(clock, max_rate=10)
    assert limiter.rate == 10
    limiter.feedback(throttled=True)
    await drive(limiter, clock, seconds=60)
    assert limiter.rate is not None
    assert limiter.rate <= 10
    assert not math.isnan(limiter.rate)
