"""The loop thread: one asyncio event loop in one daemon thread, and the hop to it.

A blocking call hands its coroutine to the loop (``call_soon_threadsafe``), where it runs as
a task in the caller's context (so context variables, an OpenTelemetry span among them, go
along), and waits on a plain lock that the task's done-callback releases. That is the whole
hop: no portal, no task group, no future chained to a future. The wait is interruptible:
Ctrl-C in the main thread cancels the task and raises KeyboardInterrupt at once.

Closing first refuses new calls, then runs the client's own close on the loop (its in-flight
calls end in ClientClosedError there, as on the async client), waits a bounded time for the
tasks still running, and stops the loop; any call that has no answer by then is given
ClientClosedError, so no thread is left waiting.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from iamport_async.errors import ClientClosedError

T = TypeVar("T")

_CLOSE_GRACE = 5.0
"""Seconds a close waits for the calls in flight to end after the client's own close has
cancelled them (they end at their next checkpoint: this is a bound, not a wait)."""


class _Call:
    """One blocking call: its coroutine, its task once started, and its outcome."""

    __slots__ = ("coro", "done", "error", "result", "task")

    def __init__(self, coro: Coroutine[Any, Any, Any]) -> None:
        self.coro = coro
        self.done = threading.Lock()
        self.done.acquire()
        self.task: asyncio.Task[Any] | None = None
        self.result: Any = None
        self.error: BaseException | None = None


class Runner:
    """An event loop in a daemon thread, started at construction."""

    def __init__(self, name: str = "iamport-sync") -> None:
        self.loop = asyncio.new_event_loop()
        self._lock = threading.Lock()
        self._closed = False
        self._calls: set[_Call] = set()
        started = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(started,), name=name)
        self._thread.daemon = True
        self._thread.start()
        started.wait()
        self.ident = self._thread.ident

    def _serve(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.call_soon(started.set)
        try:
            self.loop.run_forever()
        finally:
            try:
                self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            finally:
                self._abandon()
                self.loop.close()

    @property
    def closed(self) -> bool:
        return self._closed

    # -- a blocking call ---------------------------------------------------------------------

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the loop and return its result (or raise its error), blocking."""
        result: T = self.wait(self.submit(coro))
        return result

    def submit(self, coro: Coroutine[Any, Any, Any]) -> _Call:
        """Start ``coro`` on the loop; :meth:`wait` for it (or serve callbacks meanwhile)."""
        return self._submit(coro)

    def wait(self, call: _Call) -> Any:
        """Block until ``call`` is done; its result, or its error raised."""
        try:
            call.done.acquire()
        except BaseException:  # Ctrl-C (KeyboardInterrupt) while waiting: stop the call
            self._cancel(call)
            raise
        if call.error is not None:
            raise call.error
        return call.result

    def cancel(self, call: _Call) -> None:
        """Stop ``call`` (its caller left, by Ctrl-C say)."""
        self._cancel(call)

    def _submit(self, coro: Coroutine[Any, Any, Any]) -> _Call:
        if threading.get_ident() == self.ident:
            coro.close()
            raise RuntimeError(
                "a blocking iamport_async.sync call was made from the client's own event "
                "loop thread (from an instrumentation hook, say): it would wait on itself "
                "forever. Use the async client there."
            )
        call = _Call(coro)
        with self._lock:
            if self._closed:
                coro.close()
                raise ClientClosedError("the client is closed (close); nothing was sent")
            self._calls.add(call)
            self.loop.call_soon_threadsafe(self._start, call, contextvars.copy_context())
        return call

    def _start(self, call: _Call, context: contextvars.Context) -> None:
        task = self.loop.create_task(call.coro, context=context)
        call.task = task
        task.add_done_callback(lambda task: self._finish(call, task))

    def _finish(self, call: _Call, task: asyncio.Task[Any]) -> None:
        if task.cancelled():
            call.error = _stopped("the call was stopped before its answer (close or Ctrl-C)")
        else:
            error = task.exception()
            if error is None:
                call.result = task.result()
            else:
                call.error = error
        self._settle(call)

    def _settle(self, call: _Call) -> None:
        with self._lock:
            if call not in self._calls:
                return
            self._calls.discard(call)
        call.done.release()

    def _cancel(self, call: _Call) -> None:
        """Stop ``call``'s task (the caller no longer waits for it)."""

        def cancel() -> None:
            if call.task is not None:
                call.task.cancel()

        with self._lock:
            if not self._closed:
                self.loop.call_soon_threadsafe(cancel)

    # -- work without a waiting caller -------------------------------------------------------

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run ``coro`` on the loop without waiting for it (a close in a finalizer)."""
        with self._lock:
            if self._closed:
                coro.close()
                return

            def start() -> None:
                self.loop.create_task(coro)

            self.loop.call_soon_threadsafe(start)

    def call_soon(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` on the loop soon (nothing if the runner is closed)."""
        with self._lock:
            if not self._closed:
                self.loop.call_soon_threadsafe(callback)

    # -- the end -----------------------------------------------------------------------------

    def close(self, closing: Callable[[], Awaitable[object]] | None = None) -> None:
        """Refuse new calls; run ``closing()`` on the loop (the client's own close), let the
        calls in flight end, stop the loop and join its thread. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if not self._thread.is_alive():
                return
            self.loop.call_soon_threadsafe(self._shut_down, closing)
        if threading.get_ident() != self.ident:  # from the loop itself: it stops after this
            self._thread.join()

    def _shut_down(self, closing: Callable[[], Awaitable[object]] | None) -> None:
        async def shut_down() -> None:
            try:
                if closing is not None:
                    await closing()
            finally:
                calls = [c.task for c in list(self._calls) if c.task is not None]
                if calls:  # cancelled by the client's close: they end at their next await
                    await asyncio.wait(calls, timeout=_CLOSE_GRACE)
                current = asyncio.current_task()
                rest = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
                for task in rest:  # blocks left open, spawned closes, calls past the grace
                    task.cancel()
                if rest:
                    await asyncio.wait(rest, timeout=_CLOSE_GRACE)
                self.loop.stop()

        self.loop.create_task(shut_down())

    def _abandon(self) -> None:
        """Every call still waiting gets ClientClosedError: no thread waits on a dead loop."""
        with self._lock:
            self._closed = True
            waiting = list(self._calls)
            self._calls.clear()
        for call in waiting:
            if call.task is None:  # never started: nothing was sent
                call.coro.close()
                call.error = ClientClosedError("the client was closed; nothing was sent")
            else:
                call.error = _stopped("the client was closed while this call was made")
            call.done.release()


def _stopped(what: str) -> ClientClosedError:
    """The error of a call stopped after it started: whether it reached the server is not
    known here, so for a call that changes something its outcome is not known either."""
    return ClientClosedError(
        f"{what}: if it changes something (a charge, a refund), the server may have carried "
        "it out; read it back with an open client",
        outcome_known=False,
    )
