# pyright: strict
"""The public surface as a user's type checker sees it: mypy --strict and pyright (strict).

The ``static_*`` functions are never called. Their ``assert_type`` lines are the expectations,
checked by both type checkers (``nox -s typecheck``). ``returns(method)`` is the type an
``await method(...)`` gives and ``gives(method)`` what a plain call gives, so every method is
checked without inventing arguments for it.

The runtime tests below keep the list honest: every method that serves an API operation is
asserted here, with the type its runtime annotation names.
"""

from __future__ import annotations

import ast
import inspect
import typing
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar, assert_type

import pytest

import iamport_async
from iamport_async import (
    ApiError,
    BackpressureError,
    BusinessError,
    IamportError,
    IdResults,
    InvalidInputError,
    Lookup,
    Paged,
    PaymentLookups,
    RateLimitedError,
    RawResponse,
    TransportError,
)
from iamport_async import Iamport as Iamport
from iamport_async._operations import operation_methods
from iamport_async.endpoints.benepia import Benepia
from iamport_async.endpoints.certifications import Certifications
from iamport_async.endpoints.codes import Codes
from iamport_async.endpoints.customers import Customers
from iamport_async.endpoints.cvs import Cvs
from iamport_async.endpoints.escrow import Escrow
from iamport_async.endpoints.kcpquick import KcpQuick
from iamport_async.endpoints.naverpay import NaverPay
from iamport_async.endpoints.payco import Payco
from iamport_async.endpoints.payments import CoalescingPayments, Payments
from iamport_async.endpoints.paymentwall import Paymentwall
from iamport_async.endpoints.pg import PgSettings
from iamport_async.endpoints.receipts import Receipts
from iamport_async.endpoints.subscribe import Subscribe
from iamport_async.endpoints.tiers import Tiers
from iamport_async.endpoints.vbanks import Vbanks
from iamport_async.models import (
    BenepiaPoint,
    Certification,
    CertificationOtp,
    Channel,
    Customer,
    EscrowLogis,
    ExternalReceipt,
    KcpQuickAutopayKey,
    KcpQuickFidoRelease,
    KcpQuickMember,
    NaverCashAmount,
    NaverOrderActionResult,
    NaverProductOrder,
    NaverReview,
    PartnerReceiptResult,
    PaycoOrderStatus,
    Payment,
    PaymentBalance,
    PaymentCancel,
    PaymentPrepare,
    PaymentStatus,
    PaymentwallDelivery,
    PgSetting,
    Receipt,
    Schedule,
    StandardCode,
    SuperBillingKey,
    Tier,
    VbankHolder,
)
from iamport_async.results import BatchStream
from iamport_async.testing import FakeIamport

T = TypeVar("T")


def returns(method: Callable[..., Awaitable[T]]) -> T:
    """The type ``await method(...)`` has (static only)."""
    raise NotImplementedError


def gives(method: Callable[..., T]) -> T:
    """The type ``method(...)`` has (static only)."""
    raise NotImplementedError


async def static_client() -> None:
    async with Iamport(imp_key="k", imp_secret="s") as client:
        assert_type(client, Iamport)
        assert_type(client.with_options(tier="A01", timeout=2, max_wait=0.1), Iamport)
        assert_type(await client.request("GET", "/payments/imp_1"), Any)
        assert_type(iamport_async.__version__, str)
        assert_type(client.payments, Payments)
        assert_type(client.customers, Customers)
        assert_type(client.subscribe, Subscribe)
        assert_type(client.receipts, Receipts)
        assert_type(client.vbanks, Vbanks)
        assert_type(client.certifications, Certifications)
        assert_type(client.escrow, Escrow)
        assert_type(client.cvs, Cvs)
        assert_type(client.benepia, Benepia)
        assert_type(client.naverpay, NaverPay)
        assert_type(client.payco, Payco)
        assert_type(client.kcpquick, KcpQuick)
        assert_type(client.codes, Codes)
        assert_type(client.pg, PgSettings)
        assert_type(client.tiers, Tiers)
        assert_type(client.paymentwall, Paymentwall)
    async with Iamport() as from_environment:
        assert_type(from_environment, Iamport)


