"""A BatchStream closes every memory stream it opened, however the caller leaves it.

A stream left open is found later by the garbage collector, in whatever test is running then,
as ``ResourceWarning: Unclosed MemoryObjectSendStream`` (an error under this suite's filters).
These cases count the open ends directly, so a leak fails the case that made it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import anyio
import anyio.lowlevel
import pytest

from iamport_async._batching import Key
from iamport_async.errors import ServerError
from iamport_async.results import BatchStream, _Results

pytestmark = pytest.mark.anyio

KEYS: list[Key] = [("imp_uid[]", f"imp_{n:04d}") for n in range(2_000)]


def _no_match(item: object) -> list[Key]:
    return []


def assert_all_closed(results: _Results[object]) -> None:
    stats = results.receive.statistics()
    assert (stats.open_send_streams, stats.open_receive_streams) == (0, 0)


@pytest.mark.parametrize("stop_at", range(12))
async def test_cancelled_at_any_chunk_it_closes_every_stream(stop_at: int) -> None:
    """Cancelled from outside while chunks are queued, starting, in flight or answered."""
    scope = anyio.CancelScope()
    calls = 0

    async def fetch(keys: Sequence[Key]) -> list[object]:
        nonlocal calls
        calls += 1
        if calls > stop_at:
            scope.cancel()
        await anyio.lowlevel.checkpoint()
        if calls % 3 == 0:
            raise ServerError(
                status=503, code=None, message=None, body="", method="GET", path="/payments"
            )
        return []

    with scope:
        async with BatchStream(KEYS, fetch, _no_match, concurrency=4) as results:
            async for _ in results:
                pass
    assert scope.cancelled_caught
    assert_all_closed(results)


@pytest.mark.parametrize("taken", [0, 1, 150])
async def test_left_early_it_closes_every_stream(taken: int) -> None:
    async def fetch(keys: Sequence[Key]) -> list[object]:
        await anyio.lowlevel.checkpoint()
        return []

    async with BatchStream(KEYS, fetch, _no_match, concurrency=4) as results:
        seen = 0
        async for _ in results:
            seen += 1
            if seen > taken:
                break
    assert_all_closed(results)


async def test_left_early_it_closes_the_async_generator_of_its_keys() -> None:
    """An endpoint's own generator of keys (ids checked as they come) is closed with the
    stream, not left for the garbage collector to find unexhausted in another test."""
    closed = anyio.Event()

    async def keys() -> AsyncIterator[Key]:
        try:
            for key in KEYS:
                yield key
        finally:
            closed.set()

    async def fetch(keys: Sequence[Key]) -> list[object]:
        await anyio.lowlevel.checkpoint()
        return []

    async with BatchStream(keys(), fetch, _no_match, concurrency=4) as results:
        async for _ in results:
            break
    assert closed.is_set()


async def test_stopped_by_a_failing_fetch_it_closes_every_stream() -> None:
    async def fetch(keys: Sequence[Key]) -> list[object]:
        await anyio.lowlevel.checkpoint()
        raise RuntimeError("a bug in fetch")

    stream = BatchStream(KEYS, fetch, _no_match, concurrency=4)
    with pytest.raises(RuntimeError, match="a bug in fetch"):
        await _drain(stream)
    assert stream._results is not None
    assert_all_closed(stream._results)


async def _drain(stream: BatchStream[object]) -> None:
    async with stream as results:
        async for _ in results:
            pass
