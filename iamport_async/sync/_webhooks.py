"""The blocking webhook verifier: the async one's verdict, with your order lookup run in
your thread (a Django model read stays in the thread that owns its connection)."""

from __future__ import annotations

import asyncio
import queue
from collections.abc import Callable, Mapping
from decimal import Decimal
from ipaddress import IPv4Address, IPv6Address
from typing import TYPE_CHECKING, Any

from iamport_async.webhooks import Expected, SourcePolicy, Verdict
from iamport_async.webhooks import WebhookVerifier as AsyncWebhookVerifier

if TYPE_CHECKING:
    from iamport_async.sync._twins import Payments

SyncExpectedLookup = Callable[[str], Expected | int | Decimal | None]
"""``expected(merchant_uid)``: the order's :class:`Expected` (or amount), None if unknown."""

_DONE = object()


class WebhookVerifier:
    """Everything a sync webhook view needs, built once and shared by every request thread::

        verifier = WebhookVerifier(client.payments, expected=orders.expected_for)
        verdict = verifier.verify_request(
            request.body, request.content_type, peer=address, headers=request.headers
        )

    As :class:`iamport_async.webhooks.WebhookVerifier` (the same checks, the same verdicts),
    blocking. ``expected`` is called in the thread that calls :meth:`verify_request`.
    """

    def __init__(
        self,
        payments: Payments,
        expected: Expected | int | Decimal | SyncExpectedLookup,
        *,
        sources: SourcePolicy | None = None,
        include_sandbox: bool | None = None,
    ) -> None:
        self.payments = payments
        self.expected = expected
        self.sources = sources
        self.include_sandbox = include_sandbox

    def verify_request(
        self,
        body: bytes,
        content_type: str | None,
        *,
        peer: str | IPv4Address | IPv6Address | None,
        headers: Mapping[str, str],
    ) -> Verdict:
        """The verdict on one delivery (see the async ``verify_request``): raises
        :class:`~iamport_async.webhooks.InvalidWebhookError` for a body that cannot be read,
        and an :class:`~iamport_async.errors.IamportError` when i'mport could not be asked."""
        link = self.payments._link
        inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        expected: Any = self.expected
        if callable(expected):
            lookup = expected

            async def expected_here(merchant_uid: str) -> Any:  # on the loop: ask our thread
                future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
                inbox.put((lookup, merchant_uid, future))
                return await future

            expected = expected_here

        async def verdict() -> Verdict:
            try:
                verifier = AsyncWebhookVerifier(
                    link.client().payments,
                    expected=expected,
                    sources=self.sources,
                    include_sandbox=self.include_sandbox,
                )
                return await verifier.verify_request(body, content_type, peer=peer, headers=headers)
            finally:
                inbox.put(_DONE)

        runner = link.runner()
        call = runner.submit(verdict())
        try:
            while (item := inbox.get()) is not _DONE:
                function, merchant_uid, future = item
                _answer(runner, future, function, merchant_uid)
        except BaseException:
            runner.cancel(call)
            raise
        result: Verdict = runner.wait(call)
        return result


def _answer(runner: Any, future: asyncio.Future[Any], function: Any, argument: str) -> None:
    try:
        value = function(argument)
    except Exception as error:
        failure = error

        def fail() -> None:
            if not future.done():
                future.set_exception(failure)

        runner.call_soon(fail)
        return

    def give() -> None:
        if not future.done():
            future.set_result(value)

    runner.call_soon(give)
