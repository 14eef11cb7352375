"""Multi-id lookups (``GET /payments`` with 100 imp_uids): chunking, concurrency, matching back.

Generic on purpose: it knows kinds of id and ids, never what a payment or a billing key is.
An endpoint gives it two functions:

- ``fetch(keys)``: one request for a chunk of keys, returning the items the API found (an
  empty sequence when it found none, e.g. on a 404 that carries the API's envelope);
- ``match(item)``: the keys an item answers (a payment answers its ``imp_uid`` *and* its
  ``merchant_uid``).

Results are matched by key, never by position: the API leaves unknown ids out (207) and does
not promise an order. A key is a ``(kind, id)`` pair in the caller's terms, such as
``("imp_uid", "imp_1")``; only ``query.id_params`` knows how the query spells it.

A credentials failure (:data:`FATAL`) is not one chunk's bad luck: every other chunk would
fail alike, each after a login attempt of its own. It ends the whole lookup at once and is
raised to the caller.

Three forms share the machinery:

- :func:`lookup_all`: a finite collection, deduplicated, answered as one :class:`Answers`
  (read through :class:`IdResults` and :class:`BatchResult`);
- :class:`BatchStream`: an (async) iterable of any length, answered key by key as chunks
  complete, holding no more than the chunks in flight;
- :class:`Coalescer`: single lookups from many concurrent callers, gathered over a short window
  into one request.
"""

from __future__ import annotations

import math
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from contextlib import aclosing
from types import TracebackType
from typing import Generic, TypeVar

import anyio
import anyio.abc
import attrs
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from iamport_async._engine.clock import Clock
from iamport_async._engine.query import id_param_length
from iamport_async.errors import IamportError, UnauthorizedError

T = TypeVar("T")

Key = tuple[str, str]
"""``(kind, id)`` in the caller's terms, e.g. ``("imp_uid", "imp_1")``."""

Fetch = Callable[[Sequence[Key]], Awaitable[Sequence[T]]]
Match = Callable[[T], Iterable[Key]]
Ready = Callable[[], Awaitable[object]]
"""Logs in (fetches the token) before the first request: see :func:`log_in_first`."""

MAX_IDS = 100
"""The API's documented maximum of ids per multi-lookup."""

MAX_QUERY_LENGTH = 6000
"""Characters of encoded query string per request. Proxies and servers commonly cap the
request line at 8 KiB; this leaves room for the path and the HTTP framing."""

DEFAULT_CONCURRENCY = 8
"""Chunks in flight at once, by default. The client's ``max_concurrency`` and rate limit still
apply underneath, so this only bounds what one lookup may take of them."""

FATAL = (UnauthorizedError,)
"""Errors that end a bulk lookup at once, raised rather than reported per id: the API refused
the credentials, so every other request would fail the same way."""


async def log_in_first(ready: Ready) -> None:
    """Log in once before any chunk is sent, so that refused credentials end the work after
    one attempt: chunks started together would otherwise each try, one after another.

    A :data:`FATAL` error is raised; any other is left for the requests to meet again and
    report per id, after their own retries.
    """
    try:
        await ready()
    except FATAL:
        raise
    except IamportError:
        pass


def encoded_length(key: Key) -> int:
    """Characters ``key`` adds to a query string, encoded as sent."""
    return id_param_length(key[0], key[1])


class ChunkBuilder:
    """Groups keys into chunks of 1 to ``max_ids`` keys and at most ``max_query_length``
    encoded characters, dropping a key repeated within the chunk being built.

    A single key longer than the length bound still makes a chunk of its own: it cannot be
    split, and refusing it is the endpoint's job.
    """

    def __init__(self, max_ids: int = MAX_IDS, max_query_length: int = MAX_QUERY_LENGTH) -> None:
        if max_ids < 1:
            raise ValueError("max_ids must be at least 1")
        self.max_ids = max_ids
        self.max_query_length = max_query_length
        self._keys: dict[Key, None] = {}
        self._length = 0

    def add(self, key: Key) -> list[list[Key]]:
        """Add ``key``; return the chunks it closed (none, usually)."""
        if key in self._keys:
            return []
        length = encoded_length(key)
        closed = []
        if self._keys and self._length + length > self.max_query_length:
            closed.append(self._take())
        self._keys[key] = None
        self._length += length
        if len(self._keys) >= self.max_ids:
            closed.append(self._take())
        return closed

    def flush(self) -> list[Key] | None:
        """The chunk being built (None if empty), and start a new one."""
        return self._take() if self._keys else None

    def _take(self) -> list[Key]:
        chunk = list(self._keys)
        self._keys = {}
        self._length = 0
        return chunk


