"""Naver Pay: product orders, reviews, cash-receipt amounts, and the codes requests use.

Naver Pay comes in two kinds. *Order type* (주문형, PG code ``naverco``) has product orders,
each with its own ``product_order_id`` and life cycle (place, ship, cancel, return,
exchange). *Payment type* (결제형, ``naverpay``) is a plain payment with points and a
cash-receipt amount.
"""

from __future__ import annotations

import enum

import attrs

from iamport_async.models._types import NOTHING_DECIDES, Deciding, Model, Money, Timestamp

_ZERO = Money(0)


class NaverProductOrderStatus(enum.StrEnum):
    """Where a product order is in its life cycle (Naver's codes)."""

    PAYMENT_WAITING = "PAYMENT_WAITING"
    """Waiting for the deposit."""
    PAYED = "PAYED"
    """Paid (Naver's spelling)."""
    DELIVERING = "DELIVERING"
    """Being delivered."""
    DELIVERED = "DELIVERED"
    """Delivered."""
    PURCHASE_DECIDED = "PURCHASE_DECIDED"
    """The buyer confirmed the purchase."""
    EXCHANGED = "EXCHANGED"
    """Exchanged."""
    CANCELED = "CANCELED"
    """Cancelled."""
    RETURNED = "RETURNED"
    """Returned."""
    CANCELED_BY_NOPAYMENT = "CANCELED_BY_NOPAYMENT"
    """Cancelled because the deposit never came."""


class NaverCancelReason(enum.StrEnum):
    """Why the merchant refunds (``cancel``); the API applies PRODUCT_UNSATISFIED to others."""

    SOLD_OUT = "SOLD_OUT"
    """Sold out."""
    DELAYED_DELIVERY = "DELAYED_DELIVERY"
    """Delivery delayed."""
    PRODUCT_UNSATISFIED = "PRODUCT_UNSATISFIED"
    """Unhappy with the service or product (the default)."""
    INTENT_CHANGED = "INTENT_CHANGED"
    """The buyer no longer wants it."""
    COLOR_AND_SIZE = "COLOR_AND_SIZE"
    """Colour or size change."""
    WRONG_ORDER = "WRONG_ORDER"
    """Ordered the wrong product."""
    INCORRECT_INFO = "INCORRECT_INFO"
    """The product differs from its description."""


class NaverReturnReason(enum.StrEnum):
    """Why a return is requested (``request_return``)."""

    INTENT_CHANGED = "INTENT_CHANGED"
    """The buyer no longer wants it (the API's default)."""
    COLOR_AND_SIZE = "COLOR_AND_SIZE"
    """Colour or size change."""
    WRONG_ORDER = "WRONG_ORDER"
    """Ordered the wrong product."""
    PRODUCT_UNSATISFIED = "PRODUCT_UNSATISFIED"
    """Unhappy with the service or product."""
    DELAYED_DELIVERY = "DELAYED_DELIVERY"
    """Delivery delayed."""
    SOLD_OUT = "SOLD_OUT"
    """Sold out."""
    DROPPED_DELIVERY = "DROPPED_DELIVERY"
    """Part of the order was not delivered."""
    BROKEN = "BROKEN"
    """The product arrived damaged."""
    INCORRECT_INFO = "INCORRECT_INFO"
    """The product differs from its description."""
    WRONG_DELIVERY = "WRONG_DELIVERY"
    """Delivered to the wrong place or person."""
    WRONG_OPTION = "WRONG_OPTION"
    """A different option (colour, ...) was shipped."""


class NaverWithholdReason(enum.StrEnum):
    """Why a return is held back (``withhold_return``)."""

    RETURN_DELIVERYFEE = "RETURN_DELIVERYFEE"
    """The return shipping fee is charged to the buyer."""
    EXTRAFEEE = "EXTRAFEEE"  # sic: the API's spelling
    """Other return costs are charged to the buyer."""
    RETURN_DELIVERYFEE_AND_EXTRAFEEE = "RETURN_DELIVERYFEE_AND_EXTRAFEEE"
    """Both the return shipping fee and other costs are charged."""
    RETURN_PRODUCT_NOT_DELIVERED = "RETURN_PRODUCT_NOT_DELIVERED"
    """The returned product has not arrived."""
    ETC = "ETC"
    """Another reason (the API's default)."""


class NaverDeliveryMethod(enum.StrEnum):
    """How goods are sent (``ship``, ``ship_exchanged``)."""

    DELIVERY = "DELIVERY"
    """Parcel, registered mail: ``delivery_company`` and ``tracking_number`` are required."""
    GDFW_ISSUE_SVC = "GDFW_ISSUE_SVC"
    """Goodsflow invoice printing."""
    VISIT_RECEIPT = "VISIT_RECEIPT"
    """Collected by the buyer in person."""
    DIRECT_DELIVERY = "DIRECT_DELIVERY"
    """Handed over directly."""
    QUICK_SVC = "QUICK_SVC"
    """Courier (quick service)."""
    NOTHING = "NOTHING"
    """Nothing is shipped."""


