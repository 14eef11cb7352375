"""Refunds that move money at most once: every cancel is guarded, and its fate is read from
the payment's ``cancel_history`` when its answer was lost or it was refused.

**Guarded by default.** A cancel sent with ``checksum`` C can only be carried out while the
payment's refundable balance is C. A cancel given no ``checksum`` reads the payment first
(one ``GET``) and sends its refundable balance as the checksum, so a first request that lands
late (its PG answers after the client gave up) and any repeat of it can never both apply. A
caller who accepts that risk passes ``unguarded=True``: the cancel is then sent once, never
resent after it may have reached the server, and may still land after its error.

**Reading the history.** Carrying out the cancel (C, A) moves the balance from C to C - A.
Balances only go down, so at most one cancel in the history starts from balance C. Reading
the payment back therefore tells:

- ``MADE``: the cancel that started from C took A, and it is this call's: made during this
  call (on the server's clock), or carrying this call's ``reason`` (an earlier try of this
  same refund);
- ``EARLIER``: the cancel that started from C took A, but before this call began and without
  this call's ``reason``: an earlier refund (another item of the same price, an admin's):
  this call refunded nothing, and never will (the checksum refuses it now);
- ``PENDING``: the balance is still C and nothing started from it: not carried out (yet); a
  resend with the same checksum is safe, at most one of them can go through;
- ``OVERTAKEN``: another cancel (a different amount) started from C: this one was not carried
  out, and never will be;
- ``UNCLEAR``: the read cannot tell: the history does not add up to ``cancel_amount``, a
  ``cancelled`` payment shows nothing cancelled, the balance is below C with nothing starting
  from C, cancels made in the same second (``cancelled_at`` is whole seconds) could have come
  in orders that disagree, or a matching cancel's time cannot be placed.

The one blind spot: another party cancelling the *same* amount from the *same* balance
during this call looks exactly like this cancel. Only one of the two can be carried out (the
checksum refuses the other), and this call reports it as its own.

The payment read back is the one the cancel acts on: ``imp_uid``, or for a cancel named by
``merchant_uid`` alone, the one paid (or cancelled) payment with that ``merchant_uid`` (a
newer ``failed`` or ``ready`` attempt under the same ``merchant_uid`` is not it).
"""

from __future__ import annotations

import enum
import itertools
import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from iamport_async.endpoints._base import Endpoints, drop_none, path
from iamport_async.endpoints._checks import optional_amount
from iamport_async.endpoints._mutation import Resent, closed_while_settling, mutation, unknown
from iamport_async.errors import (
    BusinessError,
    ClientClosedError,
    IamportError,
    InvalidInputError,
    OutcomeUnknownError,
)
from iamport_async.models.page import Page
from iamport_async.models.payment import Payment, PaymentCancel, PaymentStatus
from iamport_async.retry import Idempotency

UNGUARDED_CHECK = (
    "this cancel was sent without checksum (unguarded=True), so it may still land after this "
    "error: wait, then read payments.get(imp_uid) again (cancel_amount, cancel_history) "
    "before any repeat, and repeat only with checksum= the balance you read before the first "
    "try"
)

CANCEL = mutation(
    Resent.CHECKSUM,
    "inside the call, from the payment's `cancel_history` (a cancel of `amount` that took the "
    "balance from `checksum`, or from the balance read first); with `unguarded=True`: none",
    UNGUARDED_CHECK,
    settles_itself=True,
)
"""The declaration of ``payments.cancel`` (see ``_mutation``); its ``check`` is the unguarded
cancel's (a guarded one says which checksum to repeat with)."""

CANCEL_SAFELY = mutation(
    Resent.CHECKSUM,
    "as `cancel` (the balance read first, or the `checksum` you pass)",
    "repeat with checksum= the balance this call read (in the error's notes)",
    settles_itself=True,
)
"""The declaration of ``payments.cancel_safely``."""

UNGUARDED_NOTE = (
    "This cancel was not retried: without checksum a repeat could refund twice, and this "
    "request may still land. Wait, then read the payment (payments.get) before any repeat."
)

