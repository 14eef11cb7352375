"""A misbehaving HTTP/1.1 proxy on 127.0.0.1, in front of the fake API, for faults the fake
cannot make through ASGI: a TCP reset before or after the request is processed, a body that
trickles, a fractional or date-form ``Retry-After``, a 200 that is not JSON, a slow token
answer, a listener that refuses connections and comes back.

Every client connection gets its own upstream connection, so a request is forwarded (and
processed by the fake) only when the script says so, and the fake's counters stay the truth
about what the server did. The proxy's own counters say what the sockets did: connections
open now, the most open at once, requests forwarded and faults applied.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import email.utils
import random
import socket
import struct
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Literal, get_args

from iamport_async.testing import FakeIamport

Action = Literal[
    "reset_before",
    "reset_after",
    "hang",
    "trickle",
    "trickle_steady",
    "429",
    "429_date_skewed",
    "not_json_before",
    "not_json_after",
    "slow",
]
ACTIONS: frozenset[str] = frozenset(get_args(Action))
PROCESSED = frozenset({"reset_after", "trickle", "trickle_steady", "not_json_after", "slow"})
"""Actions after which the fake has carried the request out."""

FAKE_PREFIX = "fake:"
"""``"fake:drop_after"``: script that answer on the fake itself, then forward."""

Match = Callable[[str, str], bool]
"""``(method, path without query) -> bool``: which requests a scripted action applies to."""

TOKEN_PATH = "/users/getToken"


def not_token(method: str, path: str) -> bool:
    return path != TOKEN_PATH


def token_only(method: str, path: str) -> bool:
    return path == TOKEN_PATH


def request_to(method: str, path: str) -> Match:
    """Requests with exactly this method and path (query left out)."""
    return lambda m, p: m == method and p == path


class Exchange:
    """One parsed HTTP/1.1 message: head and body bytes."""

    def __init__(self, head: bytes, body: bytes) -> None:
        self.head = head
        self.body = body

    @property
    def first_line(self) -> str:
        return self.head.split(b"\r\n", 1)[0].decode("latin-1")

    def raw(self) -> bytes:
        return self.head + self.body


async def read_message(reader: asyncio.StreamReader) -> Exchange | None:
    """One message with a ``Content-Length`` body (all the fake and httpx send); None at EOF."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    try:
        body = await reader.readexactly(length) if length else b""
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    return Exchange(head, body)