class NaverReturnDeliveryMethod(enum.StrEnum):
    """How returned goods come back (``request_return``)."""

    RETURN_DESIGNATED = "RETURN_DESIGNATED"
    """By the merchant's designated courier, booked in advance."""
    RETURN_DELIVERY = "RETURN_DELIVERY"
    """By parcel: ``delivery_company`` and ``tracking_number`` are required."""
    RETURN_INDIVIDUAL = "RETURN_INDIVIDUAL"
    """Sent back by the buyer themselves."""


class NaverDeliveryCompany(enum.StrEnum):
    """Carrier codes the spec lists. Requests also accept other strings: Naver adds carriers."""

    CJGLS = "CJGLS"
    """CJ Logistics (CJ 대한통운)."""
    KGB = "KGB"
    """Logen (로젠택배)."""
    DONGBU = "DONGBU"
    """KG Logis (KG 로지스)."""
    EPOST = "EPOST"
    """Korea Post parcel (우체국택배)."""
    REGISTPOST = "REGISTPOST"
    """Korea Post registered mail (우편등기)."""
    HANJIN = "HANJIN"
    """Hanjin (한진택배)."""
    HYUNDAI = "HYUNDAI"
    """Hyundai (현대택배)."""
    KGBLS = "KGBLS"
    """KGB (KGB 택배)."""
    INNOGIS = "INNOGIS"
    """GTX Logis (GTX 로지스)."""
    DAESIN = "DAESIN"
    """Daesin (대신택배)."""
    ILYANG = "ILYANG"
    """Ilyang Logis (일양로지스)."""
    KDEXP = "KDEXP"
    """Kyungdong (경동택배)."""
    CHUNIL = "CHUNIL"
    """Chunil (천일택배)."""
    CH1 = "CH1"
    """Another courier (기타 택배)."""
    HDEXP = "HDEXP"
    """Hapdong (합동택배)."""
    CVSNET = "CVSNET"
    """Convenience-store parcel (편의점택배)."""
    DHL = "DHL"
    """DHL."""
    FEDEX = "FEDEX"
    """FedEx."""
    GSMNTON = "GSMNTON"
    """GSMNTON."""
    WARPEX = "WARPEX"
    """WarpEx."""
    WIZWA = "WIZWA"
    """WIZWA."""
    EMS = "EMS"
    """EMS."""
    DHLDE = "DHLDE"
    """DHL Germany."""
    ACIEXPRESS = "ACIEXPRESS"
    """ACI."""
    EZUSA = "EZUSA"
    """EZUSA."""
    PANTOS = "PANTOS"
    """Pantos (범한판토스)."""
    UPS = "UPS"
    """UPS."""
    HLCGLOBAL = "HLCGLOBAL"
    """Hyundai international (현대택배 국제택배)."""
    KOREXG = "KOREXG"
    """CJ Logistics international (CJ 대한통운 국제택배)."""
    TNT = "TNT"
    """TNT."""
    SWGEXP = "SWGEXP"
    """Sungwon Global (성원글로벌)."""
    DAEWOON = "DAEWOON"
    """Daewoon Global (대운글로벌)."""
    USPS = "USPS"
    """USPS."""
    IPARCEL = "IPARCEL"
    """i-parcel."""
    KUNYOUNG = "KUNYOUNG"
    """Kunyoung (건영택배)."""
    HPL = "HPL"
    """Hanuisarang (한의사랑택배)."""
    DADREAM = "DADREAM"
    """Dadream (다드림)."""
    SLX = "SLX"
    """SLX."""
    SFEXPRESS = "SFEXPRESS"
    """SF Express (순풍택배)."""
    HONAM = "HONAM"
    """Honam (호남택배)."""


class NaverReviewType(enum.StrEnum):
    """Which reviews to read (``reviews``)."""

    GENERAL = "general"
    """General reviews."""
    PREMIUM = "premium"
    """Premium reviews (with a title and content)."""


class NaverRequester(enum.StrEnum):
    """Who confirms a purchase (``confirm``); the API's default is ``admin``."""

    ADMIN = "admin"
    """The merchant (the default)."""
    CUSTOMER = "customer"
    """The buyer."""


@attrs.frozen
class NaverOrderer(Model):
    """The buyer of a product order (``NaverOrderer``); ``id`` is masked by Naver. Personal
    data stays out of ``repr``."""

    DECIDING = NOTHING_DECIDES
    """Nothing decides: who ordered."""

    name: str | None = attrs.field(default=None, repr=False)
    """The buyer's name; personal data, left out of ``repr``."""
    id: str | None = None
    """The buyer's Naver id, masked by Naver."""
    tel: str | None = attrs.field(default=None, repr=False)
    """The buyer's phone number; personal data, left out of ``repr``."""


