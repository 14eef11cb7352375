"""Did this guarded cancel happen? Read from the payment's ``cancel_history``.

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
"""

from __future__ import annotations

import enum
from decimal import Decimal

from iamport_async.models.payment import Payment


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
