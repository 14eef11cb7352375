"""Naver Pay: product orders, reviews, cash-receipt amounts, and the codes requests use.

Naver Pay comes in two kinds. *Order type* (주문형, PG code ``naverco``) has product orders,
each with its own ``product_order_id`` and life cycle (place, ship, cancel, return,
exchange). *Payment type* (결제형, ``naverpay``) is a plain payment with points and a
cash-receipt amount.
"""

from __future__ import annotations

import enum

import attrs

from iamport_async.models._converter import Model, Money, Timestamp

_ZERO = Money(0)


class NaverProductOrderStatus(enum.StrEnum):
    """Where a product order is in its life cycle (Naver's codes)."""

    PAYMENT_WAITING = "PAYMENT_WAITING"
    PAYED = "PAYED"
    DELIVERING = "DELIVERING"
    DELIVERED = "DELIVERED"
    PURCHASE_DECIDED = "PURCHASE_DECIDED"
    EXCHANGED = "EXCHANGED"
    CANCELED = "CANCELED"
    RETURNED = "RETURNED"
    CANCELED_BY_NOPAYMENT = "CANCELED_BY_NOPAYMENT"


class NaverCancelReason(enum.StrEnum):
    """Why the merchant refunds (``cancel``); the API applies PRODUCT_UNSATISFIED to others."""

    SOLD_OUT = "SOLD_OUT"
    DELAYED_DELIVERY = "DELAYED_DELIVERY"
    PRODUCT_UNSATISFIED = "PRODUCT_UNSATISFIED"
    INTENT_CHANGED = "INTENT_CHANGED"
    COLOR_AND_SIZE = "COLOR_AND_SIZE"
    WRONG_ORDER = "WRONG_ORDER"
    INCORRECT_INFO = "INCORRECT_INFO"


class NaverReturnReason(enum.StrEnum):
    """Why a return is requested (``request_return``)."""

    INTENT_CHANGED = "INTENT_CHANGED"
    COLOR_AND_SIZE = "COLOR_AND_SIZE"
    WRONG_ORDER = "WRONG_ORDER"
    PRODUCT_UNSATISFIED = "PRODUCT_UNSATISFIED"
    DELAYED_DELIVERY = "DELAYED_DELIVERY"
    SOLD_OUT = "SOLD_OUT"
    DROPPED_DELIVERY = "DROPPED_DELIVERY"
    BROKEN = "BROKEN"
    INCORRECT_INFO = "INCORRECT_INFO"
    WRONG_DELIVERY = "WRONG_DELIVERY"
    WRONG_OPTION = "WRONG_OPTION"


class NaverWithholdReason(enum.StrEnum):
    """Why a return is held back (``withhold_return``)."""

    RETURN_DELIVERYFEE = "RETURN_DELIVERYFEE"
    EXTRAFEEE = "EXTRAFEEE"  # sic: the API's spelling
    RETURN_DELIVERYFEE_AND_EXTRAFEEE = "RETURN_DELIVERYFEE_AND_EXTRAFEEE"
    RETURN_PRODUCT_NOT_DELIVERED = "RETURN_PRODUCT_NOT_DELIVERED"
    ETC = "ETC"


class NaverDeliveryMethod(enum.StrEnum):
    """How goods are sent (``ship``, ``ship_exchanged``)."""

    DELIVERY = "DELIVERY"
    """Parcel, registered mail: ``delivery_company`` and ``tracking_number`` are required."""
    GDFW_ISSUE_SVC = "GDFW_ISSUE_SVC"
    VISIT_RECEIPT = "VISIT_RECEIPT"
    DIRECT_DELIVERY = "DIRECT_DELIVERY"
    QUICK_SVC = "QUICK_SVC"
    NOTHING = "NOTHING"


class NaverReturnDeliveryMethod(enum.StrEnum):
    """How returned goods come back (``request_return``)."""

    RETURN_DESIGNATED = "RETURN_DESIGNATED"
    RETURN_DELIVERY = "RETURN_DELIVERY"
    """By parcel: ``delivery_company`` and ``tracking_number`` are required."""
    RETURN_INDIVIDUAL = "RETURN_INDIVIDUAL"


