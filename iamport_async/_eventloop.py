"""Which event loop runs the calling task, asked of anyio (no dependency of our own for it)."""

from __future__ import annotations

import asyncio

from anyio.lowlevel import current_token


def on_asyncio() -> bool:
    """Whether the calling task runs on asyncio (False on trio).

    anyio's token holds the running asyncio loop on asyncio and a ``TrioToken`` on trio.
    Raises anyio's ``NoEventLoopError`` outside any event loop.
    """
    return isinstance(current_token().native_token, asyncio.AbstractEventLoop)
