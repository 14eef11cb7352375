"""Chunks sent with bounded concurrency, answered as they complete: the engine room of
``get_many`` (a finite collection) and ``iter_many`` (an input of any length).

At most ``concurrency`` chunks are in flight, and no more input is read while they are all
busy: memory is bounded by the chunks in flight, however long the input. A key repeated
within a chunk is sent and answered once; a key repeated across chunks is looked up and
answered again, since remembering every key ever seen would grow without bound.

A credentials failure (:data:`~iamport_async._batching.fetch.FATAL`) is not one chunk's bad
luck: every other chunk would fail alike, each after a login attempt of its own. It ends the
whole lookup at once and is raised to the caller.
"""

from __future__ import annotations

from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Callable,
    Iterable,
    Mapping,
)
from contextlib import aclosing
from typing import Any, Generic, TypedDict, TypeVar, Unpack

import anyio
import anyio.abc
import attrs
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

import iamport_async._defaults as _defaults
from iamport_async._batching.chunks import MAX_IDS, MAX_QUERY_LENGTH, ChunkBuilder, Key
from iamport_async._batching.fetch import (
    FATAL,
    ChunkAnswer,
    Fetch,
    Match,
    Ready,
    fetch_chunk,
    log_in_first,
)
from iamport_async._tasks import TaskGroupBlock, unwrap_group
from iamport_async.errors import IamportError

T = TypeVar("T")
R = TypeVar("R", bound="ChunkReceiver[Any]")

DEFAULT_CONCURRENCY = _defaults.BATCH_CONCURRENCY
"""Chunks in flight at once, by default. The client's ``max_concurrency`` and rate limit still
apply underneath, so this only bounds what one lookup may take of them."""


class ChunkReceiver(Generic[T]):
    """The reading side of a :class:`ChunkStream`: whole chunks' answers as they complete,
    then the error that stopped the stream, if one did."""

    def __init__(self, receive: MemoryObjectReceiveStream[ChunkAnswer[T]]) -> None:
        self.receive = receive
        self.error: BaseException | None = None

    async def chunks(self) -> AsyncIterator[ChunkAnswer[T]]:
        """Whole chunks as they complete: for a caller that keeps every answer anyway."""
        while True:
            try:
                yield await self._next_chunk()
            except StopAsyncIteration:
                return

    async def _next_chunk(self) -> ChunkAnswer[T]:
        try:
            return await self.receive.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            if self.error is not None:
                raise self.error from None
            raise StopAsyncIteration from None


