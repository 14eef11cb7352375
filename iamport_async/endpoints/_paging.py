"""Paged listings as async iterators over items, awaitable for a single page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from typing import Any, Generic, TypeVar

from iamport_async.errors import BadRequestError
from iamport_async.models.page import Page

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

    async def _items(self) -> AsyncIterator[T]:
        number = self._first
        while True:
            try:
                page = await self._fetch(number)
            except BadRequestError:
                if number == self._first:
                    raise
                return  # the listing shrank between two pages: the API says "past the end"
            for item in page.list:
                yield item
            if page.next <= number:  # 0 on the last page; never walk backwards
                return
            number = page.next