SETTLED_STATUSES = (PaymentStatus.PAID, PaymentStatus.CANCELLED)
"""The statuses of a payment a cancel can act on (a partial cancel leaves ``cancelled``)."""
_MAX_SUMS = 4096
"""The most distinct sums of same-second cancels tried; more: unclear."""
_PAGE = 100
"""How many payments of one ``merchant_uid`` are read to find the one a cancel acts on."""


class Verdict(enum.Enum):
    MADE = "made"
    EARLIER = "earlier"
    PENDING = "pending"
    OVERTAKEN = "overtaken"
    UNCLEAR = "unclear"


def verdict(
    payment: Payment,
    checksum: Decimal,
    amount: Decimal | None,
    *,
    since: float | None = None,
    reason: str | None = None,
) -> Verdict:
    """Whether the cancel of ``amount`` (None: the whole balance) from balance ``checksum``
    is in ``payment``'s history, and whether it is this call's (see the module docstring).

    ``since`` is the server's UNIX time when this call began: a matching cancel made at or
    after it is this call's; one made before it is this call's only with this call's
    ``reason``. ``None``: the time is not known, so only ``reason`` can tell; ``math.inf``:
    nothing in the history is this call's (every attempt was refused) but a same ``reason``.
    """
    if payment.status == PaymentStatus.CANCELLED and payment.cancel_amount == 0:
        return Verdict.UNCLEAR  # cancelled, yet nothing cancelled: the read is not whole
    history = payment.cancel_history
    if sum((entry.amount for entry in history), Decimal(0)) != payment.cancel_amount:
        return Verdict.UNCLEAR
    wanted = checksum if amount is None else amount
    if reason is not None and any(
        entry.reason == reason and entry.amount == wanted for entry in history
    ):
        return Verdict.MADE  # this refund (it is always sent with the same checksum)

    def kind(entry: PaymentCancel) -> Verdict:
        if entry.amount != wanted:
            return Verdict.OVERTAKEN
        if since is None or entry.cancelled_at is None:
            return Verdict.UNCLEAR  # made when? it may be this call's, or an older one
        if math.isfinite(since) and entry.cancelled_at.timestamp() >= math.floor(since):
            return Verdict.MADE
        return Verdict.EARLIER

    balance = payment.amount  # the balance before each group of same-second cancels
    for group in _same_second_groups(history):
        found = _starting_from(group, balance - checksum, kind)
        if found is None:  # too many sums to try
            return Verdict.UNCLEAR
        balance -= sum((entry.amount for entry in group), Decimal(0))
        if found == {None}:
            continue
        outcome = found.pop()
        return outcome if not found and outcome is not None else Verdict.UNCLEAR
    return Verdict.PENDING if balance == checksum else Verdict.UNCLEAR


def _same_second_groups(history: Sequence[PaymentCancel]) -> list[list[PaymentCancel]]:
    """The history oldest first, as groups whose order within is not known: cancels of one
    whole second; all of it when a cancel has no time."""
    if any(entry.cancelled_at is None for entry in history):
        return [list(history)] if history else []
    ordered = sorted(history, key=lambda entry: entry.cancelled_at or 0)
    return [list(group) for _, group in itertools.groupby(ordered, key=lambda e: e.cancelled_at)]


def _starting_from(
    group: list[PaymentCancel], taken: Decimal, kind: Callable[[PaymentCancel], Verdict]
) -> set[Verdict | None] | None:
    """Over every order ``group`` may have happened in, the kinds of the cancel that started
    once ``taken`` of the group's first balance was gone (None in the set: in some order no
    cancel did); None when there are too many sums to try.

    A cancel starts there in some order exactly when some of the others add up to
    ``taken``; no cancel does in some order exactly when some of them add up to less than
    ``taken`` and one more cancel takes the sum past it."""
    total = sum((entry.amount for entry in group), Decimal(0))
    if not Decimal(0) <= taken < total:
        return {None}
    found: set[Verdict | None] = set()
    seen: set[tuple[Decimal, Verdict]] = set()
    for index, entry in enumerate(group):
        key = (entry.amount, kind(entry))
        if key in seen:
            continue
        seen.add(key)
        sums = _subset_sums(group[:index] + group[index + 1 :])
        if sums is None:
            return None
        if taken in sums:
            found.add(key[1])
        if any(taken - entry.amount < part < taken for part in sums):
            found.add(None)
    return found