class ChunkStream(TaskGroupBlock, Generic[T]):
    """Answers for an (async) iterable of keys of any length, chunk by chunk, in completion
    order; ``async with`` gives the :class:`ChunkReceiver`.

    ``ready``, if given, logs in before the first chunk (:func:`log_in_first`).

    It is an ``async with`` block (not a bare async generator) so that the chunks in flight
    belong to a task group that is always closed, even when the caller stops early. A failure
    that is not an API or transport error (a bug, or the input iterable raising), or a
    :data:`FATAL` one, stops the stream and is raised from the reading side; no request is
    started after it.
    """

    def __init__(
        self,
        keys: Iterable[Key] | AsyncIterable[Key],
        fetch: Fetch[T],
        match: Match[T],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        max_ids: int = MAX_IDS,
        max_query_length: int = MAX_QUERY_LENGTH,
        ready: Ready | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._keys = keys
        self._ready = ready
        self._fetch = fetch
        self._match = match
        self._concurrency = concurrency
        self._builder = ChunkBuilder(max_ids, max_query_length)
        self._receive: MemoryObjectReceiveStream[ChunkAnswer[T]] | None = None
        self._fatal: IamportError | None = None

    async def __aenter__(self) -> ChunkReceiver[T]:
        return await self._start(ChunkReceiver)

    async def _start(self, receiver: Callable[[MemoryObjectReceiveStream[ChunkAnswer[T]]], R]) -> R:
        send, self._receive = anyio.create_memory_object_stream[ChunkAnswer[T]](self._concurrency)
        results = receiver(self._receive)
        task_group = await self._open_task_group()
        task_group.start_soon(self._produce, send, results)
        return results

    def _closing(self, task_group: anyio.abc.TaskGroup) -> None:
        super()._closing(task_group)
        assert self._receive is not None
        self._receive.close()

    async def _produce(
        self, send: MemoryObjectSendStream[ChunkAnswer[T]], results: ChunkReceiver[T]
    ) -> None:
        slots = anyio.Semaphore(self._concurrency)
        try:
            async with send, aclosing(self._chunks()) as source, anyio.create_task_group() as tg:
                async for chunk in source:
                    if self._ready is not None:  # before the first chunk, not for no input
                        ready, self._ready = self._ready, None
                        await log_in_first(ready)
                    await slots.acquire()
                    tg.start_soon(self._run_chunk, chunk, send.clone(), slots)
        except Exception as error:  # not an API error (those are per chunk): stop the stream
            results.error = self._fatal if self._fatal is not None else unwrap_group(error)

    async def _chunks(self) -> AsyncGenerator[list[Key], None]:
        builder = self._builder
        if isinstance(self._keys, AsyncGenerator):  # the endpoint's own: closed with us
            async with aclosing(self._keys) as keys:
                async for key in keys:
                    for chunk in builder.add(key):
                        yield chunk
        elif isinstance(self._keys, AsyncIterable):
            async for key in self._keys:
                for chunk in builder.add(key):
                    yield chunk
        else:
            for key in self._keys:
                for chunk in builder.add(key):
                    yield chunk
        rest = builder.flush()
        if rest is not None:
            yield rest

    def _stop(self, error: IamportError) -> bool:
        """Stop the stream on a fatal ``error``: True for the first one, which is raised."""
        if self._fatal is not None:
            return False
        self._fatal = error
        return True

    async def _run_chunk(
        self,
        chunk: list[Key],
        send: MemoryObjectSendStream[ChunkAnswer[T]],
        slots: anyio.Semaphore,
    ) -> None:
        try:
            async with send:
                if self._fatal is not None:
                    return  # the stream is ending: send nothing more
                answer = await fetch_chunk(self._fetch, self._match, chunk)
                if isinstance(answer.error, FATAL):
                    if self._stop(answer.error):
                        raise answer.error
                    return  # raised already, by the chunk that met it first
                try:
                    await send.send(answer)
                except anyio.BrokenResourceError:
                    return  # the caller stopped reading
        finally:
            slots.release()


@attrs.frozen
class Answers(Generic[T]):
    """A finished lookup: the keys asked (in the order first asked), and the item or the error
    for each key that has one. The result views (:mod:`iamport_async.results`) read it
    lazily: a 10,000-id lookup need not build (and keep) 10,000 lookup objects."""

    asked: Mapping[Key, None]
    items: Mapping[Key, T]
    errors: Mapping[Key, IamportError]


class StreamOptions(TypedDict, total=False):
    """The keyword arguments of :class:`ChunkStream`, for :func:`lookup_all` to pass on."""

    concurrency: int
    max_ids: int
    max_query_length: int
    ready: Ready | None


async def lookup_all(
    keys: Iterable[Key], fetch: Fetch[T], match: Match[T], **options: Unpack[StreamOptions]
) -> Answers[T]:
    """Look up a finite collection of keys: deduplicated, chunked, ``concurrency`` chunks in
    flight, every key answered exactly once; a :data:`FATAL` error is raised."""
    asked = dict.fromkeys(keys)  # in the order asked
    items: dict[Key, T] = {}
    errors: dict[Key, IamportError] = {}
    async with ChunkStream(asked, fetch, match, **options) as results:
        async for answer in results.chunks():
            items.update(answer.found)
            if answer.error is not None:
                errors.update(dict.fromkeys(answer.keys, answer.error))
    return Answers(asked, items, errors)