def chunked(
    keys: Iterable[Key], max_ids: int = MAX_IDS, max_query_length: int = MAX_QUERY_LENGTH
) -> Iterator[list[Key]]:
    """``keys`` in chunks (see :class:`ChunkBuilder`), lazily and in order."""
    builder = ChunkBuilder(max_ids, max_query_length)
    for key in keys:
        yield from builder.add(key)
    rest = builder.flush()
    if rest is not None:
        yield rest


@attrs.frozen
class Lookup(Generic[T]):
    """What became of one id: ``found`` (``item`` set), ``missing``, or ``failed`` (``error``).

    ``kind`` names the id as the method took it: ``"imp_uid"``, ``"merchant_uid"`` or
    ``"customer_uid"``.
    """

    kind: str
    id: str
    item: T | None = None
    error: IamportError | None = None

    @property
    def found(self) -> bool:
        return self.item is not None

    @property
    def missing(self) -> bool:
        """The API answered and does not have it (or this account may not see it)."""
        return self.item is None and self.error is None

    @property
    def failed(self) -> bool:
        """The chunk holding this key failed (after retries); ``error`` says why."""
        return self.error is not None


@attrs.frozen
class ChunkOutcome(Generic[T]):
    """The answer for one chunk: the item for each key found, or the chunk's error."""

    keys: Sequence[Key]
    found: dict[Key, T]
    error: IamportError | None = None

    def lookups(self) -> Iterator[Lookup[T]]:
        found, error = self.found, self.error
        for key in self.keys:
            yield Lookup(key[0], key[1], found.get(key), error)


async def fetch_chunk(fetch: Fetch[T], match: Match[T], keys: Sequence[Key]) -> ChunkOutcome[T]:
    """Send one chunk and match its items back to the keys asked for.

    An API or transport failure (after the transport's retries) becomes the chunk's error, so
    that it cannot take other chunks down with it. An item that answers no key of the chunk is
    ignored; where several items answer one key (a merchant_uid shared by several payments),
    the first one the API returned is kept.
    """
    try:
        items = await fetch(keys)
    except IamportError as error:
        return ChunkOutcome(keys, {}, error)
    asked = set(keys)
    found: dict[Key, T] = {}
    for item in items:
        for key in match(item):
            if key in asked and key not in found:
                found[key] = item
    return ChunkOutcome(keys, found)


@attrs.frozen
class Answers(Generic[T]):
    """A finished lookup: the keys asked (in the order first asked), and the item or the error
    for each key that has one. The result views read it lazily: a 10,000-id lookup need not
    build (and keep) 10,000 :class:`Lookup` objects."""

    asked: Mapping[Key, None]
    items: Mapping[Key, T]
    errors: Mapping[Key, IamportError]

    def lookup(self, key: Key) -> Lookup[T]:
        return Lookup(key[0], key[1], self.items.get(key), self.errors.get(key))


class IdResults(Generic[T]):
    """Every id of one kind asked for (``kind``: ``"imp_uid"``, ``"merchant_uid"``,
    ``"customer_uid"``), once, in the order asked, with what became of it.

    ``found`` maps an id to its item, ``missing`` lists the ids the API does not have,
    ``failed`` maps the ids whose request failed to the error; each id is in exactly one of
    them. ``result[id]`` is the :class:`Lookup` of an id asked for; iterating gives them all.
    """

    __slots__ = ("_answers", "kind")

    def __init__(self, kind: str, answers: Answers[T]) -> None:
        self.kind = kind
        self._answers = answers

    def _keys(self) -> Iterator[Key]:
        kind = self.kind
        return (key for key in self._answers.asked if key[0] == kind)

    @property
    def found(self) -> dict[str, T]:
        items = self._answers.items
        return {key[1]: items[key] for key in self._keys() if key in items}

    @property
    def missing(self) -> list[str]:
        items, errors = self._answers.items, self._answers.errors
        return [key[1] for key in self._keys() if key not in items and key not in errors]

    @property
    def failed(self) -> dict[str, IamportError]:
        errors = self._answers.errors
        return {key[1]: errors[key] for key in self._keys() if key in errors}

    def __getitem__(self, uid: str) -> Lookup[T]:
        key = (self.kind, uid)
        if key not in self._answers.asked:
            raise KeyError(uid)
        return self._answers.lookup(key)

    def __contains__(self, uid: object) -> bool:
        return (self.kind, uid) in self._answers.asked

    def __iter__(self) -> Iterator[Lookup[T]]:
        lookup = self._answers.lookup
        return (lookup(key) for key in self._keys())

    def __len__(self) -> int:
        return sum(1 for _ in self._keys())

    def __repr__(self) -> str:
        found, missing, failed = len(self.found), len(self.missing), len(self.failed)
        return f"<IdResults {self.kind}: {found} found, {missing} missing, {failed} failed>"