def _subset_sums(entries: Sequence[PaymentCancel]) -> set[Decimal] | None:
    """Every sum of some of ``entries``' amounts; None past :data:`_MAX_SUMS` of them."""
    sums = {Decimal(0)}
    for entry in entries:
        sums |= {part + entry.amount for part in sums}
        if len(sums) > _MAX_SUMS:
            return None
    return sums


# --- sending and settling ------------------------------------------------------------------


@attrs.frozen
class Order:
    """What one cancel call asks, as its settlement needs it."""

    body: dict[str, Any]
    imp_uid: str | None
    merchant_uid: str | None
    amount: Decimal | None
    reason: str | None


async def send_cancel(group: Endpoints, body: dict[str, Any], idempotency: Idempotency) -> Payment:
    """``POST /payments/cancel`` with ``body`` (its None fields left out), once."""
    return await group._call(
        "POST", "/payments/cancel", Payment, json=drop_none(body), idempotency=idempotency
    )


async def cancel(
    group: Endpoints, order: Order, checksum: Decimal | None, *, unguarded: bool
) -> Payment:
    """Carry out the cancel ``order``: guarded by ``checksum``, or by the refundable balance
    read first when it is None; sent once, unguarded, when the caller asked so."""
    began = group._clock.monotonic()
    body, imp_uid = order.body, order.imp_uid
    fractions = [name for name in _MONEY if isinstance(body.get(name), Decimal)]
    target: Payment | None = None
    if (checksum is None and not unguarded) or fractions:
        target = await _target(group, order)
        imp_uid = target.imp_uid
        for name in fractions:  # KRW has no fraction of a won: the payment's currency says
            optional_amount(name, body[name], currency=target.currency or "KRW")
    if unguarded:
        return await _unguarded(group, body)
    if checksum is None:
        assert target is not None
        checksum = target.refundable_amount
        body = {**body, "checksum": optional_amount("checksum", checksum)}
    return await _guarded(group, attrs.evolve(order, body=body, imp_uid=imp_uid), checksum, began)


_MONEY = ("amount", "tax_free", "vat_amount", "checksum")


async def _unguarded(group: Endpoints, body: dict[str, Any]) -> Payment:
    try:
        return await send_cancel(group, body, Idempotency.UNGUARDED)
    except IamportError as error:
        if not error.outcome_known and not isinstance(error, ClientClosedError):
            error.add_note(UNGUARDED_NOTE)
        raise


