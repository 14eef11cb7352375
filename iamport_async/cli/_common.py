"""What the commands share: the client from the environment, and the usage-error type."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

import httpx

from iamport_async._environment import KEY_VARIABLE, SECRET_VARIABLE
from iamport_async.client import API_URL, Iamport
from iamport_async.errors import InvalidInputError
from iamport_async.instrumentation import Event, RateChanged, RetryScheduled, Throttled

if TYPE_CHECKING:
    from iamport_async.fleet import RedisShared

REDIS_VARIABLE = "IAMPORT_REDIS_URL"

EXIT_OK = 0
EXIT_DIFFERS = 1
EXIT_USAGE = 2
EXIT_CREDENTIALS = 3
"""The API refused the credentials: the run stopped at once, after one login attempt."""
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """Exit status 2: the command cannot run as asked."""


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tier", help="sub-merchant tier code (sent as the Tier header)")
    parser.add_argument("--base-url", default=API_URL, help=f"API address (default {API_URL})")
    parser.add_argument(
        "--rate", type=float, help="at most this many requests a second (default: no limit)"
    )
    parser.add_argument(
        "--adaptive",
        action="store_true",
        help="slow down when the API answers 429/503, then speed up again (up to --rate)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get(REDIS_VARIABLE),
        help="share the rate and the token with other workers through Redis; or set "
        f"{REDIS_VARIABLE}, better when the URL holds a password",
    )


class Activity:
    """What the client met so far, for the progress line: an instrumentation hook on the
    command's client, so the line counts what the client reports, not what it is built of."""

    def __init__(self, rate: float | None) -> None:
        self.retries = 0
        self.throttled = 0
        self.rate = rate
        """Requests a second the client allows now (``None``: no limit); moves with
        ``--adaptive``."""

    def on_event(self, event: Event) -> None:
        if isinstance(event, RetryScheduled):
            self.retries += 1
        elif isinstance(event, Throttled):
            self.throttled += 1
        elif isinstance(event, RateChanged):
            self.rate = event.new

    def describe(self) -> str:
        """``2 retries, 3 throttled (429/503), rate 40/s``: the parts that are not zero."""
        parts = []
        if self.retries:
            parts.append(f"{self.retries:,} retr{'y' if self.retries == 1 else 'ies'}")
        if self.throttled:
            parts.append(f"{self.throttled:,} throttled (429/503)")
        if self.rate is not None:
            parts.append(f"rate {self.rate:,.1f}/s")
        return ", ".join(parts)


class Connection:
    """The client and, with ``--redis-url``, the shared backend it uses: closed together."""

    def __init__(self, client: Iamport, shared: RedisShared | None, activity: Activity) -> None:
        self.client = client
        self._shared = shared
        self.activity = activity

    async def __aenter__(self) -> Iamport:
        return self.client

    async def __aexit__(self, *exc_info: object) -> None:
        await self.client.aclose()
        if self._shared is not None:
            await self._shared.aclose()


def connect(
    args: argparse.Namespace, transport: httpx.AsyncBaseTransport | None = None
) -> Connection:
    """A client with the credentials of the environment: never from the command line, where
    they would land in the shell history and the process list."""
    if not os.environ.get(KEY_VARIABLE) or not os.environ.get(SECRET_VARIABLE):
        raise UsageError(f"set {KEY_VARIABLE} and {SECRET_VARIABLE} in the environment")
    if args.rate is not None and not args.rate > 0:
        raise UsageError("--rate must be above 0")
    adaptive = args.adaptive
    if adaptive and args.redis_url:
        raise UsageError("--adaptive works on one process's rate: not with --redis-url")
    shared = None
    if args.redis_url:
        from iamport_async.fleet import RedisShared

        shared = RedisShared.from_url(args.redis_url, rate_limit=args.rate)
    activity = Activity(None if shared else args.rate)
    try:
        client = Iamport(  # the key and secret from the environment, as the library reads them
            base_url=args.base_url,
            tier=args.tier,
            rate_limit=None if shared else args.rate,
            adaptive=adaptive,
            shared=shared,
            transport=transport,
            instrumentation=activity,
        )
    except InvalidInputError as error:  # --base-url or --tier
        raise UsageError(str(error)) from None
    return Connection(client, shared, activity)