@attrs.frozen
class NaverAddress(Model):
    """Where a product order ships to (``NaverAddress``); personal data stays out of ``repr``."""

    DECIDING = NOTHING_DECIDES
    """Nothing decides: where to ship."""

    base: str | None = attrs.field(default=None, repr=False)
    """The street address; personal data, left out of ``repr``."""
    detail: str | None = attrs.field(default=None, repr=False)
    """The address detail (flat, floor); personal data, left out of ``repr``."""
    postcode: str | None = None
    """The postcode."""
    tel1: str | None = attrs.field(default=None, repr=False)
    """The recipient's first contact number; left out of ``repr``."""
    tel2: str | None = attrs.field(default=None, repr=False)
    """The recipient's second contact number; left out of ``repr``."""
    name: str | None = attrs.field(default=None, repr=False)
    """The recipient's name; left out of ``repr``."""


@attrs.frozen
class NaverProductOrder(Model):
    """One product order of an order-type Naver Pay payment (``NaverProductOrderAnnotation``)."""

    DECIDING = Deciding(
        "product_order_id",
        "product_order_status",
        "product_amount",
        "delivery_amount",
        "quantity",
    )
    """Strict: the ``product_order_id``, its status, its amounts and quantity. Claim state,
    product names, buyer and shipping fields describe."""

    product_order_id: str
    """Naver Pay's id of the product order."""
    product_order_status: NaverProductOrderStatus | str | None = None
    """Where the product order stands (``PAYED``, ``DELIVERING``, ...)."""
    claim_type: str | None = None
    """CANCEL, RETURN, EXCHANGE, ... when a claim is open on this product order."""
    claim_status: str | None = None
    """How far the open claim has got (``CANCEL_REQUEST``, ``COLLECTING``, ...), as Naver sends
    it."""
    product_id: str | None = None
    """Naver Pay's id of the product."""
    product_name: str | None = None
    """The product's name."""
    product_option_id: str | None = None
    """Naver Pay's id of the chosen product option."""
    product_option_name: str | None = None
    """The chosen product option's name."""
    product_amount: Money | None = None
    """The amount of this product order, in won."""
    delivery_amount: Money | None = None
    """The shipping fee of this product order, in won."""
    quantity: int | None = None
    """How many of the product were ordered."""
    orderer: NaverOrderer | None = None
    """Who ordered."""
    shipping_address: NaverAddress | None = None
    """Where to ship."""
    shipping_memo: str | None = None
    """The buyer's shipping note."""
    shipping_due: Timestamp = None
    """When the product order must be shipped by (UTC)."""
    individual_code: str | None = attrs.field(default=None, repr=False)
    """The buyer's personal customs code: personal data, left out of ``repr``."""


@attrs.frozen
class NaverReview(Model):
    """A buyer's review (``NaverReviewAnnotation``).

    ``score`` is a string of Naver's codes: general reviews 0 (unsatisfied), 1, 2 (satisfied);
    premium reviews 10 (not recommended) to 13 (highly recommended).
    """

    DECIDING = Deciding("review_id")
    """Strict: the ``review_id``. The review itself describes."""

    review_id: str
    """Naver Pay's id of the review."""
    score: str | None = None
    """The satisfaction score, as a string of Naver's codes (see above)."""
    title: str | None = None
    """A general review's text, or a premium review's title."""
    content: str | None = None
    """A premium review's text; None for a general review."""
    product_order_id: str | None = None
    """The product order reviewed."""
    product_id: str | None = None
    """Naver Pay's id of the product reviewed."""
    product_name: str | None = None
    """The product's name."""
    product_option_name: str | None = None
    """The product option's name."""
    writer: str | None = None
    """The reviewer's Naver id."""
    created_at: Timestamp = None
    """When the review was written (UTC)."""
    modified_at: Timestamp = None
    """When the review was last edited (UTC)."""


@attrs.frozen
class NaverCashAmount(Model):
    """How much of a payment-type Naver Pay payment a cash receipt may cover."""

    DECIDING = Deciding(
        in_answer=(
            "amount_total",
            "amount_by_npoint",
            "amount_by_primary",
            "amount_supply",
            "amount_vat",
        ),
    )
    """Strict, all of it, and every answer must carry each: money a cash receipt may cover
    (a part left out is not 0)."""

    amount_total: Money
    """The total a cash receipt may cover, in won."""
    amount_by_npoint: Money = _ZERO
    """The part of ``amount_total`` paid with Naver points."""
    amount_by_primary: Money = _ZERO
    """The part of ``amount_total`` paid by the main means (card, transfer, ...)."""
    amount_supply: Money = _ZERO
    """The supply amount within ``amount_total``."""
    amount_vat: Money = _ZERO
    """The VAT within ``amount_total``."""


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
    """The ``product_order_id`` s sent; None when the action covered every product order."""
    succeeded: tuple[NaverProductOrder, ...]
    """The product orders the API reports done, in their new state."""
    failed: tuple[str, ...] | None
    """The requested ids not reported done; None when that cannot be known."""
    all_failed: bool = False
    """Whether the API answered that nothing was done (HTTP 500)."""
    message: str | None = None
    """The API's message when nothing was done."""

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
        """The ``product_order_id`` of each product order in ``succeeded``."""
        return tuple(order.product_order_id for order in self.succeeded)