async def _guarded(group: Endpoints, order: Order, checksum: Decimal, began: float) -> Payment:
    """Send the cancel; when its outcome is unknown or it was refused, settle it from the
    payment's ``cancel_history``: made (return the payment), pending (resend, once more),
    earlier or overtaken (the refusal stands), or unclear (OutcomeUnknownError)."""
    ambiguous = False  # some attempt of this call may have been carried out
    for resends_left in (1, 0):
        try:
            return await send_cancel(group, order.body, Idempotency.GUARDED)
        except ClientClosedError:
            raise  # for a mutation under way: outcome_known False, from the engine
        except IamportError as error:
            failure = error
        if failure.outcome_known and not isinstance(failure, BusinessError):
            if ambiguous:  # the first round may have been carried out
                raise cancel_unknown(failure, checksum) from failure
            raise failure
        ambiguous = ambiguous or not failure.outcome_known
        try:
            payment = await _settling_read(group, order)
        except ClientClosedError as closed:
            if not ambiguous:
                raise
            raise closed_while_settling(closed, failure, checksum_check(checksum)) from failure
        except IamportError as read_error:
            if not ambiguous:
                raise failure from None
            failure.add_note(f"reading the payment back failed: {_describe(read_error)}")
            raise cancel_unknown(failure, checksum) from failure
        since = group._server_time(began) if ambiguous else math.inf
        found = verdict(payment, checksum, order.amount, since=since, reason=order.reason)
        if found is Verdict.MADE:
            return payment
        if found is Verdict.OVERTAKEN:
            failure.add_note(
                "Reading the payment back: another cancel took the balance from the "
                "checksum first; this cancel was not carried out and cannot be any more."
            )
            failure.outcome_known = True
            raise failure
        if found is Verdict.EARLIER:
            failure.add_note(
                "Reading the payment back: a cancel of this amount from this balance was "
                "made before this call began, without this call's reason: this call refunded "
                "nothing, and cannot any more. If that cancel was an earlier try of this same "
                "refund, the refund is done (repeat with the same reason= to have a repeat "
                "recognised as the same refund)."
            )
            failure.outcome_known = True
            raise failure
        if not ambiguous:  # a refusal, and the cancel is not in the history
            raise failure
        if found is Verdict.UNCLEAR or not resends_left:
            raise cancel_unknown(failure, checksum) from failure
    raise AssertionError("unreachable")  # pragma: no cover


class _Unclear(IamportError):
    """The payment a cancel named by merchant_uid acts on cannot be told (a note says why)."""


async def _target(group: Endpoints, order: Order) -> Payment:
    """The payment the cancel acts on, read before it is sent."""
    if order.imp_uid is not None:
        return await _by_imp_uid(group, order.imp_uid)
    assert order.merchant_uid is not None
    found = await _by_merchant_uid(group, order.merchant_uid)
    if not found:
        raise _Unclear("no payment has this merchant_uid")
    settled = [p for p in found if p.status in SETTLED_STATUSES]
    if len(settled) > 1:
        raise InvalidInputError(
            "merchant_uid",
            f"{len(settled)} paid payments share it: name the one to cancel by imp_uid",
        )
    return settled[0] if settled else found[0]


async def _settling_read(group: Endpoints, order: Order) -> Payment:
    """The payment the cancel acted on, read back to settle it."""
    if order.imp_uid is not None:
        return await _by_imp_uid(group, order.imp_uid)
    assert order.merchant_uid is not None
    found = await _by_merchant_uid(group, order.merchant_uid)
    settled = [p for p in found if p.status in SETTLED_STATUSES]
    if len(settled) != 1:
        raise _Unclear(
            f"{len(settled)} paid or cancelled payments with this merchant_uid: which one the "
            "cancel acts on cannot be told"
        )
    return settled[0]


async def _by_imp_uid(group: Endpoints, imp_uid: str) -> Payment:
    where = path("/payments/{}", imp_uid)
    return await group._call("GET", where, Payment, params={"include_sandbox": "true"})


async def _by_merchant_uid(group: Endpoints, merchant_uid: str) -> tuple[Payment, ...]:
    """The payments with ``merchant_uid``, newest first (NotFoundError: none)."""
    where = path("/payments/findAll/{}", merchant_uid)
    params: dict[str, str | int] = {"sorting": "-started", "limit": _PAGE}
    page = await group._call("GET", where, Page[Payment], params=params)
    return page.list


def _describe(error: IamportError) -> str:
    """An error's class, and its text where it is this module's own."""
    name = type(error).__name__
    return f"{name}: {error}" if isinstance(error, _Unclear) else name


def checksum_check(checksum: Decimal) -> str:
    """What to check, and how to repeat, when a guarded cancel's outcome stays open."""
    return (
        "read payments.get(imp_uid): cancel_amount and cancel_history say whether it was "
        f"refunded; repeat only with checksum={checksum}, never a freshly read balance"
    )


def cancel_unknown(error: IamportError, checksum: Decimal) -> OutcomeUnknownError:
    """The outcome-unknown error of a guarded cancel that could not be settled."""
    return unknown(checksum_check(checksum), error)
