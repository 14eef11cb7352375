"""The shared GCRA: one budget per account across limiters, paced on Redis's clock.

Waits are computed on Redis's (real) clock; a :class:`RecordingClock` writes down each one
instead of sleeping. Tasks that acquire at once get slots 1/R apart: the waits handed out are
0, 1/R, 2/R ... less the real time that passed meanwhile on Redis's clock (this host's), which
the tests measure: a busy machine makes them slower, not flaky.
"""

from __future__ import annotations

import time

import anyio
import pytest
import redis

from iamport_async.clock import Clock
from iamport_async.errors import BackpressureError, InvalidInputError
from iamport_async.fleet import RedisRateLimiter, RedisShared
from tests.fleet._helpers import IMP_KEY, RecordingClock, backend, keys
from tests.fleet._server import RedisServer

pytestmark = pytest.mark.anyio

EPS = 0.002
"""Rounding: Redis hands out waits in whole microseconds."""


class Timer:
    """Real seconds since it was made: how far Redis's clock moved during a test, at most."""

    def __init__(self) -> None:
        self._start = time.monotonic()

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self._start


def assert_spaced(handed_out: list[float], rate: float, elapsed: float) -> None:
    """The i-th wait is i/rate, less at most the real time that passed."""
    for i, wait in enumerate(handed_out):
        assert i / rate - elapsed - EPS <= wait <= i / rate + EPS, (i, wait, elapsed)


"""Real seconds a test may take between its first and last acquire (Redis's clock runs)."""


@pytest.fixture
def clock() -> RecordingClock:
    return RecordingClock()


def limiter(shared: RedisShared, clock: Clock, imp_key: str = IMP_KEY) -> RedisRateLimiter:
    found = shared.bind(imp_key=imp_key, clock=clock).rate_limiter
    assert isinstance(found, RedisRateLimiter)
    return found


async def waits(
    limiters: list[RedisRateLimiter], per_limiter: int, clock: RecordingClock
) -> list[float]:
    """Every limiter's tasks acquire at once; return the waits Redis handed out, sorted."""
    async with anyio.create_task_group() as tg:
        for _ in range(per_limiter):
            for each in limiters:
                tg.start_soon(each.acquire)
    return sorted(clock.waits + [0.0] * (per_limiter * len(limiters) - len(clock.waits)))


async def test_concurrent_acquires_start_one_interval_apart(
    redis_server: RedisServer, prefix: str, clock: RecordingClock
) -> None:
    async with backend(redis_server.url, prefix, rate_limit=20) as shared:
        timer = Timer()
        handed_out = await waits([limiter(shared, clock)], 30, clock)
    assert_spaced(handed_out, 20, timer.elapsed)


async def test_limiters_of_one_account_share_the_budget(
    redis_server: RedisServer, prefix: str, clock: RecordingClock
) -> None:
    first = backend(redis_server.url, prefix, rate_limit=20)
    second = backend(redis_server.url, prefix, rate_limit=20)
    async with first, second:
        fleet = [limiter(first, clock), limiter(second, clock)]
        timer = Timer()
        handed_out = await waits(fleet, 20, clock)
    assert_spaced(handed_out, 20, timer.elapsed)
    assert len(handed_out) == 40
    assert [each.members for each in fleet] == [2, 2]


async def test_another_account_has_its_own_budget(
    redis_server: RedisServer, prefix: str, clock: RecordingClock
) -> None:
    async with backend(redis_server.url, prefix, rate_limit=20) as shared:
        fleet = [limiter(shared, clock, "account-a"), limiter(shared, clock, "account-b")]
        timer = Timer()
        handed_out = await waits(fleet, 20, clock)
    assert_spaced(handed_out[::2], 20, timer.elapsed)  # two queues side by side
    assert handed_out[-1] <= 19 / 20 + EPS