class BatchResult(Generic[T]):
    """A lookup of several kinds of id at once: one :class:`IdResults` per kind (see
    :class:`~iamport_async.endpoints.payments.PaymentLookups`), and every :class:`Lookup`,
    each with its ``kind`` and ``id``, by iterating in the order asked."""

    __slots__ = ("_answers",)

    def __init__(self, answers: Answers[T]) -> None:
        self._answers = answers

    def _of_kind(self, kind: str) -> IdResults[T]:
        return IdResults(kind, self._answers)

    def __iter__(self) -> Iterator[Lookup[T]]:
        lookup = self._answers.lookup
        return (lookup(key) for key in self._answers.asked)

    def __len__(self) -> int:
        return len(self._answers.asked)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {len(self)} ids>"


async def lookup_all(
    keys: Iterable[Key],
    fetch: Fetch[T],
    match: Match[T],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    max_ids: int = MAX_IDS,
    max_query_length: int = MAX_QUERY_LENGTH,
    ready: Ready | None = None,
) -> Answers[T]:
    """Look up a finite collection of keys: deduplicated, chunked, ``concurrency`` chunks in
    flight, every key answered exactly once; a :data:`FATAL` error is raised."""
    asked = dict.fromkeys(keys)  # in the order asked
    items: dict[Key, T] = {}
    errors: dict[Key, IamportError] = {}
    stream = BatchStream(
        asked,
        fetch,
        match,
        concurrency=concurrency,
        max_ids=max_ids,
        max_query_length=max_query_length,
        ready=ready,
    )
    async with stream as results:
        async for outcome in results.outcomes():
            items.update(outcome.found)
            if outcome.error is not None:
                errors.update(dict.fromkeys(outcome.keys, outcome.error))
    return Answers(asked, items, errors)


class BatchStream(Generic[T]):
    """Lookups for an (async) iterable of keys of any length, yielded as chunks complete.

    ::

        async with BatchStream(keys, fetch, match) as results:
            async for lookup in results:
                ...

    At most ``concurrency`` chunks are in flight, and no more input is read while they are all
    busy: memory is bounded by the chunks in flight, however long the input. A key repeated
    within a chunk is sent and answered once; a key repeated across chunks is looked up and
    answered again, since remembering every key ever seen would grow without bound. Lookups
    come in completion order, not input order.

    ``ready``, if given, logs in before the first chunk (:func:`log_in_first`).

    It is an ``async with`` block (not a bare async generator) so that the chunks in flight
    belong to a task group that is always closed, on asyncio and trio alike, even when the
    caller stops early. A failure that is not an API or transport error (a bug, or the input
    iterable raising), or a :data:`FATAL` one, stops the stream and is raised from the
    ``async for``; no request is started after it.
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
        self._task_group: anyio.abc.TaskGroup | None = None
        self._results: _Results[T] | None = None
        self._fatal: IamportError | None = None

    async def __aenter__(self) -> _Results[T]:
        send, receive = anyio.create_memory_object_stream[ChunkOutcome[T]](self._concurrency)
        self._results = _Results(receive)
        self._task_group = anyio.create_task_group()
        await self._task_group.__aenter__()
        self._task_group.start_soon(self._produce, send, self._results)
        return self._results

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool | None:
        assert self._task_group is not None
        assert self._results is not None
        self._task_group.cancel_scope.cancel()  # the caller is done, early or not
        self._results.receive.close()
        return await close_task_group(self._task_group, exc_type, exc, traceback)

    async def _produce(
        self, send: MemoryObjectSendStream[ChunkOutcome[T]], results: _Results[T]
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
        if isinstance(self._keys, AsyncIterable):
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
        send: MemoryObjectSendStream[ChunkOutcome[T]],
        slots: anyio.Semaphore,
    ) -> None:
        try:
            async with send:
                if self._fatal is not None:
                    return  # the stream is ending: send nothing more
                outcome = await fetch_chunk(self._fetch, self._match, chunk)
                if isinstance(outcome.error, FATAL):
                    if self._stop(outcome.error):
                        raise outcome.error
                    return  # raised already, by the chunk that met it first
                try:
                    await send.send(outcome)
                except anyio.BrokenResourceError:
                    return  # the caller stopped reading
        finally:
            slots.release()


class _Results(Generic[T]):
    """The ``async for`` side of a :class:`BatchStream`: one lookup at a time."""

    def __init__(self, receive: MemoryObjectReceiveStream[ChunkOutcome[T]]) -> None:
        self.receive = receive
        self.error: BaseException | None = None
        self._current: Iterator[Lookup[T]] = iter(())

    def __aiter__(self) -> _Results[T]:
        return self

    async def __anext__(self) -> Lookup[T]:
        while True:
            lookup = next(self._current, None)
            if lookup is not None:
                return lookup
            self._current = (await self._next_outcome()).lookups()

    async def outcomes(self) -> AsyncIterator[ChunkOutcome[T]]:
        """Whole chunks as they complete: for a caller that keeps every answer anyway."""
        while True:
            try:
                yield await self._next_outcome()
            except StopAsyncIteration:
                return

    async def _next_outcome(self) -> ChunkOutcome[T]:
        try:
            return await self.receive.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            if self.error is not None:
                raise self.error from None
            raise StopAsyncIteration from None


async def close_task_group(
    task_group: anyio.abc.TaskGroup,
    exc_type: type[BaseException] | None,
    exc: BaseException | None,
    traceback: TracebackType | None,
) -> bool | None:
    """Close ``task_group``, letting the caller's own error through unwrapped: the tasks are
    ours, the exception group would be noise."""
    try:
        return await task_group.__aexit__(exc_type, exc, traceback)
    except BaseExceptionGroup as group:
        inner = unwrap_group(group)
        if exc is not None and inner is exc:
            return False
        if inner is group:
            raise
        raise inner from None


def unwrap_group(error: BaseException) -> BaseException:
    """The one error inside (nested) single-member exception groups, else ``error``."""
    while isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
        error = error.exceptions[0]
    return error


class _Pending(Generic[T]):
    """One window's worth of coalesced keys, and the answer once it is in."""

    def __init__(self) -> None:
        self.keys: dict[Key, None] = {}
        self.length = 0
        self.sealed = False
        self.sleep: anyio.CancelScope | None = None
        self.done = anyio.Event()
        self.outcome: ChunkOutcome[T] | None = None


