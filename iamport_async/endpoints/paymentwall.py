"""Paymentwall: register delivery of goods, which Paymentwall requires before it settles."""

from __future__ import annotations

from datetime import datetime

from iamport_async._engine import Answer
from iamport_async.endpoints._base import Endpoints, Read, drop_none, operation
from iamport_async.endpoints._checks import (
    choice,
    nonblank_text,
    optional_nonblank_text,
    require_id,
    unix_seconds,
)
from iamport_async.endpoints._mutation import Resent, mutation
from iamport_async.errors import BusinessError, InvalidInputError
from iamport_async.models._converter import structure
from iamport_async.models.paymentwall import (
    PaymentwallDelivery,
    PaymentwallDeliveryStatus,
    PaymentwallProductType,
    PaymentwallRefundable,
)
from iamport_async.retry import Idempotency

_PATH = "/paymentwall/delivery"
_ADDRESS_FIELDS = ("country", "city", "zip", "state", "street", "phone", "firstname", "lastname")


class Paymentwall(Endpoints):
    """``client.paymentwall``: delivery registration."""

    @operation("POST", "/paymentwall/delivery")
    @mutation(
        Resent.NEVER_SENT,
        "none",
        "check the delivery in Paymentwall's console before registering it again",
    )
    async def register_delivery(
        self,
        *,
        imp_uid: str,
        merchant_uid: str,
        type: PaymentwallProductType | str,
        status: PaymentwallDeliveryStatus | str,
        estimated_delivery_datetime: datetime,
        estimated_update_datetime: datetime,
        refundable: PaymentwallRefundable | str,
        shipping_address_email: str,
        carrier_tracking_id: str | None = None,
        carrier_type: str | None = None,
        reason: str | None = None,
        details: str | None = None,
        shipping_address_country: str | None = None,
        shipping_address_city: str | None = None,
        shipping_address_zip: str | None = None,
        shipping_address_state: str | None = None,
        shipping_address_street: str | None = None,
        shipping_address_phone: str | None = None,
        shipping_address_firstname: str | None = None,
        shipping_address_lastname: str | None = None,
    ) -> PaymentwallDelivery:
        """Register (or update) the delivery of a Paymentwall payment. Without it Paymentwall
        does not settle the payment.

        For ``type="physical"`` the carrier (``carrier_tracking_id``, ``carrier_type``) and
        every ``shipping_address_*`` field are required (``state`` is ``"N/A"`` outside the
        US); for digital goods the two estimates may simply be now. Paymentwall's refusal
        arrives inside a successful envelope (``error_code``, ``error``, ``notices``): it is
        raised as BusinessError, so a returned value means the delivery was registered.

        UNGUARDED: the spec shows no refusal of a repeat, so it is not resent once it may have
        reached the server; calling again by hand with the same status is harmless.
        """
        kind = choice("type", type, PaymentwallProductType)
        address = {
            "country": shipping_address_country,
            "city": shipping_address_city,
            "zip": shipping_address_zip,
            "state": shipping_address_state,
            "street": shipping_address_street,
            "phone": shipping_address_phone,
            "firstname": shipping_address_firstname,
            "lastname": shipping_address_lastname,
        }
        body = {
            "imp_uid": require_id("imp_uid", imp_uid, 40),
            "merchant_uid": require_id("merchant_uid", merchant_uid, 40),
            "type": kind,
            "status": choice("status", status, PaymentwallDeliveryStatus),
            "carrier_tracking_id": optional_nonblank_text(
                "carrier_tracking_id", carrier_tracking_id, max_length=64
            ),
            "carrier_type": optional_nonblank_text("carrier_type", carrier_type, max_length=64),
            "estimated_delivery_datetime": unix_seconds(
                "estimated_delivery_datetime", estimated_delivery_datetime
            ),
            "estimated_update_datetime": unix_seconds(
                "estimated_update_datetime", estimated_update_datetime
            ),
            "reason": optional_nonblank_text("reason", reason, max_length=64),
            "refundable": choice("refundable", refundable, PaymentwallRefundable),
            "details": optional_nonblank_text("details", details, max_length=400),
            "shipping_address_email": nonblank_text(
                "shipping_address_email", shipping_address_email, max_length=50
            ),
        }
        for part in _ADDRESS_FIELDS:
            field = f"shipping_address_{part}"
            body[field] = optional_nonblank_text(field, address[part], max_length=40)
        if kind == PaymentwallProductType.PHYSICAL:
            address_fields = (f"shipping_address_{part}" for part in _ADDRESS_FIELDS)
            for field in ("carrier_tracking_id", "carrier_type", *address_fields):
                if body[field] is None:
                    raise InvalidInputError(field, "is required for physical goods")
        http_status, delivery = await self._call(
            "POST", _PATH, Read(_delivery), json=drop_none(body), idempotency=Idempotency.UNGUARDED
        )
        if not delivery.ok:
            notices = "; ".join(delivery.notices)
            raise BusinessError(
                status=http_status,
                code=delivery.error_code,
                message=f"{delivery.error or 'refused'}{f' ({notices})' if notices else ''}",
                body="",  # the request's address is never echoed into an error
                method="POST",
                path=_PATH,
            )
        return delivery


def _delivery(answer: Answer, method: str, path: str) -> tuple[int, PaymentwallDelivery]:
    """The delivery the API registered, with the answer's status (a refusal inside a success
    envelope is raised with it)."""
    delivery: PaymentwallDelivery = structure(
        answer.payload or {}, PaymentwallDelivery, status=answer.status, method=method, path=path
    )
    return answer.status, delivery