def canned(status: int, reason: str, body: bytes, *headers: tuple[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", f"content-length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST (SO_LINGER 0), as a crashed server or a load balancer does."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class FaultProxy:
    """``async with FaultProxy(fake, upstream_url) as base_url``: faults on demand.

    ``script(*actions, when=...)`` applies actions to the next matching requests, in order;
    ``randomly(rate, actions)`` applies one of ``actions`` to each non-token request with
    probability ``rate``. ``trickle_gap`` is the pause between body bytes of ``"trickle"``;
    ``"trickle_steady"`` sends a byte every ``steady_gap`` (below the client's read timeout) for
    ``steady_for`` seconds in all, then the rest. ``slow_for`` delays ``"slow"`` requests.
    """

    def __init__(
        self,
        fake: FakeIamport,
        upstream: str,
        *,
        trickle_gap: float = 1.0,
        steady_gap: float = 0.1,
        steady_for: float = 3.0,
        slow_for: float = 0.3,
        retry_after: str = "0.2",
        seed: int = 0,
    ) -> None:
        host, _, port = upstream.removeprefix("http://").partition(":")
        self.fake = fake
        self._upstream = (host, int(port))
        self.trickle_gap = trickle_gap
        self.steady_gap = steady_gap
        self.steady_for = steady_for
        self.slow_for = slow_for
        self.retry_after = retry_after
        self._rng = random.Random(seed)
        self._script: collections.deque[tuple[str, Match]] = collections.deque()
        self._rate = 0.0
        self._random_actions: list[str] = []
        self._random_when: Match = not_token
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0
        self.open = 0
        """Client connections open now."""
        self.max_open = 0
        self.connections = 0
        """Client connections accepted so far."""
        self.forwarded: collections.Counter[str] = collections.Counter()
        """Requests passed to the fake, by ``"METHOD /path"`` (query left out)."""
        self.applied: collections.Counter[str] = collections.Counter()
        """Faults applied, by action."""

    # -- control ----------------------------------------------------------------------------

    def script(self, *actions: str, when: Match = not_token) -> None:
        for action in actions:
            self._check(action)
            self._script.append((action, when))

    def randomly(self, rate: float, actions: Iterable[str], when: Match = not_token) -> None:
        self._rate = rate
        self._random_actions = [self._check(action) for action in actions]
        self._random_when = when

    @staticmethod
    def _check(action: str) -> str:
        if action not in ACTIONS and not action.startswith(FAKE_PREFIX):
            raise ValueError(f"unknown action {action!r}")
        return action

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def listen(self) -> None:
        """Accept connections (again, on the same port, after :meth:`refuse`)."""
        self._server = await asyncio.start_server(
            self._handle, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def refuse(self) -> None:
        """Stop listening: new connections are refused; open ones are left alone.

        Not ``wait_closed()``: since Python 3.12 it also waits for every open connection,
        and the client's kept-alive one stays open on purpose."""
        if self._server is not None:
            self._server.close()
            self._server = None  # close() has already closed the listening socket

    async def wait_closed(self, within: float = 30.0) -> int:
        """Wait until no client connection is open (or ``within`` s pass); return how many are.

        ``within`` only catches a connection that is never closed: closing takes a few loop
        turns when the machine is idle, and may take seconds when it is loaded."""
        deadline = time.monotonic() + within
        while self.open and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        return self.open

    async def __aenter__(self) -> str:
        await self.listen()
        return self.base_url

    async def __aexit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):  # handlers see their connection end, and return
            writer.transport.abort()
        if self._handlers:
            await asyncio.wait(self._handlers, timeout=5)
        if self._server is not None:  # since 3.12 this waits for every connection: bounded
            await asyncio.wait_for(self._server.wait_closed(), 30)

    # -- the proxy --------------------------------------------------------------------------

    def _next_action(self, method: str, path: str) -> str | None:
        for index, (action, when) in enumerate(self._script):
            if when(method, path):
                del self._script[index]
                return action
        wanted = self._rate and path != TOKEN_PATH and self._random_when(method, path)
        if wanted and self._rng.random() < self._rate:
            return self._rng.choice(self._random_actions)
        return None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self._writers.add(writer)
        self.open += 1
        self.connections += 1
        self.max_open = max(self.max_open, self.open)
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        try:
            while True:
                request = await read_message(reader)
                if request is None:
                    return
                method, target, _ = request.first_line.split(" ", 2)
                path = target.partition("?")[0]
                action = self._next_action(method, path)
                if action is not None:
                    self.applied[action] += 1
                if action is not None and action.startswith(FAKE_PREFIX):
                    self.fake.faults.script(action.removeprefix(FAKE_PREFIX))  # type: ignore[arg-type]
                    action = None
                if action == "reset_before":
                    reset(writer)
                    return
                if action == "hang":
                    await reader.read()  # until the client gives up and closes
                    return
                if action in ("429", "429_date_skewed", "not_json_before"):
                    writer.write(self._canned(action))
                    await writer.drain()
                    continue
                if action == "slow" and await _closes_within(reader, self.slow_for):
                    return
                if upstream is None:
                    upstream = await asyncio.open_connection(*self._upstream)
                    upstream[1].get_extra_info("socket").setsockopt(
                        socket.IPPROTO_TCP, socket.TCP_NODELAY, 1
                    )
                upstream[1].write(request.raw())
                self.forwarded[f"{method} {path}"] += 1
                await upstream[1].drain()
                response = await _unless_closed(reader, read_message(upstream[0]))
                if response is None:  # the fake dropped the connection (its own drop faults)
                    reset(writer)
                    return
                if action == "reset_after":
                    reset(writer)
                    return
                if action == "not_json_after":
                    writer.write(self._canned("not_json_after"))
                elif action in ("trickle", "trickle_steady"):
                    await self._trickle(reader, writer, response, action)
                    continue
                else:
                    writer.write(response.raw())
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            self.open -= 1
            self._handlers.discard(task)
            self._writers.discard(writer)
            if upstream is not None:
                upstream[1].close()
            if not writer.transport.is_closing():
                writer.close()

    def _canned(self, action: str) -> bytes:
        envelope = b'{"code":-1,"message":"Too Many Requests","response":null}'
        if action == "429":
            return canned(429, "Too Many Requests", envelope, ("retry-after", self.retry_after))
        if action == "429_date_skewed":  # a server clock 10 minutes ahead: only Date agrees
            server_now = time.time() + 600
            return canned(
                429,
                "Too Many Requests",
                envelope,
                ("date", email.utils.formatdate(server_now, usegmt=True)),
                ("retry-after", email.utils.formatdate(server_now + 1, usegmt=True)),
            )
        return canned(200, "OK", b"<html>OK</html>", ("content-type", "text/html"))

    async def _trickle(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        response: Exchange,
        action: str,
    ) -> None:
        writer.write(response.head)
        await writer.drain()
        gap = self.trickle_gap if action == "trickle" else self.steady_gap
        started = time.monotonic()
        for index in range(len(response.body)):
            if action == "trickle_steady" and time.monotonic() - started > self.steady_for:
                writer.write(response.body[index:])
                break
            writer.write(response.body[index : index + 1])
            await writer.drain()
            if await _closes_within(reader, gap):
                return
        await writer.drain()


async def _closes_within(reader: asyncio.StreamReader, seconds: float) -> bool:
    """Wait ``seconds``; True (early) if the client closes its side meanwhile. httpx never
    pipelines, so anything read while a request is being answered means the end."""
    try:
        await asyncio.wait_for(reader.read(1), seconds)
    except TimeoutError:
        return False
    return True


async def _unless_closed(
    reader: asyncio.StreamReader, answer: Awaitable[Exchange | None]
) -> Exchange | None:
    """The upstream answer, or None as soon as the client gives up waiting for it."""
    answering = asyncio.ensure_future(answer)
    closing = asyncio.ensure_future(reader.read(1))
    done, _ = await asyncio.wait({answering, closing}, return_when=asyncio.FIRST_COMPLETED)
    for task in (answering, closing):
        if task not in done:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                await task
    return answering.result() if answering in done else None