class NaverDeliveryCompany(enum.StrEnum):
    """Carrier codes the spec lists. Requests also accept other strings: Naver adds carriers."""

    CJGLS = "CJGLS"
    KGB = "KGB"
    DONGBU = "DONGBU"
    EPOST = "EPOST"
    REGISTPOST = "REGISTPOST"
    HANJIN = "HANJIN"
    HYUNDAI = "HYUNDAI"
    KGBLS = "KGBLS"
    INNOGIS = "INNOGIS"
    DAESIN = "DAESIN"
    ILYANG = "ILYANG"
    KDEXP = "KDEXP"
    CHUNIL = "CHUNIL"
    CH1 = "CH1"
    HDEXP = "HDEXP"
    CVSNET = "CVSNET"
    DHL = "DHL"
    FEDEX = "FEDEX"
    GSMNTON = "GSMNTON"
    WARPEX = "WARPEX"
    WIZWA = "WIZWA"
    EMS = "EMS"
    DHLDE = "DHLDE"
    ACIEXPRESS = "ACIEXPRESS"
    EZUSA = "EZUSA"
    PANTOS = "PANTOS"
    UPS = "UPS"
    HLCGLOBAL = "HLCGLOBAL"
    KOREXG = "KOREXG"
    TNT = "TNT"
    SWGEXP = "SWGEXP"
    DAEWOON = "DAEWOON"
    USPS = "USPS"
    IPARCEL = "IPARCEL"
    KUNYOUNG = "KUNYOUNG"
    HPL = "HPL"
    DADREAM = "DADREAM"
    SLX = "SLX"
    SFEXPRESS = "SFEXPRESS"
    HONAM = "HONAM"


class NaverReviewType(enum.StrEnum):
    GENERAL = "general"
    PREMIUM = "premium"


class NaverRequester(enum.StrEnum):
    """Who confirms a purchase (``confirm``); the API's default is ``admin``."""

    ADMIN = "admin"
    CUSTOMER = "customer"


@attrs.frozen
class NaverOrderer(Model):
    """The buyer of a product order (``NaverOrderer``); ``id`` is masked by Naver. Personal
    data stays out of ``repr``."""

    name: str | None = attrs.field(default=None, repr=False)
    id: str | None = None
    tel: str | None = attrs.field(default=None, repr=False)


@attrs.frozen
class NaverAddress(Model):
    """Where a product order ships to (``NaverAddress``); personal data stays out of ``repr``."""

    base: str | None = attrs.field(default=None, repr=False)
    detail: str | None = attrs.field(default=None, repr=False)
    postcode: str | None = None
    tel1: str | None = attrs.field(default=None, repr=False)
    tel2: str | None = attrs.field(default=None, repr=False)
    name: str | None = attrs.field(default=None, repr=False)


@attrs.frozen
class NaverProductOrder(Model):
    """One product order of an order-type Naver Pay payment (``NaverProductOrderAnnotation``)."""

    product_order_id: str
    product_order_status: NaverProductOrderStatus | str | None = None
    claim_type: str | None = None
    """CANCEL, RETURN, EXCHANGE, ... when a claim is open on this product order."""
    claim_status: str | None = None
    product_id: str | None = None
    product_name: str | None = None
    product_option_id: str | None = None
    product_option_name: str | None = None
    product_amount: Money | None = None
    delivery_amount: Money | None = None
    quantity: int | None = None
    orderer: NaverOrderer | None = None
    shipping_address: NaverAddress | None = None
    shipping_memo: str | None = None
    shipping_due: Timestamp = None
    individual_code: str | None = attrs.field(default=None, repr=False)
    """The buyer's personal customs code: personal data, left out of ``repr``."""


@attrs.frozen
class NaverReview(Model):
    """A buyer's review (``NaverReviewAnnotation``).

    ``score`` is a string of Naver's codes: general reviews 0 (unsatisfied), 1, 2 (satisfied);
    premium reviews 10 (not recommended) to 13 (highly recommended).
    """

    review_id: str
    score: str | None = None
    title: str | None = None
    content: str | None = None
    product_order_id: str | None = None
    product_id: str | None = None
    product_name: str | None = None
    product_option_name: str | None = None
    writer: str | None = None
    created_at: Timestamp = None
    modified_at: Timestamp = None


@attrs.frozen
class NaverCashAmount(Model):
    """How much of a payment-type Naver Pay payment a cash receipt may cover."""

    amount_total: Money
    amount_by_npoint: Money = _ZERO
    amount_by_primary: Money = _ZERO
    amount_supply: Money = _ZERO
    amount_vat: Money = _ZERO


@attrs.frozen
class NaverOrderActionResult:
    """What a multi-order action (cancel, ship, place, return, ...) did, per product order.

    The API acts on each product order separately and answers 200 (all done), 207 (some
    done: the body lists the product orders that were) or 500 (none done).

    - ``requested``: the ``product_order_id`` s sent, or None when the action was asked for
      every product order of the payment.
    - ``succeeded``: the product orders the API reports done, in their new state.
    - ``failed``: the requested ids the API did not report done. None when it cannot be
      known: no ids were sent, so the client does not know the full set (read it with
      ``product_orders(imp_uid)``).
    - ``message``: the API's message when nothing was done.
    """

    requested: tuple[str, ...] | None
    succeeded: tuple[NaverProductOrder, ...]
    failed: tuple[str, ...] | None
    all_failed: bool = False
    message: str | None = None

    @property
    def all_succeeded(self) -> bool | None:
        """True if every product order was done, False if any was not, None if unknown."""
        if self.all_failed or self.failed:
            return False
        if self.failed is None:
            return None
        return True

    @property
    def succeeded_ids(self) -> tuple[str, ...]:
        return tuple(order.product_order_id for order in self.succeeded)