async def static_raw_response(client: Iamport) -> None:
    raw = await client.raw_response(client.payments.get("imp_1"))
    assert_type(raw, RawResponse[Payment])
    assert_type(raw.parse(), Payment)
    assert_type(raw.status, int)
    assert_type(raw.headers["content-type"], str)
    assert_type(raw.body, bytes)
    assert_type(raw.json(), Any)
    many = await client.raw_response(client.payments.get_many(["imp_1"]))
    assert_type(many.parse(), IdResults[Payment])
    listing = await client.raw_response(client.payments.list_by_status("paid"))
    assert_type(listing.parse().list, tuple[Payment, ...])


def static_endpoints(client: Iamport) -> None:
    assert_type(returns(client.payments.get), Payment)
    assert_type(returns(client.payments.find), Payment)
    assert_type(returns(client.payments.balance), PaymentBalance)
    assert_type(gives(client.payments.iter_many), BatchStream[Payment])
    assert_type(gives(client.payments.find_all), Paged[Payment])
    assert_type(gives(client.payments.list_by_status), Paged[Payment])
    assert_type(returns(client.payments.prepare), PaymentPrepare)
    assert_type(returns(client.payments.update_prepared), PaymentPrepare)
    assert_type(returns(client.payments.get_prepared), PaymentPrepare)
    assert_type(returns(client.payments.cancel), Payment)
    assert_type(returns(client.customers.issue), Customer | SuperBillingKey)
    assert_type(returns(client.customers.get), Customer | SuperBillingKey)
    assert_type(returns(client.customers.delete), Customer | SuperBillingKey)
    assert_type(returns(client.customers.get_many), IdResults[Customer | SuperBillingKey])
    assert_type(gives(client.customers.payments), Paged[Payment])
    assert_type(gives(client.customers.schedules), Paged[Schedule])
    assert_type(returns(client.receipts.get), Receipt)
    assert_type(returns(client.receipts.issue), Receipt)
    assert_type(returns(client.receipts.revoke), Receipt)
    assert_type(returns(client.receipts.get_external), ExternalReceipt)
    assert_type(returns(client.receipts.issue_external), ExternalReceipt)
    assert_type(returns(client.receipts.revoke_external), ExternalReceipt)
    assert_type(returns(client.receipts.register_partner_lines), PartnerReceiptResult)
    assert_type(returns(client.vbanks.issue), Payment)
    assert_type(returns(client.vbanks.modify), Payment)
    assert_type(returns(client.vbanks.revoke), Payment)
    assert_type(returns(client.vbanks.holder), VbankHolder)
    assert_type(returns(client.certifications.get), Certification)
    assert_type(returns(client.certifications.delete), Certification)
    assert_type(returns(client.certifications.request_otp), CertificationOtp)
    assert_type(returns(client.certifications.confirm_otp), Certification)
    assert_type(returns(client.escrow.get), EscrowLogis)
    assert_type(returns(client.escrow.register), EscrowLogis)
    assert_type(returns(client.escrow.update), EscrowLogis)
    assert_type(returns(client.cvs.issue), Payment)
    assert_type(returns(client.cvs.revoke), Payment)
    assert_type(returns(client.benepia.get_points), BenepiaPoint)
    assert_type(returns(client.benepia.pay), Payment)
    assert_type(returns(client.subscribe.onetime), Payment)
    assert_type(returns(client.subscribe.again), Payment)
    assert_type(returns(client.subscribe.schedule), list[Schedule])
    assert_type(returns(client.subscribe.unschedule), list[Schedule])
    assert_type(gives(client.subscribe.schedules), Paged[Schedule])
    assert_type(gives(client.subscribe.customer_schedules), Paged[Schedule])
    assert_type(returns(client.subscribe.get_schedule), Schedule)
    assert_type(returns(client.subscribe.update_schedule), Schedule)
    assert_type(returns(client.subscribe.reschedule), Schedule)
    assert_type(returns(client.subscribe.retry), Payment)
    assert_type(returns(client.naverpay.cancel), NaverOrderActionResult)
    assert_type(returns(client.naverpay.approve_cancel), NaverOrderActionResult)
    assert_type(returns(client.naverpay.ship), NaverOrderActionResult)
    assert_type(returns(client.naverpay.ship_exchanged), NaverOrderActionResult)
    assert_type(returns(client.naverpay.collect_exchanged), NaverOrderActionResult)
    assert_type(returns(client.naverpay.place), NaverOrderActionResult)
    assert_type(returns(client.naverpay.request_return), NaverOrderActionResult)
    assert_type(returns(client.naverpay.approve_return), NaverOrderActionResult)
    assert_type(returns(client.naverpay.reject_return), NaverOrderActionResult)
    assert_type(returns(client.naverpay.withhold_return), NaverOrderActionResult)
    assert_type(returns(client.naverpay.resolve_return), NaverOrderActionResult)
    assert_type(returns(client.naverpay.deposit_point), None)
    assert_type(returns(client.naverpay.confirm), None)
    assert_type(returns(client.naverpay.cash_amount), NaverCashAmount)
    assert_type(returns(client.naverpay.product_orders), list[NaverProductOrder])
    assert_type(returns(client.naverpay.product_order), NaverProductOrder)
    assert_type(returns(client.naverpay.reviews), list[NaverReview])
    assert_type(returns(client.payco.change_order_status), PaycoOrderStatus)
    assert_type(returns(client.kcpquick.pay_with_money), Payment)
    assert_type(returns(client.kcpquick.pay_with_autopay), Payment)
    assert_type(returns(client.kcpquick.prepare), None)
    assert_type(returns(client.kcpquick.update_prepare), None)
    assert_type(returns(client.kcpquick.delete_member), KcpQuickMember)
    assert_type(returns(client.kcpquick.delete_autopay), KcpQuickAutopayKey)
    assert_type(returns(client.kcpquick.release_fido), KcpQuickFidoRelease)
    assert_type(returns(client.codes.cards), list[StandardCode])
    assert_type(returns(client.codes.card), StandardCode)
    assert_type(returns(client.codes.banks), list[StandardCode])
    assert_type(returns(client.codes.bank), StandardCode)
    assert_type(returns(client.pg.settings), list[PgSetting])
    assert_type(returns(client.tiers.get), Tier)
    assert_type(returns(client.paymentwall.register_delivery), PaymentwallDelivery)
    # methods that serve no operation of their own
    assert_type(returns(client.payments.cancel_safely), Payment)
    assert_type(gives(client.payments.coalescing), CoalescingPayments)


