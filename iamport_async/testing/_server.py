"""Run the fake on a real socket: uvicorn (the ``fake`` extra) on 127.0.0.1, asyncio only."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator

from iamport_async._eventloop import on_asyncio
from iamport_async.testing._asgi import FakeApp


@contextlib.asynccontextmanager
async def serve(app: FakeApp, *, host: str, port: int, log_level: str) -> AsyncIterator[str]:
    """Yield the base URL while uvicorn serves ``app``; stop it on exit."""
    try:
        import uvicorn
    except ImportError:  # pragma: no cover (the test extra installs it)
        raise RuntimeError(
            "fake.serve() needs uvicorn: pip install 'iamport-async[fake]'"
        ) from None
    if not on_asyncio():
        raise RuntimeError("fake.serve() runs uvicorn, which needs asyncio")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it: without it the answer's two writes (head, body) meet
    # the client's delayed ACK and every request takes 40 ms (measured: 22 -> 580 req/s).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=1,
        backlog=4096,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.005)
        yield f"http://{host}:{bound_port}"
    finally:
        server.should_exit = True
        await task
        sock.close()
