"""Naver Pay: product-order actions and lookups (order type), points, purchase confirmation
and cash-receipt amounts (payment type).

The multi-order actions (cancel, ship, place, returns, exchanges) act on each product order
separately and answer 200, 207 or 500: they return a :class:`NaverOrderActionResult` saying,
per product order, what was done, and never raise for a partial or total refusal that the
API reports in its envelope.
"""

from __future__ import annotations

import builtins
import enum
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from iamport_async._engine import Answer
from iamport_async.endpoints._base import Endpoints, Read, drop_none, operation, path
from iamport_async.endpoints._checks import (
    choice,
    nonblank_text,
    optional_choice,
    optional_nonblank_text,
    optional_whole_amount,
    require_id,
    unix_seconds,
)
from iamport_async.endpoints._mutation import Resent, mutation
from iamport_async.errors import InvalidInputError, ServerError
from iamport_async.models._converter import structure
from iamport_async.models.naverpay import (
    NaverCancelReason,
    NaverCashAmount,
    NaverDeliveryCompany,
    NaverDeliveryMethod,
    NaverOrderActionResult,
    NaverProductOrder,
    NaverRequester,
    NaverReturnDeliveryMethod,
    NaverReturnReason,
    NaverReview,
    NaverReviewType,
    NaverWithholdReason,
)
from iamport_async.retry import Idempotency

_ALL_FAILED_STATUS = 500

_CHECK = "read naverpay.product_orders(imp_uid): each order's status says whether it happened"
_ORDER_ACTION = mutation(Resent.NEVER_SENT, "none", _CHECK)
"""What every Naver Pay order action declares (see ``_mutation``): no guard, checked by reading."""
_REFUSED_WITH_500 = mutation(Resent.NEVER_SENT, "none", _CHECK, refusals=(500,))
"""The same, for the payment-type actions, whose refusals come back as HTTP 500."""


def _product_orders(answer: Answer, method: str, path: str) -> list[NaverProductOrder]:
    """The product orders an action answers with (none: ``null``)."""
    orders: list[NaverProductOrder] = structure(
        answer.payload or [],
        builtins.list[NaverProductOrder],
        status=answer.status,
        method=method,
        path=path,
    )
    return orders


def _product_order_ids(value: Sequence[str] | None) -> tuple[str, ...] | None:
    """The ids to act on, deduplicated in order; None means every product order."""
    if value is None:
        return None
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise InvalidInputError("product_order_id", "must be a list of ids (not one string)")
    if not value:
        raise InvalidInputError(
            "product_order_id", "must not be empty; leave it out to act on every product order"
        )
    ids = [require_id("product_order_id", item) for item in value]
    return tuple(dict.fromkeys(ids))


def _carrier(value: NaverDeliveryCompany | str | None) -> str | None:
    if value is None or isinstance(value, NaverDeliveryCompany):
        return None if value is None else str(value.value)
    return nonblank_text(
        "delivery_company", value
    )  # carriers not in the spec's list are let through


