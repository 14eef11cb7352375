"""A minimal API double on 127.0.0.1, in its own process, for measuring the client alone.

It answers every GET with one fixed payment envelope and ``POST /users/getToken`` with a token.
Serving from another process keeps its CPU out of the client's figures.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import socket
import time
from collections.abc import Iterator
from typing import Any

PAYMENT = json.dumps(
    {
        "code": 0,
        "message": None,
        "response": {
            "imp_uid": "imp_100000000001",
            "merchant_uid": "order-1",
            "amount": 1000,
            "cancel_amount": 0,
            "currency": "KRW",
            "status": "paid",
            "paid_at": 1700000000,
        },
    }
).encode()
TOKEN = json.dumps(
    {"code": 0, "message": None, "response": {"access_token": "t", "now": 0, "expired_at": 1800}}
).encode()


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = TOKEN if scope["path"] == "/users/getToken" else PAYMENT
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _serve(port: int) -> None:
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def local_server() -> Iterator[str]:
    """Run the double in a child process; yield its base URL."""
    port = _free_port()
    process = multiprocessing.get_context("spawn").Process(target=_serve, args=(port,), daemon=True)
    process.start()
    try:
        deadline = time.monotonic() + 120  # a loaded machine starts uvicorn slowly
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("the local server did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.join(5)
