"""Task groups owned by an ``async with`` object: the one way this package runs work in the
background of a block (a batch stream, the coalescing view, a reconciliation).

The block's tasks belong to a task group that the block always closes, on asyncio and trio
alike, however the caller leaves it; the caller's own error comes out as it was raised, not
wrapped in an exception group of tasks that are ours.
"""

from __future__ import annotations

from types import TracebackType

import anyio
import anyio.abc


class TaskGroupBlock:
    """Base of an object used as ``async with`` whose work runs in a task group of its own.

    A subclass's ``__aenter__`` calls :meth:`_open_task_group` and starts its tasks in the
    group it gets; leaving the block runs :meth:`_closing` (cancel the work, by default) and
    closes the group.
    """

    _task_group: anyio.abc.TaskGroup | None = None

    async def _open_task_group(self) -> anyio.abc.TaskGroup:
        task_group = anyio.create_task_group()
        await task_group.__aenter__()
        self._task_group = task_group
        return task_group

    def _closing(self, task_group: anyio.abc.TaskGroup) -> None:
        """End the block's work as it is left: the caller is done, early or not."""
        task_group.cancel_scope.cancel()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool | None:
        task_group, self._task_group = self._task_group, None
        if task_group is None:
            raise RuntimeError(f"{type(self).__name__} was left without being entered")
        self._closing(task_group)
        return await close_task_group(task_group, exc_type, exc, traceback)


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
