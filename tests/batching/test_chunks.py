"""The one chunker: every key once, in order, within both bounds."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from hypothesis import given
from hypothesis import strategies as st

from iamport_async._batching import MAX_IDS, ChunkBuilder, Key
from iamport_async._batching.chunks import MAX_QUERY_LENGTH, encoded_length


def chunked(
    keys: Iterable[Key], max_ids: int = MAX_IDS, max_query_length: int = MAX_QUERY_LENGTH
) -> Iterator[list[Key]]:
    """``keys`` through a :class:`ChunkBuilder`, as the stream and ``get_many`` feed it."""
    builder = ChunkBuilder(max_ids, max_query_length)
    for key in keys:
        yield from builder.add(key)
    rest = builder.flush()
    if rest is not None:
        yield rest


ids = st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=60)
keys = st.lists(st.tuples(st.sampled_from(["imp_uid", "merchant_uid"]), ids), max_size=400)


@given(keys, st.integers(1, 150), st.integers(50, 3000))
def test_chunks_rejoin_to_the_input_and_respect_both_bounds(
    items: list[Key], max_ids: int, max_length: int
) -> None:
    chunks = list(chunked(items, max_ids, max_length))
    joined = [key for chunk in chunks for key in chunk]
    assert list(dict.fromkeys(joined)) == list(dict.fromkeys(items))  # same keys, same order
    for chunk in chunks:
        assert 1 <= len(chunk) <= min(max_ids, MAX_IDS if max_ids > MAX_IDS else max_ids)
        assert len(set(chunk)) == len(chunk)
        if len(chunk) > 1:
            assert sum(encoded_length(key) for key in chunk) <= max_length


@given(st.lists(st.tuples(st.just("imp_uid"), ids), unique=True, max_size=400))
def test_unique_keys_rejoin_exactly(items: list[Key]) -> None:
    joined = [key for chunk in chunked(items) for key in chunk]
    assert joined == items
    assert all(1 <= len(chunk) <= 100 for chunk in chunked(items))


def test_a_key_too_long_for_the_bound_still_gets_a_chunk_of_its_own() -> None:
    builder = ChunkBuilder(max_ids=100, max_query_length=20)
    assert builder.add(("imp_uid", "a")) == []
    assert builder.add(("imp_uid", "x" * 50)) == [[("imp_uid", "a")]]
    assert builder.flush() == [("imp_uid", "x" * 50)]
