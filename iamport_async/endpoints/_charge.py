"""Charges that move money at most once, settled by a lookup when their fate is unknown.

A charge is sent ``UNGUARDED``: never resent once it may have reached the server. If it then
fails in a way the server may have acted on, the payment is looked up by its
``merchant_uid``: one the server settled (paid, failed or cancelled) is returned; otherwise
the charge's own error is raised, with a note saying what the lookup found.

Sound only where the ``merchant_uid`` names exactly the payment this call makes. Not for a
virtual account or a convenience-store barcode: several unpaid ones may share a merchant_uid
(reference §8), so a lookup cannot tell this call's from an earlier one's.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from iamport_async._transport import Idempotency, Transport
from iamport_async.endpoints._base import path
from iamport_async.errors import (
    ConnectionLost,
    IamportError,
    RequestTimeout,
    ResponseValidationError,
    ServerError,
)
from iamport_async.models._converter import structure
from iamport_async.models.payment import Payment, PaymentStatus

_AMBIGUOUS = (RequestTimeout, ConnectionLost, ServerError, ResponseValidationError)


def is_ambiguous(error: IamportError, refusals: Collection[int] = ()) -> bool:
    """Whether the server may have acted on a request that ended in ``error``: no answer in
    time, a dropped connection, a 5xx, a 2xx that cannot be read (no envelope, or a payment
    that does not fit the model), or any error after such a failure.

    ``refusals`` are 5xx statuses the endpoint documents as its refusal: with the API's
    envelope (a ``code``) they are an answer, not an unknown.
    """
    if error.after_ambiguous_failure:
        return True
    if isinstance(error, ServerError) and error.status in refusals and error.code is not None:
        return False
    return isinstance(
        error, RequestTimeout | ConnectionLost | ServerError | ResponseValidationError
    )


async def charge_once(
    transport: Transport,
    endpoint: str,
    body: Mapping[str, Any],
    merchant_uid: str,
    *,
    refusals: Collection[int] = (),
) -> Payment:
    """POST the charge ``body`` to ``endpoint`` once; after an ambiguous failure, the payment
    the server made for ``merchant_uid``, else the original error (with a note)."""
    try:
        answer = await transport.answer(
            "POST", endpoint, json=body, idempotency=Idempotency.UNGUARDED
        )
        payment: Payment = structure(
            answer.payload, Payment, status=answer.status, method="POST", path=endpoint
        )
    except IamportError as error:
        if not is_ambiguous(error, refusals):
            raise
        made = await _settled_payment(transport, merchant_uid, error)
        if made is None:
            raise
        return made
    return payment


async def _settled_payment(
    transport: Transport, merchant_uid: str, original: IamportError
) -> Payment | None:
    """The payment the server settled for ``merchant_uid``, or None (noted on ``original``)."""
    lookup = path("/payments/find/{}", merchant_uid)
    try:
        answer = await transport.answer("GET", lookup, idempotency=Idempotency.READ)
        payment: Payment = structure(
            answer.payload, Payment, status=answer.status, method="GET", path=lookup
        )
    except Exception as error:  # whatever the lookup met, the charge's own error is the answer
        original.add_note(
            "not resent. Looking the payment up by merchant_uid gave "
            f"{type(error).__name__}: it may not exist, or may still be in flight; look it "
            "up again before charging again"
        )
        return None
    if payment.status == PaymentStatus.READY:
        original.add_note(
            "not resent. The payment found by merchant_uid is still 'ready': the charge may "
            "still be in flight; look it up again before charging again"
        )
        return None
    return payment
