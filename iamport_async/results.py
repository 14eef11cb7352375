"""What endpoint methods return besides models: listings and the answers of lookups by id.

- :class:`Paged`: a listing of any length (``payments.find_all``, ``customers.payments`` ...):
  ``async for`` walks it, ``await`` gives one page;
- :class:`IdResults`: a lookup of many ids of one kind (``payments.get_many(imp_uids)``,
  ``customers.get_many``), each id ``found``, ``missing`` or ``failed``, in the order asked;
  :class:`PaymentLookups` (and its base :class:`BatchResult`) holds one per kind;
- :class:`Lookup`: what became of one id;
- :class:`BatchStream`: the streaming form (``payments.iter_many``), lookups as they come.

Each is re-exported from :mod:`iamport_async`. The machinery behind them (chunks of 100 ids,
concurrency, matching by id) is the private batching layer, ``iamport_async._batching``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import Any, Generic, TypeVar

import attrs
from anyio.streams.memory import MemoryObjectReceiveStream

from iamport_async._batching import Answers, ChunkAnswer, ChunkReceiver, ChunkStream, Key
from iamport_async.errors import BadRequestError, IamportError
from iamport_async.models.page import Page
from iamport_async.models.payment import Payment

__all__ = ["BatchResult", "BatchStream", "IdResults", "Lookup", "Paged", "PaymentLookups"]

T = TypeVar("T")


class Paged(Generic[T]):
    """A listing of any length.

    ``async for item in listing`` walks every page in order, fetching one page at a time (memory
    stays at one page). ``await listing`` returns the first page asked for, and
    ``await listing.page(n)`` any other.
    """

    def __init__(self, fetch: Callable[[int], Awaitable[Page[T]]], first: int = 1) -> None:
        self._fetch = fetch
        self._first = first

    def page(self, number: int) -> Awaitable[Page[T]]:
        """Page ``number`` (from 1). The API answers 400 (BadRequestError) past the last page."""
        return self._fetch(number)

    def __await__(self) -> Generator[Any, None, Page[T]]:
        return self._fetch(self._first).__await__()

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    def pages(self) -> AsyncIterator[Page[T]]:
        """Every page in order, one fetched at a time: what ``async for`` over the items
        walks (the sync client's listing steps through these)."""
        return self._pages()

    async def _items(self) -> AsyncIterator[T]:
        # the walk of the pages is closed with the walk of the items (trio insists, rightly)
        async with contextlib.aclosing(self._pages()) as pages:
            async for page in pages:
                for item in page.list:
                    yield item

    async def _pages(self) -> AsyncGenerator[Page[T], None]:
        number = self._first
        while True:
            try:
                page = await self._fetch(number)
            except BadRequestError:
                if number == self._first:
                    raise
                return  # the listing shrank between two pages: the API says "past the end"
            yield page
            if page.next <= number:  # 0 on the last page; never walk backwards
                return
            number = page.next


@attrs.frozen
class Lookup(Generic[T]):
    """What became of one id: ``found`` (``item`` set), ``missing``, or ``failed`` (``error``).

    ``kind`` names the id as the method took it: ``"imp_uid"``, ``"merchant_uid"`` or
    ``"customer_uid"``.
    """

    kind: str
    """The kind of id, as the method took it: ``"imp_uid"``, ``"merchant_uid"`` or
    ``"customer_uid"``."""
    id: str
    """The id, as it was asked for."""
    item: T | None = None
    """What the API returned for the id (a ``Payment``, a billing key); None unless found."""
    error: IamportError | None = None
    """Why the request holding this id failed (after retries); None unless failed."""

    @property
    def found(self) -> bool:
        """The API returned the item: it is in ``item``."""
        return self.item is not None

    @property
    def missing(self) -> bool:
        """The API answered and does not have it (or this account may not see it)."""
        return self.item is None and self.error is None

    @property
    def failed(self) -> bool:
        """The chunk holding this key failed (after retries); ``error`` says why."""
        return self.error is not None


def _lookup(answers: Answers[T], key: Key) -> Lookup[T]:
    return Lookup(key[0], key[1], answers.items.get(key), answers.errors.get(key))


class IdResults(Generic[T]):
    """Every id of one kind asked for (``kind``: ``"imp_uid"``, ``"merchant_uid"``,
    ``"customer_uid"``), once, in the order asked, with what became of it.

    ``found`` maps an id to its item, ``missing`` lists the ids the API does not have,
    ``failed`` maps the ids whose request failed to the error; each id is in exactly one of
    them. ``result[id]`` is the :class:`Lookup` of an id asked for; iterating gives them all.
    """

    __slots__ = ("_answers", "kind")

    kind: str
    """The kind of every id here: ``"imp_uid"``, ``"merchant_uid"`` or ``"customer_uid"``."""

    def __init__(self, kind: str, answers: Answers[T]) -> None:
        self.kind = kind
        self._answers = answers

    def _keys(self) -> Iterator[Key]:
        kind = self.kind
        return (key for key in self._answers.asked if key[0] == kind)

    @property
    def found(self) -> dict[str, T]:
        """Each id the API returned, mapped to its item, in the order asked."""
        items = self._answers.items
        return {key[1]: items[key] for key in self._keys() if key in items}

    @property
    def missing(self) -> list[str]:
        """The ids the API answered for and does not have (a 207 left them out, or a 404
        with the API's envelope), in the order asked."""
        items, errors = self._answers.items, self._answers.errors
        return [key[1] for key in self._keys() if key not in items and key not in errors]

    @property
    def failed(self) -> dict[str, IamportError]:
        """The ids whose request still failed after its retries, mapped to the error: nothing
        is known about them; ask again."""
        errors = self._answers.errors
        return {key[1]: errors[key] for key in self._keys() if key in errors}

    def __getitem__(self, uid: str) -> Lookup[T]:
        key = (self.kind, uid)
        if key not in self._answers.asked:
            raise KeyError(uid)
        return _lookup(self._answers, key)

    def __contains__(self, uid: object) -> bool:
        return (self.kind, uid) in self._answers.asked

    def __iter__(self) -> Iterator[Lookup[T]]:
        answers = self._answers
        return (_lookup(answers, key) for key in self._keys())

    def __len__(self) -> int:
        return sum(1 for _ in self._keys())

    def __repr__(self) -> str:
        found, missing, failed = len(self.found), len(self.missing), len(self.failed)
        return f"<IdResults {self.kind}: {found} found, {missing} missing, {failed} failed>"


class BatchResult(Generic[T]):
    """A lookup of several kinds of id at once: one :class:`IdResults` per kind (see
    :class:`PaymentLookups`), and every :class:`Lookup`, each with its ``kind`` and ``id``, by
    iterating in the order asked."""

    __slots__ = ("_answers",)

    def __init__(self, answers: Answers[T]) -> None:
        self._answers = answers

    def _of_kind(self, kind: str) -> IdResults[T]:
        return IdResults(kind, self._answers)

    def __iter__(self) -> Iterator[Lookup[T]]:
        answers = self._answers
        return (_lookup(answers, key) for key in answers.asked)

    def __len__(self) -> int:
        return len(self._answers.asked)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {len(self)} ids>"


class PaymentLookups(BatchResult[Payment]):
    """The answer of :meth:`Payments.get_many <iamport_async.endpoints.payments.Payments.get_many>`
    given both ``imp_uids`` and ``merchant_uids``.

    ``imp_uids`` and ``merchant_uids`` are the :class:`IdResults` of each kind (``found``,
    ``missing``, ``failed``, by id, in the order asked); iterating gives every
    :class:`Lookup`, each with its ``kind`` and ``id``, in the order asked.
    """

    __slots__ = ()

    @property
    def imp_uids(self) -> IdResults[Payment]:
        """The payments asked for by ``imp_uid``: found, missing and failed, by id."""
        return self._of_kind("imp_uid")

    @property
    def merchant_uids(self) -> IdResults[Payment]:
        """The payments asked for by ``merchant_uid``: found, missing and failed, by id."""
        return self._of_kind("merchant_uid")


class BatchStream(ChunkStream[T]):
    """Lookups for an (async) iterable of ids of any length, yielded as requests complete
    (what ``payments.iter_many`` returns)::

        async with client.payments.iter_many(ids) as results:
            async for lookup in results:
                ...

    At most ``concurrency`` requests are in flight, and no more input is read while they are
    all busy: memory is bounded by the requests in flight, however long the input. An id
    repeated within a request is sent and answered once; an id repeated further apart is
    looked up and answered again, since remembering every id ever seen would grow without
    bound. Lookups come in completion order, not input order.

    It is an ``async with`` block (not a bare async generator) so that the requests in flight
    belong to a task group that is always closed, on asyncio and trio alike, even when the
    caller stops early. A failure that is not an API or transport error (a bug, or the input
    iterable raising), or refused credentials (UnauthorizedError), stops the stream and is
    raised from the ``async for``; no request is started after it.
    """

    _results: _Results[T] | None = None

    async def __aenter__(self) -> _Results[T]:
        self._results = await self._start(_Results)
        return self._results


class _Results(ChunkReceiver[T]):
    """The ``async for`` side of a :class:`BatchStream`: one lookup at a time."""

    def __init__(self, receive: MemoryObjectReceiveStream[ChunkAnswer[T]]) -> None:
        super().__init__(receive)
        self._current: Iterator[Lookup[T]] = iter(())

    def __aiter__(self) -> _Results[T]:
        return self

    async def __anext__(self) -> Lookup[T]:
        while True:
            lookup = next(self._current, None)
            if lookup is not None:
                return lookup
            self._current = _lookups(await self._next_chunk())


def _lookups(answer: ChunkAnswer[T]) -> Iterator[Lookup[T]]:
    found, error = answer.found, answer.error
    for key in answer.keys:
        yield Lookup(key[0], key[1], found.get(key), error)
