"""Verify a webhook the way the API documents: re-fetch the payment and compare.

Webhooks carry no signature and their URL is public, so the body proves nothing. The payment
fetched from ``GET /payments/{imp_uid}`` with the merchant's own credentials is the truth:
its status (which may be newer than the webhook: deliveries arrive late, twice or out of
order) and its amount, compared with what the merchant expected for that order. Verifying
sends one GET and changes nothing, so the same webhook verified twice gives the same verdict.

:func:`verify` judges one parsed event; :class:`WebhookVerifier` is the same for a web
handler: built once, it checks the sender, parses the body and judges it.
"""

from __future__ import annotations

import enum
import inspect
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from typing import Protocol, TypeAlias

import attrs

from iamport_async._values import expected_amount, expected_currency
from iamport_async.errors import InvalidInputError, NotFoundError
from iamport_async.models.payment import Payment, PaymentStatus
from iamport_async.webhooks._event import WebhookEvent, parse_event
from iamport_async.webhooks._source import IPAddress, SourcePolicy


class PaymentSource(Protocol):
    """What :func:`verify` fetches through: ``client.payments`` (or a stand-in in tests)."""

    async def get(self, imp_uid: str, *, include_sandbox: bool | None = None) -> Payment:
        """The payment ``imp_uid``; raises NotFoundError when there is none."""
        ...


@attrs.frozen
class Expected:
    """What the merchant's order says the payment must be: ``amount`` (int or Decimal, never
    float) and, when given, ``currency`` (``"KRW"``, ``"USD"``, ...; compared ignoring case)."""

    amount: Decimal = attrs.field(converter=expected_amount)
    """The order's amount, as a Decimal (given as an int or Decimal)."""
    currency: str | None = attrs.field(default=None, converter=expected_currency)
    """The order's currency (ISO 4217, upper-cased); None: not compared."""


ExpectedLookup: TypeAlias = Callable[[str], Expected | Awaitable[Expected | None] | None]
"""``expected(merchant_uid)``: the order's :class:`Expected`, or None for an unknown order;
a plain function or a coroutine function."""


class WebhookOutcome(enum.StrEnum):
    """What the handler should do. Only :attr:`PAID` means "fulfil the order"."""

    PAID = "paid"
    """Paid, and amount (and currency) match the order: fulfil it (once: deliveries repeat)."""
    MISMATCH = "mismatch"
    """The payment's amount or currency differs from the order, or the webhook names another
    order than the payment's: forgery or tampering. Do not fulfil; alert; consider a cancel."""
    CANCELLED = "cancelled"
    """Fully or partially cancelled (``payment.cancel_amount`` says how much): refund flow."""
    READY = "ready"
    """A virtual account was issued and matches the order: wait for the deposit webhook."""
    FAILED = "failed"
    """The payment failed (e.g. a scheduled payment was declined): do not fulfil."""
    UNKNOWN_ORDER = "unknown_order"
    """The payment is real but ``expected`` knows no such order: do not fulfil; look into it."""
    NOT_FOUND = "not_found"
    """i'mport has no such payment: a forged webhook (or a test-channel payment, see
    ``include_sandbox``). Do not fulfil."""
    SOURCE_NOT_ALLOWED = "source_not_allowed"
    """The request did not come from an allowed address; nothing was fetched."""
    UNKNOWN_STATUS = "unknown_status"
    """The payment has a status this version does not know: do not fulfil; look into it."""


@attrs.frozen
class Verdict:
    """The result of verifying one webhook: what to do (``outcome``), why (``reason``, for
    logs: ids, amounts and statuses, never personal data), and what it was based on."""

    outcome: WebhookOutcome
    """What to do with the order; :attr:`fulfil` says whether to ship it."""
    reason: str
    """Why, for logs: ids, amounts and statuses, never personal data."""
    event: WebhookEvent | None = None
    """The webhook as parsed; None when it was refused before the body was read."""
    payment: Payment | None = None
    """The payment as re-fetched from the API; None when it was not found or not fetched."""
    expected: Expected | None = None
    """What the order said, when it was looked up."""

    @property
    def fulfil(self) -> bool:
        """True only for :attr:`WebhookOutcome.PAID`."""
        return self.outcome is WebhookOutcome.PAID

    @property
    def merchant_uid(self) -> str | None:
        """The order this verdict is about: the re-fetched payment's, never the body's."""
        return self.payment.merchant_uid if self.payment is not None else None


