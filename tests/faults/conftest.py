"""The fault suite's world: the fake API on uvicorn (127.0.0.1), a misbehaving proxy in front
of it, and clients with small backoff on the real clock: a short timeout per attempt where a
case scripts a hang, a patient one elsewhere (see ``TIMEOUT`` and ``PATIENT``).

uvicorn needs asyncio, so every test here runs on asyncio only. Each test also runs with
DEBUG logging captured (the client's, httpx's, httpcore's and uvicorn's loggers) and fails if
a key, secret, token or card field appears in any record: see :func:`no_secret_in_any_log`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import attrs
import pytest

from iamport_async import Iamport
from iamport_async.clock import SystemClock
from iamport_async.testing import FakeIamport
from tests.faults._proxy import FaultProxy

IMP_KEY = "imp_key_7c1e5f0b93"
IMP_SECRET = "imp_secret_4a9d2b6e81f3c0"
CARD: dict[str, Any] = {
    "card_number": "4092-0230-5555-7777",
    "expiry": "2031-08",
    "birth": "860214",
    "pwd_2digit": "99",
}
"""``pwd_2digit`` is 99: no hour, minute, second, day or month of a datetime repr can be 99,
so a whole-token match of it is a leak, never a timestamp."""
REFUND_ACCOUNT = "110498765432"
STATIC_SECRETS = [IMP_KEY, IMP_SECRET, *CARD.values(), REFUND_ACCOUNT]

HANG = 60.0
"""A bound that only catches a hang: a case that takes a second when the machine is idle may
take ten on a loaded one, and must still pass. No test here asserts on how fast it ran."""
TIMEOUT = 1.0
"""Seconds per attempt in a case that scripts a hang or a stalled body: what such a fault
costs. Those cases keep their other requests few, so that a loaded machine answers them well
inside it."""
PATIENT = 30.0
"""Seconds per attempt in every other case. A loaded machine may take seconds over a healthy
answer (measured: 0.9 s median, 3.3 s at worst, with 8 requests in flight), and a request
retried for that would spoil the counts the cases assert."""
TIMED_OUT = frozenset({"hang", "trickle", "fake:timeout"})
"""Faults that only the client's read timeout ends."""
FAST_RETRY: dict[str, Any] = {"base_delay": 0.01, "max_delay": 0.05, "max_retry_after": 2.0}
"""Backoff small enough that a case with retries ends in well under a second."""

UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")
LOGGERS = ("iamport_async", "httpx", "httpcore", *UVICORN_LOGGERS)


@pytest.fixture
def anyio_backend() -> str:
    """uvicorn runs on asyncio only."""
    return "asyncio"


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = f"{record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            line += f" | {record.exc_info[1]!r}"
        self.lines.append(line)


@attrs.define
class World:
    """What a test gets: the fake (the truth about money), the proxy and a client factory."""

    fake: FakeIamport
    proxy: FaultProxy
    upstream: str
    clients: list[Iamport] = attrs.field(factory=list)

    @property
    def base_url(self) -> str:
        return self.proxy.base_url

    def client(self, base_url: str | None = None, **options: Any) -> Iamport:
        """An Iamport on the proxy: ``PATIENT`` per attempt, millisecond backoff, real clock."""
        options.setdefault("timeout", PATIENT)
        options.setdefault("total_timeout", HANG)
        options.setdefault("seed", 1)
        client = Iamport(
            imp_key=IMP_KEY,
            imp_secret=IMP_SECRET,
            base_url=base_url or self.base_url,
            **options,
        )
        fast_backoff(client)
        self.clients.append(client)
        return client

    def processed(self, operation: str) -> int:
        """Requests for ``operation`` the fake carried out (its handler ran)."""
        return sum(
            1
            for entry in self.fake.requests
            if entry.operation == operation
            and entry.fault in (None, "drop_after", "truncated_json")
        )


def attempt_timeout(*faults: str) -> float:
    """The per-attempt timeout for a case that scripts ``faults``."""
    return TIMEOUT if TIMED_OUT.intersection(faults) else PATIENT