class NaverPay(Endpoints):
    """``client.naverpay``: Naver Pay order actions and lookups."""

    # -- multi-order actions ------------------------------------------------------------

    async def _act(
        self,
        action: str,
        imp_uid: str,
        product_order_id: Sequence[str] | None,
        fields: dict[str, Any],
    ) -> NaverOrderActionResult:
        """Check ``imp_uid`` and the ids, send one multi-order action, and sort its answer per
        product order.

        A 500 whose body is the API's JSON envelope is the documented "no product order was
        done": the answer, not an error. A 500 without an envelope (a proxy's page) says
        nothing about the orders and is raised as ServerError: read them back with
        ``product_orders(imp_uid)`` before trying again.
        """
        ids = _product_order_ids(product_order_id)
        url = path(f"/payments/{{}}/naver/{action}", require_id("imp_uid", imp_uid))
        body = drop_none({"product_order_id": None if ids is None else list(ids), **fields})
        try:
            orders = await self._call(
                "POST", url, Read(_product_orders), json=body, idempotency=Idempotency.UNGUARDED
            )
        except ServerError as error:
            if error.status != _ALL_FAILED_STATUS or error.code is None:
                raise
            return NaverOrderActionResult(
                requested=ids, succeeded=(), failed=ids, all_failed=True, message=error.message
            )
        if ids is None:
            return NaverOrderActionResult(requested=None, succeeded=tuple(orders), failed=None)
        done = {order.product_order_id for order in orders}
        failed = tuple(i for i in ids if i not in done)
        return NaverOrderActionResult(
            requested=ids,
            succeeded=tuple(orders),
            failed=failed,
            all_failed=len(failed) == len(ids),
        )

    @operation("POST", "/payments/{imp_uid}/naver/cancel")
    @_ORDER_ACTION
    async def cancel(
        self,
        imp_uid: str,
        *,
        product_order_id: Sequence[str] | None = None,
        reason: NaverCancelReason | str | None = None,
    ) -> NaverOrderActionResult:
        """Refund product orders (all of the payment's when ``product_order_id`` is left out).

        UNGUARDED: a refund moves money and the spec shows no guard against a repeat, so it is
        never resent once it may have reached the server.
        """
        fields = {"reason": optional_choice("reason", reason, NaverCancelReason)}
        return await self._act("cancel", imp_uid, product_order_id, fields)

    @operation("POST", "/payments/{imp_uid}/naver/approve-cancel")
    @_ORDER_ACTION
    async def approve_cancel(
        self, imp_uid: str, *, product_order_id: Sequence[str] | None = None
    ) -> NaverOrderActionResult:
        """Approve the buyer's cancellation requests (a refund).

        UNGUARDED: it moves money and the spec shows no guard against a repeat.
        """
        return await self._act("approve-cancel", imp_uid, product_order_id, {})

    @operation("POST", "/payments/{imp_uid}/naver/ship")
    @_ORDER_ACTION
    async def ship(
        self,
        imp_uid: str,
        *,
        delivery_method: NaverDeliveryMethod | str,
        dispatched_at: datetime,
        product_order_id: Sequence[str] | None = None,
        delivery_company: NaverDeliveryCompany | str | None = None,
        tracking_number: str | None = None,
    ) -> NaverOrderActionResult:
        """Mark product orders as shipped. ``delivery_company`` and ``tracking_number`` are
        required when ``delivery_method`` is ``DELIVERY``.

        UNGUARDED: the spec shows no guard against a repeat.
        """
        fields = _shipping(delivery_method, delivery_company, tracking_number, "DELIVERY")
        fields["dispatched_at"] = unix_seconds("dispatched_at", dispatched_at)
        return await self._act("ship", imp_uid, product_order_id, fields)

    @operation("POST", "/payments/{imp_uid}/naver/ship-exchanged")
    @_ORDER_ACTION
    async def ship_exchanged(
        self,
        imp_uid: str,
        *,
        delivery_method: NaverDeliveryMethod | str,
        product_order_id: Sequence[str] | None = None,
        delivery_company: NaverDeliveryCompany | str | None = None,
        tracking_number: str | None = None,
    ) -> NaverOrderActionResult:
        """Send the replacement goods of an approved exchange.

        UNGUARDED: the spec shows no guard against a repeat.
        """
        fields = _shipping(delivery_method, delivery_company, tracking_number, "DELIVERY")
        return await self._act("ship-exchanged", imp_uid, product_order_id, fields)

    @operation("POST", "/payments/{imp_uid}/naver/collect-exchanged")
    @_ORDER_ACTION
    async def collect_exchanged(
        self, imp_uid: str, *, product_order_id: Sequence[str] | None = None
    ) -> NaverOrderActionResult:
        """Mark the goods of an approved exchange as collected from the buyer.

        UNGUARDED: the spec shows no guard against a repeat.
        """
        return await self._act("collect-exchanged", imp_uid, product_order_id, {})

    @operation("POST", "/payments/{imp_uid}/naver/place")
    @_ORDER_ACTION
    async def place(
        self, imp_uid: str, *, product_order_id: Sequence[str] | None = None
    ) -> NaverOrderActionResult:
        """Confirm product orders for dispatch (발주처리).

        UNGUARDED: the spec shows no guard against a repeat.
        """
        return await self._act("place", imp_uid, product_order_id, {})

    @operation("POST", "/payments/{imp_uid}/naver/request-return")
    @_ORDER_ACTION
    async def request_return(
        self,
        imp_uid: str,
        *,
        delivery_method: NaverReturnDeliveryMethod | str,
        product_order_id: Sequence[str] | None = None,
        reason: NaverReturnReason | str | None = None,
        delivery_company: NaverDeliveryCompany | str | None = None,
        tracking_number: str | None = None,
    ) -> NaverOrderActionResult:
        """Request a return on the buyer's behalf. ``delivery_company`` and
        ``tracking_number`` are required when ``delivery_method`` is ``RETURN_DELIVERY``.

        UNGUARDED: the spec shows no guard against a repeat.
        """
        fields = _shipping(delivery_method, delivery_company, tracking_number, "RETURN_DELIVERY")
        fields["reason"] = optional_choice("reason", reason, NaverReturnReason)
        return await self._act("request-return", imp_uid, product_order_id, fields)

    @operation("POST", "/payments/{imp_uid}/naver/approve-return")
    @_ORDER_ACTION
    async def approve_return(
        self,
        imp_uid: str,
        *,
        product_order_id: Sequence[str] | None = None,
        memo: str | None = None,
    ) -> NaverOrderActionResult:
        """Approve returns (the buyer is refunded); ``memo`` is shown to the buyer.

        UNGUARDED: it moves money and the spec shows no guard against a repeat.
        """
        fields = {"memo": optional_nonblank_text("memo", memo)}
        return await self._act("approve-return", imp_uid, product_order_id, fields)

    @operation("POST", "/payments/{imp_uid}/naver/reject-return")
    @_ORDER_ACTION
    async def reject_return(
        self, imp_uid: str, *, memo: str, product_order_id: Sequence[str] | None = None
    ) -> NaverOrderActionResult:
        """Reject returns; ``memo`` (required) tells the buyer why.

        UNGUARDED: the spec shows no guard against a repeat.
        """
        fields = {"memo": nonblank_text("memo", memo)}
        return await self._act("reject-return", imp_uid, product_order_id, fields)

    @operation("POST", "/payments/{imp_uid}/naver/withhold-return")
    @_ORDER_ACTION
    async def withhold_return(
        self,
        imp_uid: str,
        *,
        memo: str,
        product_order_id: Sequence[str] | None = None,
        reason: NaverWithholdReason | str | None = None,
        extra_charge: int | Decimal | None = None,
    ) -> NaverOrderActionResult:
        """Hold returns back (e.g. until the buyer pays the return shipping, ``extra_charge``).

        UNGUARDED: the spec shows no guard against a repeat.
        """
        fields = {
            "memo": nonblank_text("memo", memo),
            "reason": optional_choice("reason", reason, NaverWithholdReason),
            "extra_charge": optional_whole_amount("extra_charge", extra_charge),
        }
        return await self._act("withhold-return", imp_uid, product_order_id, fields)

    @operation("POST", "/payments/{imp_uid}/naver/resolve-return")
    @_ORDER_ACTION
    async def resolve_return(
        self, imp_uid: str, *, product_order_id: Sequence[str] | None = None
    ) -> NaverOrderActionResult:
        """Release returns that were held back.

        UNGUARDED: the spec shows no guard against a repeat.
        """
        return await self._act("resolve-return", imp_uid, product_order_id, {})

    # -- payment type ---------------------------------------------------------------------

    @operation("POST", "/payments/{imp_uid}/naver/point")
    @_REFUSED_WITH_500
    async def deposit_point(self, imp_uid: str) -> None:
        """Credit the buyer's Naver Pay points for a payment-type payment.

        UNGUARDED: points are value, and the spec shows no guard against a repeat. A refusal
        comes back as HTTP 500 with the reason in ``ServerError.message``.
        """
        url = path("/payments/{}/naver/point", require_id("imp_uid", imp_uid))
        await self._call("POST", url, Answer, idempotency=Idempotency.UNGUARDED)

    @operation("POST", "/payments/{imp_uid}/naver/confirm")
    @_REFUSED_WITH_500
    async def confirm(self, imp_uid: str, *, requester: NaverRequester | str | None = None) -> None:
        """Confirm the purchase of an escrow payment-type payment (구매확정).

        UNGUARDED: the spec shows no guard against a repeat. A refusal comes back as HTTP 500
        with the reason in ``ServerError.message``.
        """
        url = path("/payments/{}/naver/confirm", require_id("imp_uid", imp_uid))
        body = drop_none({"requester": optional_choice("requester", requester, NaverRequester)})
        await self._call("POST", url, Answer, json=body, idempotency=Idempotency.UNGUARDED)

    @operation("GET", "/payments/{imp_uid}/naver/cash-amount")
    async def cash_amount(self, imp_uid: str) -> NaverCashAmount:
        """How much of a payment-type payment a cash receipt may cover."""
        url = path("/payments/{}/naver/cash-amount", require_id("imp_uid", imp_uid))
        return await self._call("GET", url, NaverCashAmount)

    # -- lookups ----------------------------------------------------------------------------

    @operation("GET", "/payments/{imp_uid}/naver/product-orders")
    async def product_orders(self, imp_uid: str) -> list[NaverProductOrder]:
        """Every product order of an order-type payment."""
        url = path("/payments/{}/naver/product-orders", require_id("imp_uid", imp_uid))
        return await self._call("GET", url, builtins.list[NaverProductOrder])

    @operation("GET", "/naver/product-orders/{product_order_id}")
    async def product_order(self, product_order_id: str) -> NaverProductOrder:
        """One product order by its Naver id."""
        url = path("/naver/product-orders/{}", require_id("product_order_id", product_order_id))
        return await self._call("GET", url, NaverProductOrder)

    @operation("GET", "/naver/reviews")
    async def reviews(
        self,
        *,
        channel_key: str,
        from_: datetime,
        to: datetime,
        review_type: NaverReviewType | str,
    ) -> list[NaverReview]:
        """Buyers' reviews written between ``from_`` and ``to`` (the API's ``from``/``to``).

        ``channel_key`` picks the order-type Naver Pay channel. The spec lists it as a form
        field of this GET; a GET has no body, so it is sent in the query with the others.
        """
        start = unix_seconds("from", from_)
        end = unix_seconds("to", to)
        if end < start:
            raise InvalidInputError("to", "must not be before from")
        params: dict[str, str | int] = {
            "channel_key": nonblank_text("channel_key", channel_key),
            "from": start,
            "to": end,
            "review_type": choice("review_type", review_type, NaverReviewType),
        }
        return await self._call("GET", "/naver/reviews", builtins.list[NaverReview], params=params)


def _shipping(
    delivery_method: object,
    delivery_company: NaverDeliveryCompany | str | None,
    tracking_number: str | None,
    parcel_method: str,
) -> dict[str, Any]:
    """The shipping fields; carrier and tracking number are required for a parcel."""
    codes: type[enum.StrEnum] = (
        NaverDeliveryMethod if parcel_method == "DELIVERY" else NaverReturnDeliveryMethod
    )
    method = choice("delivery_method", delivery_method, codes)
    company = _carrier(delivery_company)
    number = optional_nonblank_text("tracking_number", tracking_number)
    if method == parcel_method:
        if company is None:
            raise InvalidInputError(
                "delivery_company", f"is required when delivery_method is {method}"
            )
        if number is None:
            raise InvalidInputError(
                "tracking_number", f"is required when delivery_method is {method}"
            )
    return {"delivery_method": method, "delivery_company": company, "tracking_number": number}