async def test_a_wait_beyond_max_wait_raises_and_takes_no_slot(
    redis_server: RedisServer, prefix: str, clock: RecordingClock
) -> None:
    async with backend(redis_server.url, prefix, rate_limit=1) as shared:
        one = limiter(shared, clock)
        timer = Timer()
        await one.acquire()
        with pytest.raises(BackpressureError) as caught:
            await one.acquire(max_wait=0.5)
        await one.acquire()  # the refused call took nothing: the next slot is still 1 s off
        elapsed = timer.elapsed
    assert 1.0 - elapsed - EPS <= caught.value.wait <= 1.0 + EPS
    assert 1.0 - elapsed - EPS <= clock.waits[-1] <= 1.0 + EPS


async def test_keys_name_the_account_by_hash_never_by_imp_key(
    redis_server: RedisServer, prefix: str, clock: RecordingClock, peek: redis.Redis
) -> None:
    async with backend(redis_server.url, prefix, rate_limit=5) as shared:
        await limiter(shared, clock).acquire()
    stored = set(peek.keys(f"{prefix}:*"))
    assert stored == {keys(prefix)["rate"], keys(prefix)["members"]}
    assert not any(IMP_KEY in key for key in stored)
    assert 0 < peek.pttl(keys(prefix)["rate"]) <= 61_000  # idle state does not linger


async def test_adaptive_cut_is_shared_and_made_once_per_episode(
    redis_server: RedisServer, prefix: str, clock: RecordingClock
) -> None:
    async with backend(redis_server.url, prefix, rate_limit=100, adaptive=True) as shared:
        first, second = limiter(shared, clock), limiter(shared, clock)
        first.feedback(throttled=True)
        await first.acquire()
        cut = first.rate
        await second.acquire()
        assert second.rate == pytest.approx(cut, abs=0.5)
        second.feedback(throttled=True)  # the same burst of 429s, seen by another process
        await second.acquire()
        await first.acquire()
    assert cut == pytest.approx(100 * 0.7, abs=0.5)
    assert first.rate == pytest.approx(cut, abs=0.5)


async def test_adaptive_rate_climbs_back_to_the_limit(
    redis_server: RedisServer, prefix: str, clock: RecordingClock, peek: redis.Redis
) -> None:
    async with backend(redis_server.url, prefix, rate_limit=100, adaptive=True) as shared:
        one = limiter(shared, clock)
        one.feedback(throttled=True)
        await one.acquire()
        rates = []
        for seconds_ago in (0.5, 1.0, 2.0, 30.0):
            # Redis's clock cannot be moved: move the cut into the past instead.
            micros = round((time.time() - seconds_ago) * 1_000_000)
            peek.hset(keys(prefix)["rate"], "cut_at", str(micros))
            await one.acquire()
            rates.append(one.rate)
    assert 70 < rates[0] < rates[1] < rates[2] < 100
    assert rates[3] == 100
    assert peek.hget(keys(prefix)["rate"], "cut_at") is None  # recovered: the episode is over


async def test_without_adaptive_a_throttle_changes_nothing(
    redis_server: RedisServer, prefix: str, clock: RecordingClock
) -> None:
    async with backend(redis_server.url, prefix, rate_limit=100) as shared:
        one = limiter(shared, clock)
        one.feedback(throttled=True)
        await one.acquire()
    assert one.rate == 100


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"rate_limit": 0}, "rate_limit"),
        ({"rate_limit": float("inf")}, "rate_limit"),
        ({"rate_limit": 5, "burst": 0.5}, "burst"),
        ({"adaptive": True}, "adaptive"),
        ({"retry_interval": -1}, "retry_interval"),
        ({"prefix": "a{b}"}, "prefix"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(options: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        RedisShared.from_url("redis://127.0.0.1:1/0", **options)  # type: ignore[arg-type]
    assert caught.value.field == field


def test_only_redis_urls_are_accepted() -> None:
    with pytest.raises(InvalidInputError) as caught:
        RedisShared.from_url("http://127.0.0.1:6379")
    assert caught.value.field == "url"
