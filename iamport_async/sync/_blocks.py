"""The sync forms of what is not one call: listings, streams, the coalescing view.

- :class:`Paged`: a plain iterator over a listing, one page fetched per hop to the loop;
- :class:`BatchStream`: ``with client.payments.iter_many(ids) as lookups: for lookup in
  lookups``. The async block is entered, iterated and left by one task on the loop (a task
  group must be left by the task that entered it); it hands lookups to the caller through a
  buffer of at most ``_BUFFER`` and waits while the buffer is full, so memory stays bounded
  by the requests in flight plus that buffer, as on the async stream;
- :class:`CoalescingPayments`: the coalescing view, entered by a task on the loop, its
  ``get`` called from any number of threads at once.

An input iterable that is not a collection (a generator, a database cursor) is read in the
caller's thread, never on the loop: the stream asks for ``_FEED`` more ids when it needs
them, and the caller's ``next()`` reads them (:class:`Feed`). A Django queryset is so read in
the thread that owns its connection. An iterable of ids handed to a single call
(``get_many``) is made a list in the caller's thread first (:func:`materialized`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections import deque
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Collection,
    Iterable,
    Iterator,
)
from contextlib import AbstractAsyncContextManager
from threading import Condition, Lock
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar, cast

from iamport_async.endpoints.payments import CoalescingPayments as AsyncCoalescingPayments
from iamport_async.errors import ClientClosedError
from iamport_async.models.page import Page
from iamport_async.models.payment import Payment
from iamport_async.results import BatchStream as AsyncBatchStream
from iamport_async.results import Lookup
from iamport_async.results import Paged as AsyncPaged

if TYPE_CHECKING:
    from iamport_async.sync._client import Link
    from iamport_async.sync._runner import Runner

__all__ = ["BatchStream", "CoalescingPayments", "Feed", "Group", "Paged", "materialized"]

T = TypeVar("T")
S = TypeVar("S")

_BUFFER = 100
"""Results handed over ahead of the caller (one request's worth)."""
_FEED = 100
"""Input items read from the caller's iterable at a time."""


class Group:
    """Base of a generated sync endpoint group: the link to the client's async group."""

    def __init__(self, link: Link) -> None:
        self._link = link

    def __repr__(self) -> str:
        return f"<sync {type(self).__name__}>"


def materialized(ids: S) -> S:
    """``ids`` made a list in the caller's thread, unless it is a collection already (a
    generator or a queryset would otherwise be read on the loop thread)."""
    if _read_where_it_is(ids):
        return ids
    return cast(S, list(cast(Iterable[Any], ids)))


def _read_where_it_is(value: object) -> bool:
    return isinstance(value, str | bytes | Collection | AsyncIterable) or not isinstance(
        value, Iterable
    )


async def _awaited(awaitable: Awaitable[T]) -> T:
    return await awaitable


# -- listings --------------------------------------------------------------------------------


class Paged(Generic[T]):
    """A listing of any length, blocking.

    ``for item in listing`` walks every page in order, fetching one page at a time (memory
    stays at one page). ``listing.page()`` returns the first page asked for (what ``await``
    gives on the async client), ``listing.page(n)`` any other, and ``listing.pages()``
    iterates the pages themselves.
    """

    def __init__(self, link: Link, listing: AsyncPaged[T]) -> None:
        self._link = link
        self._listing = listing

    def page(self, number: int | None = None) -> Page[T]:
        """Page ``number`` (from 1), or the first page asked for. The API answers 400
        (BadRequestError) past the last page."""
        if number is None:
            return self._link.run(_awaited(self._listing))
        return self._link.run(_awaited(self._listing.page(number)))

    def pages(self) -> Iterator[Page[T]]:
        """Every page in order, one fetched per step."""
        walk = self._listing.pages()
        done = False
        try:
            while True:
                try:
                    more, page = self._link.run(_next(walk))
                except BaseException:
                    done = True  # the walk ended on the loop with this error
                    raise
                if not more:
                    done = True
                    return
                assert page is not None
                yield page
        finally:
            if not done:  # left early: close the walk on the loop, without waiting
                closing = getattr(walk, "aclose", None)
                if closing is not None:
                    self._link.runner().spawn(closing())

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.list

    def __repr__(self) -> str:
        return "<sync Paged>"


async def _next(walk: AsyncIterator[T]) -> tuple[bool, T | None]:
    try:
        return True, await anext(walk)
    except StopAsyncIteration:
        return False, None


# -- blocks: an async block run by one task on the loop ----------------------------------------


class _End:
    """The channel's marker of the end of the results."""


class _Channel:
    """Between the task that runs a block (on the loop) and the caller's thread."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.cond = Condition(Lock())
        self.items: deque[object] = deque()
        self.finished = False
        self.error: BaseException | None = None
        self.room: asyncio.Event | None = None
        self.demand: tuple[Feed, asyncio.Future[list[Any]]] | None = None

    # the loop's side

    async def put(self, item: object) -> None:
        """Hand ``item`` over; wait while the caller has ``_BUFFER`` unread."""
        while True:
            with self.cond:
                if len(self.items) < _BUFFER:
                    self.items.append(item)
                    self.cond.notify()
                    return
                room = self.room = asyncio.Event()
            await room.wait()

    def push(self, item: object) -> None:
        """Hand ``item`` over at once (a progress report: few, and small)."""
        with self.cond:
            self.items.append(item)
            self.cond.notify()

    def ask(self, feed: Feed, future: asyncio.Future[list[Any]]) -> None:
        with self.cond:
            self.demand = (feed, future)
            self.cond.notify()

    def finish(self, error: BaseException | None) -> None:
        with self.cond:
            self.finished = True
            self.error = error
            self.cond.notify_all()

    # the caller's side

    def get(self) -> object:
        """The next item, reading the caller's input when the block asks for it; raises the
        block's error once the items before it are read, ``_End`` at the end."""
        while True:
            with self.cond:
                while not self.items and self.demand is None and not self.finished:
                    self.cond.wait()
                if self.items:
                    item = self.items.popleft()
                    room = self.room
                    if room is not None and len(self.items) <= _BUFFER // 2:
                        self.room = None
                        self.runner.call_soon(room.set)
                    return item
                demand, self.demand = self.demand, None
                if demand is None:
                    if self.error is not None:
                        error, self.error = self.error, None
                        raise error
                    return _End
            demand[0].serve(demand[1], self.runner)


class Feed:
    """An input iterable read in the caller's thread for a block on the loop."""

    def __init__(self) -> None:
        self._source: Iterator[Any] | None = None
        self.channel: _Channel | None = None

    def of(self, source: S) -> S:
        """What the async method is given for ``source``: itself if it may be read on the
        loop (a collection, an async iterable), else an async iterator that asks the
        caller's thread for it, ``_FEED`` items at a time."""
        if _read_where_it_is(source):
            return source
        self._source = iter(cast(Iterable[Any], source))
        return cast(S, self._pull())

    async def _pull(self) -> AsyncIterator[Any]:
        loop = asyncio.get_running_loop()
        while True:
            channel = self.channel
            if channel is None:
                raise RuntimeError("a fed stream is read only inside its 'with' block")
            future: asyncio.Future[list[Any]] = loop.create_future()
            channel.ask(self, future)
            batch = await future
            if not batch:
                return
            for item in batch:
                yield item

    def serve(self, future: asyncio.Future[list[Any]], runner: Runner) -> None:
        """In the caller's thread: read the next items and hand them to the loop."""
        assert self._source is not None
        try:
            batch = list(itertools.islice(self._source, _FEED))
        except Exception as error:  # the input failed: the stream stops with its error
            failure = error

            def fail() -> None:
                if not future.done():
                    future.set_exception(failure)

            runner.call_soon(fail)
            return

        def give() -> None:
            if not future.done():
                future.set_result(batch)

        runner.call_soon(give)


class _Block(Generic[T]):
    """An async ``with`` block entered, (iterated,) and left by one task on the loop."""

    def __init__(
        self,
        link: Link,
        block: AbstractAsyncContextManager[Any],
        feed: Feed | None,
        *,
        iterate: bool,
    ) -> None:
        self._link = link
        self._block = block
        self._feed = feed
        self._iterate = iterate
        self._task: asyncio.Task[None] | None = None
        self._stop: asyncio.Event | None = None
        self._leaving = False
        self.channel: _Channel | None = None

    def enter(self) -> Any:
        """Enter the async block on the loop; return what it gave."""
        if self.channel is not None:
            raise RuntimeError("this block was entered already; make a new one")
        self.channel = _Channel(self._link.runner())
        if self._feed is not None:
            self._feed.channel = self.channel
        return self._link.run(self._start())

    async def _start(self) -> Any:
        loop = asyncio.get_running_loop()
        entered: asyncio.Future[Any] = loop.create_future()
        self._stop = asyncio.Event()
        task = self._task = loop.create_task(self._drive(entered))
        try:
            return await asyncio.shield(entered)
        except asyncio.CancelledError:  # Ctrl-C while entering
            self._leaving = True
            task.cancel()
            raise

    async def _drive(self, entered: asyncio.Future[Any]) -> None:
        channel = self.channel
        assert channel is not None
        error: BaseException | None = None
        try:
            async with self._block as inner:
                entered.set_result(inner)
                if self._iterate:
                    async for item in inner:
                        await channel.put(item)
                else:
                    assert self._stop is not None
                    await self._stop.wait()
        except asyncio.CancelledError:
            if not self._leaving:  # the client was closed under the block
                error = ClientClosedError("the client was closed while this block was open")
        except BaseException as caught:
            error = caught
        finally:
            if not entered.done():
                entered.set_exception(error or ClientClosedError("the client was closed"))
                error = None
            channel.finish(error)

    def leave(self) -> None:
        """Leave the async block (cancelling its work if it streams) and wait for it."""
        if self._task is None or self._leaving:
            return
        self._leaving = True
        with contextlib.suppress(ClientClosedError):  # closed: the block ended with it
            self._link.run(self._end())

    async def _end(self) -> None:
        task = self._task
        assert task is not None
        if self._iterate:
            task.cancel()
        else:  # the coalescing view: its exit sends what is waiting
            assert self._stop is not None
            self._stop.set()
        await asyncio.wait([task])

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> T:
        channel = self.channel
        if channel is None:
            raise RuntimeError("iterate inside the 'with' block")
        item = channel.get()
        if item is _End:
            raise StopIteration
        return cast(T, item)


class BatchStream(Generic[T]):
    """Lookups for an iterable of ids of any length, yielded as requests complete (what
    ``payments.iter_many`` returns on the sync client)::

        with client.payments.iter_many(ids) as lookups:
            for lookup in lookups:
                ...

    As on the async client (:class:`iamport_async.BatchStream`): at most ``concurrency``
    requests in flight, no more input read while they are all busy, lookups in completion
    order. Up to 100 lookups wait for the caller besides. A generator or cursor of ids is
    read in the caller's thread. Leaving the block early cancels the requests in flight.
    """

    def __init__(self, link: Link, stream: AsyncBatchStream[T], feed: Feed) -> None:
        self._block: _Block[Lookup[T]] = _Block(link, stream, feed, iterate=True)

    def __enter__(self) -> Iterator[Lookup[T]]:
        self._block.enter()
        return self._block

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._block.leave()


class CoalescingPayments:
    """The coalescing view of the sync ``client.payments`` (see
    :meth:`~iamport_async.endpoints.payments.Payments.coalescing`)::

        with client.payments.coalescing(window=0.005) as payments:
            payment = payments.get(imp_uid)     # from any number of threads

    Calls made from many threads within ``window`` seconds go out as one multi-lookup.
    """

    def __init__(self, link: Link, view: AsyncCoalescingPayments) -> None:
        self._link = link
        self._view = view
        self._block: _Block[None] = _Block(link, view, None, iterate=False)

    def __enter__(self) -> Self:
        self._block.enter()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._block.leave()

    def get(self, imp_uid: str) -> Payment:
        """The payment ``imp_uid``, fetched together with the other ids asked for in the same
        window (from any thread); NotFoundError if the API did not return it."""
        return self._link.run(self._view.get(imp_uid))

    def get_by_merchant_uid(self, merchant_uid: str) -> Payment:
        """Like :meth:`get`, by ``merchant_uid``."""
        return self._link.run(self._view.get_by_merchant_uid(merchant_uid))