class Coalescer(Generic[T]):
    """Gathers single lookups from concurrent callers into multi-lookups.

    The first lookup of a window opens it; every lookup within ``window`` seconds (on the
    client's clock) joins it; then one request carries them all, and each caller gets the
    answer for its own key. A window closes early once it holds a full chunk. The requests run
    in this object's own task group (``async with``), so a caller that is cancelled never
    takes the others' answers down with it.
    """

    def __init__(
        self,
        fetch: Fetch[T],
        match: Match[T],
        clock: Clock,
        *,
        window: float = 0.005,
        max_ids: int = MAX_IDS,
        max_query_length: int = MAX_QUERY_LENGTH,
    ) -> None:
        if not (math.isfinite(window) and window >= 0):
            raise ValueError("window must be a finite number of seconds >= 0")
        self._fetch = fetch
        self._match = match
        self._clock = clock
        self._window = window
        self._max_ids = max_ids
        self._max_query_length = max_query_length
        self._pending: _Pending[T] | None = None
        self._task_group: anyio.abc.TaskGroup | None = None

    async def __aenter__(self) -> Coalescer[T]:
        self._task_group = anyio.create_task_group()
        await self._task_group.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool | None:
        assert self._task_group is not None
        task_group, self._task_group = self._task_group, None
        if self._pending is not None:  # send what is waiting now rather than after the window
            self._seal(self._pending)
        return await close_task_group(task_group, exc_type, exc, traceback)

    async def lookup(self, key: Key) -> Lookup[T]:
        """The lookup for ``key``, sent together with the other keys of its window."""
        if self._task_group is None:
            raise RuntimeError("use the coalescing view inside 'async with'")
        pending = self._pending
        if pending is None or not self._fits(pending, key):
            if pending is not None:
                self._seal(pending)
            pending = self._pending = _Pending()
            self._task_group.start_soon(self._flush, pending)
        if key not in pending.keys:
            pending.keys[key] = None
            pending.length += encoded_length(key)
            if len(pending.keys) >= self._max_ids:
                self._seal(pending)
        await pending.done.wait()
        assert pending.outcome is not None
        return Lookup(key[0], key[1], pending.outcome.found.get(key), pending.outcome.error)

    def _fits(self, pending: _Pending[T], key: Key) -> bool:
        if key in pending.keys:
            return True
        if len(pending.keys) >= self._max_ids:
            return False
        return not pending.keys or pending.length + encoded_length(key) <= self._max_query_length

    def _seal(self, pending: _Pending[T]) -> None:
        pending.sealed = True
        if pending.sleep is not None:
            pending.sleep.cancel()
        if self._pending is pending:
            self._pending = None

    async def _flush(self, pending: _Pending[T]) -> None:
        try:
            if not pending.sealed:
                with anyio.CancelScope() as pending.sleep:
                    await self._clock.sleep_until(self._clock.monotonic() + self._window)
                self._seal(pending)
            pending.outcome = await fetch_chunk(self._fetch, self._match, list(pending.keys))
        finally:
            if pending.outcome is None:  # the view was torn down before the answer came
                error = IamportError("the coalescing view closed before this lookup was sent")
                pending.outcome = ChunkOutcome(list(pending.keys), {}, error)
            pending.done.set()
