"""Properties of the generic batching machinery, on a fake fetch (no HTTP): every key
answered once, bounded concurrency, a stream that reads no further than it sends."""

from __future__ import annotations

from collections.abc import Sequence

import anyio
import anyio.lowlevel
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iamport_async._batching import MAX_IDS, Key, lookup_all
from iamport_async.errors import ServerError
from iamport_async.results import BatchResult, BatchStream, IdResults


class FakeApi:
    """Answers chunks from a set of known ids; fails the chunks holding a poisoned id; tracks
    how many fetches are in flight at once."""

    def __init__(self, known: set[str], poisoned: set[str]) -> None:
        self.known = known
        self.poisoned = poisoned
        self.in_flight = 0
        self.peak = 0
        self.chunks: list[Sequence[Key]] = []

    async def fetch(self, chunk: Sequence[Key]) -> list[dict[str, str]]:
        self.chunks.append(chunk)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await anyio.lowlevel.checkpoint()
            await anyio.lowlevel.checkpoint()
            if any(key[1] in self.poisoned for key in chunk):
                raise ServerError(
                    status=500, code=None, message="boom", body="", method="GET", path="/p"
                )
            # answered in reverse order: matching must not depend on position
            return [{"id": key[1]} for key in reversed(chunk) if key[1] in self.known]
        finally:
            self.in_flight -= 1


def _match(item: dict[str, str]) -> list[Key]:
    return [("imp_uid", item["id"])]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 600), max_size=700),
    st.sets(st.integers(0, 600)),
    st.sets(st.integers(0, 600), max_size=3),
    st.integers(1, 6),
)
def test_every_key_ends_found_missing_or_failed_exactly_once(
    numbers: list[int], known: set[int], poisoned: set[int], concurrency: int
) -> None:
    items: list[Key] = [("imp_uid", f"imp_{n}") for n in numbers]
    api = FakeApi({f"imp_{n}" for n in known}, {f"imp_{n}" for n in poisoned})

    async def main() -> None:
        answers = await lookup_all(items, api.fetch, _match, concurrency=concurrency)
        result, view = BatchResult(answers), IdResults("imp_uid", answers)
        asked = list(dict.fromkeys(items))
        assert [(lk.kind, lk.id) for lk in result] == asked  # each id asked, once, in order
        assert sum(len(chunk) for chunk in api.chunks) == len(asked)  # each sent once
        assert api.peak <= concurrency
        failed_chunks = [c for c in api.chunks if any(k[1] in api.poisoned for k in c)]
        failed_keys = {key for chunk in failed_chunks for key in chunk}
        for kind, uid in asked:
            lookup = view[uid]
            assert (lookup.kind, lookup.id) == (kind, uid)
            assert [lookup.found, lookup.missing, lookup.failed].count(True) == 1
            if (kind, uid) in failed_keys:
                assert isinstance(lookup.error, ServerError)
            elif uid in api.known:
                assert lookup.item == {"id": uid}  # other chunks keep their results
            else:
                assert lookup.missing
        # the summaries agree with the lookups, each in the order asked, by the caller's ids
        ids = [uid for _, uid in asked]
        assert len(result) == len(view) == len(asked)
        assert [lookup.id for lookup in view] == ids
        assert list(view.found) == [uid for uid in ids if view[uid].found]
        assert view.missing == [uid for uid in ids if view[uid].missing]
        assert list(view.failed) == [uid for uid in ids if view[uid].failed]
        assert all(uid in view for uid in ids)
        assert "never asked" not in view
        with pytest.raises(KeyError):
            view["never asked"]

    anyio.run(main)


@pytest.mark.anyio
async def test_the_stream_reads_no_further_than_the_chunks_in_flight() -> None:
    read = 0
    released = anyio.Event()

    def source() -> object:
        nonlocal read
        for n in range(100_000):
            read += 1
            yield ("imp_uid", f"imp_{n}")

    async def blocked_fetch(chunk: Sequence[Key]) -> list[dict[str, str]]:
        await released.wait()
        return []

    stream = BatchStream(source(), blocked_fetch, _match, concurrency=3)  # type: ignore[arg-type]
    async with stream:
        for _ in range(50):
            await anyio.lowlevel.checkpoint()
        # three chunks in flight, and at most one more being built
        assert read <= 4 * MAX_IDS + 1
        released.set()
    # leaving early cancels the rest: nothing hangs, nothing more is read
    assert read <= 5 * MAX_IDS + 1


@pytest.mark.anyio
async def test_an_error_that_is_not_the_apis_stops_the_stream() -> None:
    async def source() -> object:
        yield ("imp_uid", "imp_1")
        raise KeyError("the input broke")

    async def fetch(chunk: Sequence[Key]) -> list[dict[str, str]]:
        return [{"id": key[1]} for key in chunk]

    async def drain() -> None:
        async with BatchStream(source(), fetch, _match) as results:  # type: ignore[arg-type]
            async for _ in results:
                pass

    with pytest.raises(KeyError, match="the input broke"):
        await drain()
