"""One call for a web handler: source check, parse, re-fetch, verdict."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import attrs

from iamport_async.errors import InvalidInputError
from iamport_async.webhooks._event import parse_event
from iamport_async.webhooks._source import IPAddress, SourcePolicy
from iamport_async.webhooks._verdict import (
    Expected,
    ExpectedLookup,
    PaymentSource,
    Verdict,
    WebhookOutcome,
    verify,
)


def _check_sources(
    _: object, __: attrs.Attribute[SourcePolicy | None], value: SourcePolicy | None
) -> None:
    """A bare tuple of addresses (``sources=IAMPORT_SOURCES``) would pass, then fail on the
    first delivery: refuse it now, saying how to wrap it."""
    if value is not None and not isinstance(value, SourcePolicy):
        raise InvalidInputError(
            "sources",
            f"must be a SourcePolicy or None, got {type(value).__name__}: wrap the "
            "addresses, sources=SourcePolicy(IAMPORT_SOURCES)",
        )


@attrs.frozen
class WebhookVerifier:
    """Everything a webhook route needs, built once at startup and shared by every request.

    ::

        verifier = WebhookVerifier(client.payments, expected=orders.expected_for)
        verdict = await verifier.verify_request(
            body, content_type, peer=request.client.host, headers=request.headers
        )

    ``sources`` is None by default: any sender is heard, and re-fetching the payment decides.
    ``SourcePolicy(IAMPORT_SOURCES)`` also refuses senders outside i'mport's addresses.
    """

    payments: PaymentSource
    """What payments are re-fetched through: ``client.payments``."""
    expected: Expected | int | Decimal | ExpectedLookup
    """What the order says: an :class:`Expected`, a bare amount, or ``expected(merchant_uid)`` (sync
    or async) returning one, or None for an unknown order."""
    sources: SourcePolicy | None = attrs.field(default=None, validator=_check_sources)
    """Which senders are heard; None (the default): any sender."""
    include_sandbox: bool | None = None
    """True also finds payments made on a test channel; None: the API's default (not)."""

    async def verify_request(
        self,
        body: bytes,
        content_type: str | None,
        *,
        peer: str | IPAddress | None,
        headers: Mapping[str, str],
    ) -> Verdict:
        """The verdict on one delivery.

        With ``sources``, a sender outside them gets :attr:`WebhookOutcome.SOURCE_NOT_ALLOWED`
        before the body is read. A body that cannot be read raises
        :class:`~iamport_async.webhooks.InvalidWebhookError` (answer 400). Otherwise as
        :func:`~iamport_async.webhooks.verify`.
        """
        if self.sources is not None and not self.sources.allows(peer, headers):
            sender = self.sources.sender(peer, headers)
            return Verdict(
                WebhookOutcome.SOURCE_NOT_ALLOWED, f"sender {sender} is not an allowed source"
            )
        event = parse_event(body, content_type)
        return await verify(
            self.payments, event, self.expected, include_sandbox=self.include_sandbox
        )