def fast_backoff(client: Iamport) -> None:
    """Shrink the client's backoff (``Iamport`` does not expose it; see docs/faults.md)."""
    config = client._engine.config
    client._engine.config = attrs.evolve(config, retry=attrs.evolve(config.retry, **FAST_RETRY))


class WaitLog(SystemClock):
    """The real clock, writing down every wait the client asks of it (its retry waits): a
    test asserts those, not how long the wall clock ran, which a loaded machine stretches."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self._read = 0.0

    def monotonic(self) -> float:
        self._read = super().monotonic()
        return self._read

    async def sleep_until(self, deadline: float) -> None:
        # sleep_for() reads the clock just before: this is exactly the wait it asked for.
        self.waits.append(deadline - self._read)
        await super().sleep_until(deadline)


class SecretWatch:
    """Collects every log line of a test (and the tokens the fake issued) for the final check."""

    def __init__(self) -> None:
        self.tokens: list[str] = []
        self.uvicorn = _Records()

    def watch_uvicorn(self) -> None:
        """uvicorn's loggers do not propagate: hook them (after serve() configured them)."""
        for name in UVICORN_LOGGERS:
            logging.getLogger(name).addHandler(self.uvicorn)

    def unwatch_uvicorn(self) -> None:
        for name in UVICORN_LOGGERS:
            logging.getLogger(name).removeHandler(self.uvicorn)

    def record_tokens(self, fake: FakeIamport) -> None:
        """Remember every token ``fake`` issues: those are secrets too."""
        issue = fake.issue_token

        def issue_and_record() -> Any:
            token = issue()
            if token.access_token not in self.tokens:
                self.tokens.append(token.access_token)
            return token

        fake.issue_token = issue_and_record  # type: ignore[method-assign]

    def leaks(self, lines: list[str]) -> list[tuple[str, str]]:
        secrets = STATIC_SECRETS + self.tokens
        return [(s, line) for line in lines for s in secrets if appears(s, line)]


@pytest.fixture(autouse=True)
def secret_watch(caplog: pytest.LogCaptureFixture) -> Iterator[SecretWatch]:
    """Every fault test runs at DEBUG level; afterwards no log record may hold a secret."""
    watch = SecretWatch()
    with caplog.at_level(logging.DEBUG):
        for name in LOGGERS:
            logging.getLogger(name).setLevel(logging.DEBUG)
        yield watch
    lines = [f"{r.name}: {r.getMessage()}" for r in caplog.records]
    lines += [
        f"{r.name}: {r.exc_info[1]!r}"
        for r in caplog.records
        if r.exc_info and r.exc_info[1] is not None
    ]
    lines += watch.uvicorn.lines
    leaks = watch.leaks(lines)
    assert leaks == [], f"secrets in log lines: {leaks[:3]}"


@pytest.fixture
async def world(secret_watch: SecretWatch) -> AsyncIterator[World]:
    fake = FakeIamport(imp_key=IMP_KEY, imp_secret=IMP_SECRET, seed=3)
    secret_watch.record_tokens(fake)
    async with fake.serve(log_level="debug") as upstream:
        secret_watch.watch_uvicorn()
        try:
            # a stalled body outlasts any case: the client's read timeout alone ends it
            proxy = FaultProxy(fake, upstream, trickle_gap=HANG, steady_for=2.0)
            async with proxy:
                state = World(fake, proxy, upstream)
                try:
                    yield state
                finally:
                    with anyio.fail_after(HANG):  # a hang fails here, not by pytest-timeout
                        for client in state.clients:
                            await client.aclose()
        finally:
            secret_watch.unwatch_uvicorn()


def appears(secret: str, text: str) -> bool:
    """``secret`` as a whole token of ``text`` (a two-digit PIN inside a number is no leak)."""
    return re.search(rf"(?<![0-9A-Za-z.]){re.escape(secret)}(?![0-9A-Za-z.])", text) is not None
