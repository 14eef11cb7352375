"""Whether a client is open, which event loop it belongs to, and the calls in flight.

Shared by a client and every ``with_options`` copy of it. ``aclose`` cancels the calls in
flight (each runs in its own cancel scope) so that none of them ends in whatever the closed
connection pool happens to raise: each ends in :class:`ClientClosedError`, which says whether
a mutation may have been carried out.
"""

from __future__ import annotations

import asyncio

import anyio

from iamport_async.errors import ClientClosedError


def _current_loop() -> object | None:
    """The running asyncio loop, or None (trio; no check there: it has one loop per run)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class Lifecycle:
    """Open or closed; the loop of first use; the cancel scopes of the calls in flight."""

    def __init__(self) -> None:
        self.closed = False
        self._loop: object | None = None
        self._scopes: set[anyio.CancelScope] = set()

    def close(self) -> None:
        """Refuse new calls and cancel the ones in flight (they raise ClientClosedError)."""
        self.closed = True
        for scope in list(self._scopes):
            scope.cancel()

    def check(self, call: str) -> None:
        """Raise ClientClosedError if no call may start now (closed, or another loop)."""
        if self.closed:
            raise ClientClosedError(f"{call}: the client is closed (aclose); nothing was sent")
        loop = _current_loop()
        if loop is None:
            return
        if self._loop is None:
            self._loop = loop
        elif loop is not self._loop:
            raise ClientClosedError(
                f"{call}: this client belongs to another event loop (its connection pool "
                "cannot be shared between loops); create one client per loop. Nothing was sent"
            )

    def enter(self) -> anyio.CancelScope:
        """A cancel scope for one call, which :meth:`close` cancels; :meth:`leave` it after.
        Once its ``with`` has ended, ``cancelled_caught`` says whether the close cut it short."""
        scope = anyio.CancelScope()
        self._scopes.add(scope)
        return scope

    def leave(self, scope: anyio.CancelScope) -> None:
        self._scopes.discard(scope)