async def verify(
    payments: PaymentSource,
    event: WebhookEvent,
    expected: Expected | int | Decimal | ExpectedLookup,
    *,
    include_sandbox: bool | None = None,
) -> Verdict:
    """Re-fetch ``event``'s payment and compare it with ``expected``; never raises for a
    payment that is missing, mismatched, cancelled or failed: those are verdicts.

    ``payments`` is ``client.payments``. ``expected`` is an :class:`Expected`, a bare amount,
    or ``expected(merchant_uid)`` (sync or async) returning the order's :class:`Expected` or
    None. It is called with the *payment's* ``merchant_uid``, so a forged body cannot point
    a real payment at another order. ``include_sandbox=True`` also finds test-channel payments.

    Errors other than "not found" (network, 5xx, auth) propagate: answer the webhook with a
    5xx so that i'mport resends it (when resending is enabled in the console).
    """
    if not isinstance(event, WebhookEvent):
        raise InvalidInputError("event", f"must be a WebhookEvent, got {type(event).__name__}")
    fixed = _fixed(expected)
    try:
        payment = await payments.get(event.imp_uid, include_sandbox=include_sandbox)
    except NotFoundError:
        return Verdict(WebhookOutcome.NOT_FOUND, f"i'mport has no payment {event.imp_uid!r}", event)

    def verdict(outcome: WebhookOutcome, reason: str, wanted: Expected | None = None) -> Verdict:
        return Verdict(outcome, reason, event, payment, wanted)

    if event.merchant_uid is not None and event.merchant_uid != payment.merchant_uid:
        return verdict(
            WebhookOutcome.MISMATCH,
            f"webhook names order {event.merchant_uid!r} but payment {payment.imp_uid!r} "
            f"belongs to {payment.merchant_uid!r}",
        )
    wanted = fixed if isinstance(fixed, Expected) else await _lookup(fixed, payment.merchant_uid)
    if wanted is None:
        return verdict(WebhookOutcome.UNKNOWN_ORDER, f"no order {payment.merchant_uid!r}")
    return _judge(payment, wanted, verdict)


def _judge(
    payment: Payment,
    wanted: Expected,
    verdict: Callable[[WebhookOutcome, str, Expected | None], Verdict],
) -> Verdict:
    """The verdict from the re-fetched status; amounts count for ``paid`` and ``ready``."""
    status = payment.status
    order = f"order {payment.merchant_uid!r}"
    if status == PaymentStatus.CANCELLED:
        part = "fully" if payment.cancel_amount >= payment.amount else "partially"
        return verdict(
            WebhookOutcome.CANCELLED,
            f"{order} {part} cancelled: {payment.cancel_amount} of {payment.amount}",
            wanted,
        )
    if status == PaymentStatus.FAILED:
        return verdict(WebhookOutcome.FAILED, f"{order}: payment failed", wanted)
    if status not in (PaymentStatus.PAID, PaymentStatus.READY):
        return verdict(WebhookOutcome.UNKNOWN_STATUS, f"{order}: unknown status {status!r}", wanted)
    if payment.amount != wanted.amount:
        return verdict(
            WebhookOutcome.MISMATCH,
            f"{order}: payment amount {payment.amount} but the order expects {wanted.amount}",
            wanted,
        )
    currency = (payment.currency or "").upper()
    if wanted.currency is not None and currency != wanted.currency:
        return verdict(
            WebhookOutcome.MISMATCH,
            f"{order}: payment currency {payment.currency!r} but the order expects "
            f"{wanted.currency!r}",
            wanted,
        )
    if status == PaymentStatus.READY:
        return verdict(
            WebhookOutcome.READY, f"{order}: virtual account issued, awaiting deposit", wanted
        )
    return verdict(WebhookOutcome.PAID, f"{order}: paid {payment.amount}, as expected", wanted)


def _fixed(expected: Expected | int | Decimal | ExpectedLookup) -> Expected | ExpectedLookup:
    """``expected`` as an :class:`Expected` when it is a plain value; a lookup unchanged.

    Checked before the fetch, so a wrong argument fails without a request."""
    if isinstance(expected, Expected) or callable(expected):
        return expected
    if isinstance(expected, bool) or not isinstance(expected, int | Decimal):
        raise InvalidInputError(
            "expected",
            f"must be an Expected, an amount or a lookup, got {type(expected).__name__}",
        )
    return Expected(expected)


async def _lookup(expected: ExpectedLookup, merchant_uid: str) -> Expected | None:
    found = expected(merchant_uid)
    if inspect.isawaitable(found):
        found = await found
    if found is not None and not isinstance(found, Expected):
        raise InvalidInputError(
            "expected", f"the lookup must return an Expected or None, got {type(found).__name__}"
        )
    return found


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
