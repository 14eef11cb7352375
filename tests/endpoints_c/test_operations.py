"""Every operation of this group of the spec has exactly one marked method."""

from __future__ import annotations

import inspect

from iamport_async.endpoints._base import OPERATIONS_ATTRIBUTE, Endpoints
from iamport_async.endpoints.codes import Codes
from iamport_async.endpoints.kcpquick import KcpQuick
from iamport_async.endpoints.naverpay import NaverPay
from iamport_async.endpoints.payco import Payco
from iamport_async.endpoints.paymentwall import Paymentwall
from iamport_async.endpoints.pg import PgSettings
from iamport_async.endpoints.tiers import Tiers

NAVER_ACTIONS = (
    "cancel",
    "approve-cancel",
    "ship",
    "ship-exchanged",
    "collect-exchanged",
    "place",
    "request-return",
    "approve-return",
    "reject-return",
    "withhold-return",
    "resolve-return",
    "point",
    "confirm",
)
OPERATIONS = {
    *(("POST", f"/payments/{{imp_uid}}/naver/{action}") for action in NAVER_ACTIONS),
    ("GET", "/payments/{imp_uid}/naver/product-orders"),
    ("GET", "/naver/product-orders/{product_order_id}"),
    ("GET", "/naver/reviews"),
    ("GET", "/payments/{imp_uid}/naver/cash-amount"),
    ("POST", "/payco/orders/status/{imp_uid}"),
    ("DELETE", "/kcpquick/members/{member_id}"),
    ("POST", "/kcpquick/payment/money"),
    ("POST", "/kcpquick/prepare/{merchant_uid}"),
    ("PUT", "/kcpquick/prepare/{merchant_uid}"),
    ("POST", "/kcpquick/payment/autopay"),
    ("DELETE", "/kcpquick/autopay/{customer_uid}"),
    ("POST", "/kcpquick/members/{member_id}/fido/release"),
    ("GET", "/cards"),
    ("GET", "/cards/{card_standard_code}"),
    ("GET", "/banks"),
    ("GET", "/banks/{bank_standard_code}"),
    ("GET", "/users/pg"),
    ("GET", "/tiers/{tier_code}"),
    ("POST", "/paymentwall/delivery"),
}
GROUPS: tuple[type[Endpoints], ...] = (
    NaverPay,
    Payco,
    KcpQuick,
    Codes,
    PgSettings,
    Tiers,
    Paymentwall,
)


def test_each_operation_is_one_public_coroutine_method() -> None:
    marked: list[tuple[str, str]] = []
    for group in GROUPS:
        for name, member in vars(group).items():
            for mark in getattr(member, OPERATIONS_ATTRIBUTE, ()):
                assert not name.startswith("_")
                assert inspect.iscoroutinefunction(member)
                marked.append(mark)
    assert len(OPERATIONS) == 32
    assert sorted(marked) == sorted(OPERATIONS)