async def static_results(client: Iamport) -> None:
    # one kind of id: that kind's results; both kinds: one IdResults each
    assert_type(await client.payments.get_many(["imp_1"]), IdResults[Payment])
    assert_type(await client.payments.get_many(merchant_uids=["o_1"]), IdResults[Payment])
    assert_type(await client.payments.get_many(["imp_1"], ["o_1"]), PaymentLookups)
    lookups = await client.payments.get_many(imp_uids=["imp_1"])
    assert_type(lookups.found, dict[str, Payment])
    assert_type(lookups.missing, list[str])
    assert_type(lookups.failed, dict[str, IamportError])
    assert_type(lookups.kind, str)
    assert_type(lookups["imp_1"], Lookup[Payment])
    assert_type("imp_1" in lookups, bool)
    both = await client.payments.get_many(imp_uids=["imp_1"], merchant_uids=["o_1"])
    assert_type(both.imp_uids, IdResults[Payment])
    assert_type(both.merchant_uids.found, dict[str, Payment])
    for each in both:
        assert_type(each, Lookup[Payment])
    async with client.payments.iter_many(["imp_1"]) as stream:
        async for lookup in stream:
            assert_type(lookup, Lookup[Payment])
            assert_type(lookup.item, Payment | None)
            assert_type(lookup.error, IamportError | None)
            assert_type(lookup.kind, str)
            assert_type(lookup.id, str)
    listing = client.payments.list_by_status("paid")
    async for payment in listing:
        assert_type(payment, Payment)
    page = await listing
    assert_type(page.list, tuple[Payment, ...])
    assert_type(page.total, int)
    async with client.payments.coalescing() as view:
        assert_type(await view.get("imp_1"), Payment)
    keys = await client.customers.get_many(["c1"])
    assert_type(keys.found, dict[str, Customer | SuperBillingKey])
    assert_type(keys.missing, list[str])


