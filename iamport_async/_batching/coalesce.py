"""Single lookups from many concurrent callers, gathered over a short window into one
multi-lookup (``payments.coalescing()``, for web apps under load)."""

from __future__ import annotations

import math
from typing import Generic, Self, TypeVar

import anyio
import anyio.abc

import iamport_async._defaults as _defaults
from iamport_async._batching.chunks import MAX_IDS, MAX_QUERY_LENGTH, ChunkBuilder, Key
from iamport_async._batching.fetch import ChunkAnswer, Fetch, Match, fetch_chunk
from iamport_async._tasks import TaskGroupBlock
from iamport_async.clock import Clock
from iamport_async.errors import IamportError

T = TypeVar("T")


class _Window(Generic[T]):
    """One window's worth of coalesced keys, and the answer once it is in."""

    def __init__(self) -> None:
        self.keys: list[Key] = []
        self.sealed = False
        self.sleep: anyio.CancelScope | None = None
        self.done = anyio.Event()
        self.answer: ChunkAnswer[T] | None = None


class Coalescer(TaskGroupBlock, Generic[T]):
    """Gathers single lookups from concurrent callers into multi-lookups.

    The first lookup of a window opens it; every lookup within ``window`` seconds (on the
    client's clock) joins it; then one request carries them all, and each caller gets the
    answer for its own key. A window closes early once it holds a full chunk (the
    :class:`ChunkBuilder` decides, as for every other lookup). The requests run in this
    object's own task group (``async with``), so a caller that is cancelled never takes the
    others' answers down with it; leaving the block sends what is waiting at once.
    """

    def __init__(
        self,
        fetch: Fetch[T],
        match: Match[T],
        clock: Clock,
        *,
        window: float = _defaults.COALESCING_WINDOW,
        max_ids: int = MAX_IDS,
        max_query_length: int = MAX_QUERY_LENGTH,
    ) -> None:
        if not (math.isfinite(window) and window >= 0):
            raise ValueError("window must be a finite number of seconds >= 0")
        self._fetch = fetch
        self._match = match
        self._clock = clock
        self._window = window
        self._builder = ChunkBuilder(max_ids, max_query_length)
        self._open: _Window[T] | None = None
        """The window being filled: its keys are the chunk the builder is building."""

    async def __aenter__(self) -> Self:
        await self._open_task_group()
        return self

    def _closing(self, task_group: anyio.abc.TaskGroup) -> None:
        if self._open is not None:  # send what is waiting now rather than after the window
            self._seal(self._open, self._builder.flush() or [])

    async def lookup(self, key: Key) -> ChunkAnswer[T]:
        """The answer for the window holding ``key``, sent with the other keys of its window."""
        task_group = self._task_group
        if task_group is None:
            raise RuntimeError("use the coalescing view inside 'async with'")
        window = self._open or self._start(task_group)
        for chunk in self._builder.add(key):  # a chunk closed: its window is sealed
            self._seal(window, chunk)
            if key not in chunk:  # the key did not fit in it: the key opens the next window
                window = self._start(task_group)
        await window.done.wait()
        assert window.answer is not None
        return window.answer

    def _start(self, task_group: anyio.abc.TaskGroup) -> _Window[T]:
        window = self._open = _Window()
        task_group.start_soon(self._flush, window)
        return window

    def _seal(self, window: _Window[T], keys: list[Key]) -> None:
        window.keys = keys
        window.sealed = True
        if window.sleep is not None:
            window.sleep.cancel()
        if self._open is window:
            self._open = None

    async def _flush(self, window: _Window[T]) -> None:
        try:
            if not window.sealed:
                with anyio.CancelScope() as window.sleep:
                    await self._clock.sleep_until(self._clock.monotonic() + self._window)
                if not window.sealed:
                    self._seal(window, self._builder.flush() or [])
            window.answer = await fetch_chunk(self._fetch, self._match, window.keys)
        finally:
            if window.answer is None:  # the view was torn down before the answer came
                error = IamportError("the coalescing view closed before this lookup was sent")
                window.answer = ChunkAnswer(window.keys, {}, error)
            window.done.set()
