"""What a sync client holds: a link to its async client and the loop thread that runs it.

A :class:`Root` is made by ``Iamport(...)``: it builds the async client at once (so a bad
option raises there), and starts the loop thread on the first call (so a client made at
import in a process that forks, gunicorn ``--preload`` or Celery's prefork pool, has no
thread before the fork). ``with_options`` copies hold a :class:`Derived` link: the root's
async client ``with_options``-ed, on the root's loop thread.

After a fork, the child has no loop thread (threads do not survive a fork) and its copy of
the connection pool shares sockets with the parent. ``os.register_at_fork`` marks every root
stale in the child; its next call builds a new async client from the same options (a new
pool, a new token fetched on first use) on a new loop thread. Nothing of the parent's is
closed or touched. A client given its own ``http_client`` (or an
``httpx.AsyncHTTPTransport``, which holds a pool) cannot be rebuilt: it raises a
:class:`~iamport_async.errors.ClientClosedError` saying to make the client after the fork.
"""

from __future__ import annotations

import atexit
import copy as _copy
import inspect
import os
import threading
import weakref
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, Self, TypeVar, Unpack

import httpx

from iamport_async._options import Overrides
from iamport_async.client import Iamport as AsyncIamport
from iamport_async.errors import ClientClosedError
from iamport_async.raw import RawResponse
from iamport_async.sync._runner import Runner

T = TypeVar("T")
P = ParamSpec("P")

_ROOTS: weakref.WeakSet[Root] = weakref.WeakSet()


class Link:
    """How a sync client (or one of its groups) reaches its async client and loop."""

    def client(self) -> AsyncIamport:
        """The async client for this process."""
        raise NotImplementedError

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the loop thread and block until it is done."""
        raise NotImplementedError

    def runner(self) -> Runner:
        """The loop thread (started if it was not)."""
        raise NotImplementedError

    def close(self) -> None:
        """Close what this link owns (a copy owns nothing)."""


class Root(Link):
    """The link ``Iamport(...)`` makes: the options, the async client, the loop thread."""

    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        self._client = AsyncIamport(**options)
        self._runner: Runner | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._stale = False
        self.generation = 0
        """Counts the async clients this root has had (a new one after each fork)."""
        _ROOTS.add(self)

    def client(self) -> AsyncIamport:
        if self._stale:
            self._renew()
        return self._client

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        runner = self._runner
        if runner is None:
            try:
                runner = self.runner()
            except BaseException:
                coro.close()
                raise
        return runner.run(coro)

    def runner(self) -> Runner:
        runner = self._runner
        if runner is not None:
            return runner
        with self._lock:
            if self._closed:
                raise ClientClosedError("the client is closed (close); nothing was sent")
            if self._stale:
                raise ClientClosedError("the client was forked; call it again")
            if self._runner is None:
                self._runner = Runner()
            return self._runner

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            runner, stale = self._runner, self._stale
        if stale:
            return  # the parent's pool and loop are the parent's
        if runner is not None:  # never used: no connection was opened, none to close
            runner.close(self._client.aclose)

    @property
    def closed(self) -> bool:
        return self._closed

    def forked(self) -> None:
        """In a child after a fork: forget the parent's loop thread and pool."""
        self._lock = threading.Lock()  # it may have been held by a thread that is gone
        self._runner = None
        self._stale = True

    def _renew(self) -> None:
        with self._lock:
            if not self._stale:
                return
            if self._closed:
                self._stale = False
                return
            brought = self._options.get("http_client") is not None or isinstance(
                self._options.get("transport"), httpx.AsyncHTTPTransport
            )
            if brought:
                raise ClientClosedError(
                    "this sync client was made before os.fork() with its own http_client or "
                    "transport, whose connections the parent still uses: make the client in "
                    "the child (after the fork), or let it make its own pool. Nothing was sent"
                )
            self._client = AsyncIamport(**self._options)
            self.generation += 1
            self._stale = False


class Derived(Link):
    """The link of a ``with_options`` copy: the root's async client with ``changes``."""

    def __init__(self, root: Root, base: Link, changes: dict[str, Any]) -> None:
        self._root = root
        self._base = base
        self._changes = changes
        self._generation = root.generation
        self._client = base.client().with_options(**changes)  # checks the options now

    def client(self) -> AsyncIamport:
        base = self._base.client()
        if self._generation != self._root.generation:  # forked: derive from the new client
            self._client = base.with_options(**self._changes)
            self._generation = self._root.generation
        return self._client

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self._root.run(coro)

    def runner(self) -> Runner:
        return self._root.runner()


class Client:
    """Base of the generated sync ``Iamport``: the lifecycle, ``with_options`` and
    ``raw_response``; the groups and the constructor are generated (``_twins.py``)."""

    _link: Link
    _root: Root

    def __init__(self, root: Root) -> None:
        self._root = root
        self._bind(root)

    def _bind(self, link: Link) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return repr(self._link.client()).replace("<Iamport", "<sync Iamport", 1)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool and stop the loop thread (unless this is a
        ``with_options`` copy: the original owns them). Calls in flight in other threads
        end in ClientClosedError, and so does every later call. Idempotent."""
        if self._link is self._root:
            self._root.close()

    def with_options(self, **changes: Unpack[Overrides]) -> Self:
        """A copy with other settings that shares this client's pool, token, retry budget
        and loop thread (see the async ``Iamport.with_options``). Closing it closes nothing."""
        copy = _copy.copy(self)
        copy._bind(Derived(self._root, self._link, dict(changes)))
        return copy

    def raw_response(
        self, method: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
    ) -> RawResponse[T]:
        """Call ``method(*args, **kwargs)`` (an endpoint method of this client, or
        :meth:`request`) and return its HTTP answer beside its result, without a second
        request::

            raw = client.raw_response(client.payments.get, "imp_123412341234")
            print(raw.status, raw.headers["date"])
            payment = raw.parse()
        """
        owner = getattr(method, "__self__", None)
        link = getattr(owner, "_link", None)
        twin = getattr(getattr(owner, "_async", None), getattr(method, "__name__", ""), None)
        if not isinstance(link, Link) or twin is None or not inspect.iscoroutinefunction(twin):
            raise TypeError(
                "raw_response takes a blocking endpoint method of a client (or its request), "
                "such as client.payments.get, and its arguments"
            )
        result: RawResponse[T] = link.run(self._link.client().raw_response(twin(*args, **kwargs)))
        return result


def _after_fork_in_child() -> None:
    for root in list(_ROOTS):
        root.forked()


def _close_all() -> None:
    """At exit: close every client still open, so its pool is closed on its own loop."""
    for root in list(_ROOTS):
        try:
            root.close()
        except Exception:  # noqa: S112 (nothing is left to tell at exit)
            continue


os.register_at_fork(after_in_child=_after_fork_in_child)
atexit.register(_close_all)