def static_models(payment: Payment, cancel: PaymentCancel) -> None:
    assert_type(payment.imp_uid, str)
    assert_type(payment.amount, Decimal)
    assert_type(payment.cancel_amount, Decimal)
    assert_type(payment.refundable_amount, Decimal)
    assert_type(payment.status, PaymentStatus | str)
    assert_type(payment.channel, Channel | str | None)
    assert_type(payment.paid_at, datetime | None)
    assert_type(payment.cancel_history, tuple[PaymentCancel, ...])
    assert_type(payment.unknown_fields, dict[str, Any])
    assert_type(payment.is_paid, bool)
    assert_type(payment.matches(amount=1000), bool)
    assert_type(cancel.amount, Decimal)
    assert_type(cancel.cancelled_at, datetime | None)


def static_errors(error: IamportError) -> None:
    assert_type(error.after_ambiguous_failure, bool)
    if isinstance(error, ApiError):
        assert_type(error.status, int)
        assert_type(error.code, int | None)
        assert_type(error.message, str | None)
        assert_type(error.body, str)
        assert_type(error.retry_after, float | None)
    if isinstance(error, RateLimitedError | BusinessError):
        assert_type(error.status, int)
    if isinstance(error, InvalidInputError):
        assert_type(error.field, str)
        assert_type(error.problem, str)
    if isinstance(error, TransportError):
        assert_type(error.reached_server, bool)
    if isinstance(error, BackpressureError):
        assert_type(error.max_wait, float)


# -- keeping the list complete and true -------------------------------------------------------

SOURCE = ast.parse(Path(__file__).read_text(encoding="utf-8"))


def _asserted() -> dict[str, set[str]]:
    """``"payments.get"`` to the type expressions asserted for it, from the lines above: of
    ``returns(client.x.y)`` and ``gives(...)``, and of awaited calls ``await client.x.y(...)``
    (an overloaded method has one per overload)."""
    found: dict[str, set[str]] = {}
    for node in ast.walk(SOURCE):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "assert_type"):
            continue
        inner, expected = node.args
        target = ""
        if isinstance(inner, ast.Call) and getattr(inner.func, "id", None) in ("returns", "gives"):
            target = ast.unparse(inner.args[0])
        elif isinstance(inner, ast.Await) and isinstance(inner.value, ast.Call):
            target = ast.unparse(inner.value.func)
        if target.startswith("client.") and target.count(".") == 2:
            found.setdefault(target.removeprefix("client."), set()).add(ast.unparse(expected))
    return found


def test_every_operation_method_has_its_return_type_asserted() -> None:
    client = FakeIamport().client()
    served = {name for names in operation_methods(client).values() for name in names if "." in name}
    served.discard("_engine.tokens.get")
    assert served <= _asserted().keys(), sorted(served - _asserted().keys())


@pytest.mark.parametrize("name", sorted(_asserted()))
def test_the_asserted_type_is_the_runtime_annotation(name: str) -> None:
    client = FakeIamport().client()
    group, method = name.split(".")
    function = getattr(getattr(client, group), method)
    forms = typing.get_overloads(function) or [function]
    annotations = {inspect.signature(form, eval_str=True).return_annotation for form in forms}
    # our own source's expressions:
    expected = {eval(text, globals()) for text in _asserted()[name]}  # noqa: S307
    assert annotations == expected
