"""Refunds that move money at most once: the guarded cancel, and how its fate is read from
the payment's ``cancel_history`` when its answer was lost or it was refused.

A cancel sent with ``checksum`` C and amount A can only be carried out while the payment's
refundable balance is C, and carrying it out moves the balance from C to C - A. Balances only
go down, so at most one cancel in the history starts from balance C. Reading the payment back
therefore tells, for the cancel (C, A):

- ``MADE``: the cancel that started from C took A: this one (or an earlier call with the same
  checksum and amount) was carried out;
- ``PENDING``: the balance is still C and nothing started from it: not carried out (yet); a
  resend with the same checksum is safe, at most one of them can go through;
- ``OVERTAKEN``: another cancel (a different amount) started from C: this one was not carried
  out, and never will be (the checksum refuses it now);
- ``UNCLEAR``: the history does not add up to ``cancel_amount``, or the balance is below C
  with nothing starting from C: the read cannot tell.

The one blind spot: another party cancelling the *same* amount from the *same* balance at the
same moment looks exactly like this cancel. Only one of the two can be carried out (the
checksum refuses the other), and this call reports it as its own.

:func:`guarded_cancel` sends the cancel and settles it from that verdict; ``payments.py``
only checks the arguments and builds the body (as ``_charge.py`` settles the charges).
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

from iamport_async.endpoints._base import Endpoints, drop_none, path
from iamport_async.endpoints._mutation import Resent, mutation, unknown
from iamport_async.errors import BusinessError, ClientClosedError, IamportError
from iamport_async.models.payment import Payment
from iamport_async.retry import Idempotency

CANCEL = mutation(
    Resent.CHECKSUM,
    "with `checksum`: inside the call, from the payment's `cancel_history` (a cancel of "
    "`amount` that took the balance from `checksum`); without: none",
    "read payments.get(imp_uid): cancel_amount and cancel_history say whether it was "
    "refunded; repeat only with checksum= the balance you saw before the first try",
    settles_itself=True,
)
"""The declaration of ``payments.cancel`` (see ``_mutation``)."""

CANCEL_SAFELY = mutation(
    Resent.CHECKSUM,
    "as `cancel` with `checksum` (the balance read first, or the `checksum` you pass)",
    "repeat with checksum= the balance this call read (in the error's notes)",
    settles_itself=True,
)
"""The declaration of ``payments.cancel_safely``."""

UNGUARDED_NOTE = (
    "This cancel was not retried: without checksum a repeat could refund "
    "twice. Read the payment (payments.get) to see whether it was "
    "cancelled; send checksum= to make a cancel retryable."
)


class Verdict(enum.Enum):
    MADE = "made"
    PENDING = "pending"
    OVERTAKEN = "overtaken"
    UNCLEAR = "unclear"


def verdict(payment: Payment, checksum: Decimal, amount: Decimal | None) -> Verdict:
    """Whether the cancel of ``amount`` (None: the whole balance) from balance ``checksum``
    is in ``payment``'s history (see the module docstring)."""
    wanted = checksum if amount is None else amount
    history = sorted(payment.cancel_history, key=lambda entry: entry.cancelled_at or 0)
    if sum((entry.amount for entry in history), Decimal(0)) != payment.cancel_amount:
        return Verdict.UNCLEAR
    balance = payment.amount  # the balance before each entry, oldest first
    for entry in history:
        if balance == checksum:
            return Verdict.MADE if entry.amount == wanted else Verdict.OVERTAKEN
        balance -= entry.amount
    return Verdict.PENDING if balance == checksum else Verdict.UNCLEAR


async def send_cancel(group: Endpoints, body: dict[str, Any], idempotency: Idempotency) -> Payment:
    """``POST /payments/cancel`` with ``body`` (its None fields left out), once."""
    return await group._call(
        "POST", "/payments/cancel", Payment, json=drop_none(body), idempotency=idempotency
    )


async def unguarded_cancel(group: Endpoints, body: dict[str, Any]) -> Payment:
    """A cancel with no checksum: never resent once it may have reached the server."""
    try:
        return await send_cancel(group, body, Idempotency.UNGUARDED)
    except IamportError as error:
        if not error.outcome_known and not isinstance(error, ClientClosedError):
            error.add_note(UNGUARDED_NOTE)
        raise


async def guarded_cancel(
    group: Endpoints,
    body: dict[str, Any],
    imp_uid: str | None,
    merchant_uid: str | None,
    checksum: Decimal,
    amount: Decimal | None,
) -> Payment:
    """Send the cancel; when its outcome is unknown or it was refused, settle it from the
    payment's ``cancel_history``: made (return the payment), pending (resend, once more),
    overtaken (the refusal stands), or unclear (OutcomeUnknownError)."""
    for resends_left in (1, 0):
        try:
            return await send_cancel(group, body, Idempotency.GUARDED)
        except ClientClosedError:
            raise
        except IamportError as error:
            if error.outcome_known and not isinstance(error, BusinessError):
                raise
            failure = error
        try:
            payment = await _cancelled_payment(group, imp_uid, merchant_uid)
        except ClientClosedError:
            raise
        except IamportError as read_error:
            if failure.outcome_known:
                raise failure from None
            failure.add_note(f"reading the payment back failed: {type(read_error).__name__}")
            raise cancel_unknown(failure, checksum) from failure
        found = verdict(payment, checksum, amount)
        if found is Verdict.MADE:
            return payment
        if found is Verdict.OVERTAKEN:
            failure.add_note(
                "Reading the payment back: another cancel took the balance from the "
                "checksum first; this cancel was not carried out and cannot be any more."
            )
            failure.outcome_known = True
            raise failure
        if failure.outcome_known:  # a refusal, and the cancel is not in the history
            raise failure
        if found is Verdict.UNCLEAR or not resends_left:
            raise cancel_unknown(failure, checksum) from failure
    raise AssertionError("unreachable")  # pragma: no cover


async def _cancelled_payment(
    group: Endpoints, imp_uid: str | None, merchant_uid: str | None
) -> Payment:
    if imp_uid is not None:
        where = path("/payments/{}", imp_uid)
        return await group._call("GET", where, Payment, params={"include_sandbox": "true"})
    assert merchant_uid is not None
    return await group._call("GET", path("/payments/find/{}", merchant_uid), Payment)


def cancel_unknown(error: IamportError, checksum: Decimal) -> IamportError:
    """The outcome-unknown error of a guarded cancel that could not be settled."""
    return unknown(
        "read payments.get(imp_uid): cancel_amount and cancel_history say whether it was "
        f"refunded; repeat only with checksum={checksum}, never a freshly read balance",
        error,
    )
