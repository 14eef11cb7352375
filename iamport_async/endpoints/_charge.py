"""Charges that move money at most once, settled by a read when their outcome is unknown.

A charge is sent ``UNGUARDED``: never resent once it may have reached the server. If its
outcome is then unknown (``outcome_known`` False), the payments with its ``merchant_uid`` are
read back, and one is taken as this call's outcome only if

- it started at or after the moment the call began, on the *server's* clock (learnt from the
  token answer), less :data:`SKEW_MARGIN` for rounding and for clocks between API hosts;
- its amount is the charge's amount, and its status is settled (paid, failed, cancelled);
- it is the only such payment, and not one this client already saw as a charge's result.

An older payment with the same ``merchant_uid`` (an earlier, failed attempt of the same order)
is therefore never returned as this call's outcome. When no payment qualifies, the caller gets
:class:`OutcomeUnknownError` saying what to check: the charge may still be in flight.

A charge of an existing payment (KCP Quick money: the PIN check made it, ``imp_uid`` given)
is read back by that ``imp_uid`` instead: settled with the charge's amount, it is the outcome.

Not for a virtual account or a convenience-store barcode: several unpaid ones may share a
merchant_uid (the spec), and they stay ``ready``.
"""

from __future__ import annotations

import collections
import weakref
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

from iamport_async.endpoints._base import Endpoints, path
from iamport_async.endpoints._mutation import (
    Resent,
    closed_while_settling,
    is_refusal,
    mutation,
    unknown,
)
from iamport_async.errors import (
    ClientClosedError,
    IamportError,
    NotFoundError,
)
from iamport_async.models.page import Page
from iamport_async.models.payment import Payment, PaymentStatus
from iamport_async.retry import Idempotency

SKEW_MARGIN = 2.0
"""Seconds a payment may appear to have started before the call did, on the server's clock:
``started_at`` is whole seconds, and API hosts' clocks may differ a little."""

CHECK = (
    "look the payment up by merchant_uid (payments.find_all) and by webhook; the charge may "
    "still complete. Charge again only with a new merchant_uid"
)

CHARGE = mutation(
    Resent.NEVER_SENT,
    "inside the call: the one settled payment for `merchant_uid` with this amount that started "
    "after the call began (server time); an older one never counts",
    CHECK,
    settles_itself=True,
)
"""The declaration every charge endpoint carries (see ``_mutation``)."""

_SEEN_LIMIT = 1024
_seen: weakref.WeakKeyDictionary[object, collections.OrderedDict[str, set[str]]] = (
    weakref.WeakKeyDictionary()
)
"""Per client (``Endpoints._scope``), the imp_uids charges returned for each merchant_uid (the
last few hundred): an immediate repeat of a charge that came back failed must not take that
payment as its own."""


async def charge_once(
    group: Endpoints,
    endpoint: str,
    body: Mapping[str, Any],
    merchant_uid: str,
    *,
    refusals: Collection[int] = (),
    imp_uid: str | None = None,
) -> Payment:
    """POST the charge ``body`` to ``endpoint`` once; when its outcome is unknown, the payment
    this call made (see the module docstring), else OutcomeUnknownError."""
    began = group._clock.monotonic()
    try:  # an answer that cannot be read leaves the outcome unknown (UNGUARDED: a 2xx)
        payment = await group._call(
            "POST", endpoint, Payment, json=body, idempotency=Idempotency.UNGUARDED
        )
    except ClientClosedError:
        raise
    except IamportError as error:
        if error.outcome_known:
            raise
        if is_refusal(error, refusals):
            error.outcome_known = True
            raise
        amount = Decimal(str(body["amount"]))
        try:
            if imp_uid is not None:
                made = await _charged(group, imp_uid, amount, error)
            else:
                made = await _started_by_this_call(group, merchant_uid, amount, began, error)
        except ClientClosedError as closed:
            raise closed_while_settling(closed, error, CHECK) from error
        except IamportError as read_error:
            error.add_note(f"reading the payment back failed: {type(read_error).__name__}")
            made = None
        if made is None:
            raise unknown(CHECK, error) from error
        payment = made
    _remember(group._scope, payment)
    return payment


async def _charged(
    group: Endpoints, imp_uid: str, amount: Decimal, error: IamportError
) -> Payment | None:
    """The payment ``imp_uid`` if it is settled with ``amount``, else None (noted)."""
    payment = await group._call("GET", path("/payments/{}", imp_uid), Payment)
    if payment.status != PaymentStatus.READY and payment.amount == amount:
        return payment
    error.add_note(f"the payment is {payment.status}, amount {payment.amount}: not settled")
    return None


async def _started_by_this_call(
    group: Endpoints, merchant_uid: str, amount: Decimal, began: float, error: IamportError
) -> Payment | None:
    """The one settled payment for ``merchant_uid`` of ``amount`` that started after
    ``began`` on the server's clock, else None (with a note on ``error`` saying why)."""
    start = group._server_time(began)
    if start is None:
        error.add_note("the server's time is not known, so no payment can be told to be this one")
        return None
    where = path("/payments/findAll/{}", merchant_uid)
    try:
        page = await group._call("GET", where, Page[Payment], params={"sorting": "-started"})
    except NotFoundError:
        error.add_note("no payment with this merchant_uid: the charge may still be in flight")
        return None
    memory = _seen.get(group._scope)
    seen = memory.get(merchant_uid, set()) if memory is not None else set()
    floor = int(start) - SKEW_MARGIN
    fresh = [
        p
        for p in page.list
        if p.started_at is not None
        and p.started_at.timestamp() >= floor
        and p.amount == amount
        and p.imp_uid not in seen
    ]
    if len(fresh) != 1:
        older = len(page.list) - len(fresh)
        error.add_note(
            f"{len(fresh)} payment(s) for this merchant_uid started during this call with "
            f"this amount ({older} other(s) ignored as older or not this charge's)"
        )
        return None
    if fresh[0].status == PaymentStatus.READY:
        error.add_note("the payment this call started is still 'ready': it may be in flight")
        return None
    return fresh[0]


def _remember(scope: object, payment: Payment) -> None:
    memory = _seen.setdefault(scope, collections.OrderedDict())
    memory.setdefault(payment.merchant_uid, set()).add(payment.imp_uid)
    memory.move_to_end(payment.merchant_uid)
    while len(memory) > _SEEN_LIMIT:
        memory.popitem(last=False)
