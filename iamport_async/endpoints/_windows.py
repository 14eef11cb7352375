"""The 90-day windows of ``GET /payments/status``: a long ``[since, until]`` walked as
consecutive windows the API accepts, each listing made only when the walk reaches it."""

from __future__ import annotations

import contextlib
import itertools
import typing
from collections.abc import AsyncGenerator, Iterator
from datetime import timedelta

from iamport_async.models.page import Page
from iamport_async.models.payment import Payment
from iamport_async.results import Paged

MAX_WINDOW = timedelta(days=90)
"""The widest ``from``-``to`` window ``GET /payments/status`` accepts."""
FUTURE_MARGIN = 86_400
"""How far past this machine's now a window may end (its clock may be behind the API's)."""


class Chained(Paged[Payment]):
    """Listings walked one after another (the 90-day windows of one long window), each
    made when the walk reaches it: memory and set-up do not grow with the span."""

    def __init__(self, parts: Iterator[Paged[Payment]]) -> None:
        self._head = next(parts)
        self._rest = parts
        super().__init__(self._head.page)

    async def _pages(self) -> AsyncGenerator[Page[Payment], None]:
        for part in itertools.chain((self._head,), self._rest):
            # each part's walk is closed with the whole one's (trio insists, rightly)
            walk = typing.cast(AsyncGenerator[Page[Payment], None], part.pages())
            async with contextlib.aclosing(walk) as pages:
                async for page in pages:
                    yield page


def windows(start: int, end: int, *, newest_first: bool) -> Iterator[tuple[int, int]]:
    """``[start, end]`` (both inclusive, in seconds) as consecutive windows of at most 90
    days that neither overlap nor leave a gap, made one at a time, from ``end`` back when
    ``newest_first``, else from ``start`` on."""
    width = int(MAX_WINDOW.total_seconds())
    if newest_first:
        while True:
            first = max(start, end - width + 1)
            yield first, end
            if first <= start:
                return
            end = first - 1
    while True:
        last = min(end, start + width - 1)
        yield start, last
        if last >= end:
            return
        start = last + 1
