"""cancel and cancel_safely: bodies, retry safety and the API's refusals; reading a guarded
cancel's fate from ``cancel_history`` (``endpoints/_cancel.py``)."""

from __future__ import annotations

import json
from decimal import Decimal

import attrs
import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints._cancel import Verdict, verdict
from iamport_async.endpoints.payments import Payments
from iamport_async.errors import (
    BusinessError,
    InvalidInputError,
    OutcomeUnknownError,
    RequestTimeout,
)
from iamport_async.models._converter import structure
from iamport_async.models.payment import Payment
from tests.conftest import envelope
from tests.payloads import payment

pytestmark = pytest.mark.anyio

ALREADY = "이미 전액취소된 주문입니다."


def payments(client: Iamport) -> Payments:
    return Payments(client._engine)


def body_of(route: respx.Route, index: int = -1) -> dict[str, object]:
    return json.loads(route.calls[index].request.content)  # type: ignore[no-any-return]


async def test_full_cancel_sends_only_what_was_given(
    api: respx.MockRouter, client: Iamport
) -> None:
    cancelled = payment("imp_1", status="cancelled", cancel_amount=1000)
    route = api.post("/payments/cancel").respond(json=envelope(cancelled))
    result = await payments(client).cancel("imp_1", reason="out of stock")
    assert body_of(route) == {"imp_uid": "imp_1", "reason": "out of stock"}
    assert result.is_fully_cancelled
    assert result.refundable_amount == 0


async def test_partial_cancel_sends_every_field_of_the_spec(
    api: respx.MockRouter, client: Iamport
) -> None:
    partial = payment("imp_1", status="cancelled", cancel_amount=300)
    route = api.post("/payments/cancel").respond(json=envelope(partial))
    result = await payments(client).cancel(
        merchant_uid="order-1",
        amount=300,
        tax_free=Decimal(0),
        vat_amount=27,
        checksum=1000,
        reason="r",
        refund_holder="홍길동",
        refund_bank="88",
        refund_account="110-000-000000",
        refund_tel="01000000000",
        retain_promotion=True,
        enable_webhook=True,
        extra={"requester": "customer"},
    )
    assert body_of(route) == {
        "merchant_uid": "order-1",
        "amount": 300,
        "tax_free": 0,
        "vat_amount": 27,
        "checksum": 1000,
        "reason": "r",
        "refund_holder": "홍길동",
        "refund_bank": "88",
        "refund_account": "110-000-000000",
        "refund_tel": "01000000000",
        "retain_promotion": True,
        "enable_webhook": True,
        "extra": {"requester": "customer"},
    }
    assert result.is_partially_cancelled
    assert result.refundable_amount == Decimal(700)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "imp_uid"),
        ({"imp_uid": "imp_1", "amount": -1}, "amount"),
        ({"imp_uid": "imp_1", "amount": 0}, "amount"),
        ({"imp_uid": "imp_1", "amount": 1.5}, "amount"),
        ({"imp_uid": "imp_1", "checksum": -5}, "checksum"),
        ({"imp_uid": "", "merchant_uid": "m"}, "imp_uid"),
        ({"imp_uid": "imp_1", "extra": {"requester": 1}}, "extra"),
    ],
)
async def test_bad_cancels_are_refused_before_any_request(
    api: respx.MockRouter, client: Iamport, kwargs: dict[str, object], field: str
) -> None:
    route = api.post("/payments/cancel").respond(json=envelope(payment("imp_1")))
    with pytest.raises(InvalidInputError) as caught:
        await payments(client).cancel(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert not route.called


async def test_cancelling_a_fully_cancelled_payment_raises_with_the_apis_message(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.post("/payments/cancel").respond(json=envelope(code=1, message=ALREADY))
    with pytest.raises(BusinessError) as caught:
        await payments(client).cancel("imp_1")
    assert caught.value.message == ALREADY
    assert caught.value.code == 1


async def test_without_checksum_a_timeout_is_not_retried_and_the_outcome_is_unknown(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.post("/payments/cancel").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(OutcomeUnknownError) as caught:
        await payments(client).cancel("imp_1", amount=100, reason="r")
    assert route.call_count == 1
    assert isinstance(caught.value.cause, RequestTimeout)
    assert caught.value.outcome_known is False
    assert "cancel_history" in caught.value.check
    assert any("not retried" in note for note in caught.value.__notes__)
    assert "110-000" not in str(caught.value)


def _cancelled(*amounts: int, total: int = 1000) -> dict[str, object]:
    """``imp_1`` after cancels of ``amounts``, oldest first."""
    history = [
        {"amount": amount, "cancelled_at": 1_700_000_100 + i, "pg_tid": f"C{i}"}
        for i, amount in enumerate(amounts)
    ]
    return payment(
        "imp_1",
        amount=total,
        cancel_amount=sum(amounts),
        status="cancelled" if amounts else "paid",
        cancel_history=history,
    )


async def test_with_checksum_a_lost_answer_whose_cancel_went_through_is_a_success(
    api: respx.MockRouter, client: Iamport
) -> None:
    # the first attempt went through but its answer was lost; the repeat carrying checksum
    # 1000 is refused (the balance is 900): the history shows 1000 -> 900, so it is a success
    route = api.post("/payments/cancel").mock(
        side_effect=[
            httpx.ReadTimeout("lost"),
            httpx.Response(200, json=envelope(code=1, message="checksum mismatch")),
        ]
    )
    api.get("/payments/imp_1").respond(json=envelope(_cancelled(100)))
    result = await payments(client).cancel("imp_1", amount=100, checksum=1000)
    assert route.call_count == 2
    assert body_of(route, 0) == body_of(route, 1)
    assert result.cancel_amount == 100


async def test_a_repeat_with_the_same_checksum_reports_the_earlier_refund_and_moves_nothing(
    api: respx.MockRouter, client: Iamport
) -> None:
    # a new call (after an error the app did not trust) with the checksum the app saw at
    # first: the API refuses it, the history shows that refund, the call reports it
    api.post("/payments/cancel").respond(json=envelope(code=1, message="checksum mismatch"))
    api.get("/payments/imp_1").respond(json=envelope(_cancelled(100, 200)))
    result = await payments(client).cancel("imp_1", amount=100, checksum=1000)
    assert result.cancel_amount == 300


async def test_a_refusal_after_another_cancel_took_the_balance_stands_and_is_known(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.post("/payments/cancel").mock(
        side_effect=[
            httpx.ReadTimeout("lost"),
            httpx.Response(200, json=envelope(code=1, message="checksum mismatch")),
        ]
    )
    api.get("/payments/imp_1").respond(json=envelope(_cancelled(300)))  # someone else's
    with pytest.raises(BusinessError) as caught:
        await payments(client).cancel("imp_1", amount=100, checksum=1000)
    assert caught.value.outcome_known is True
    assert any("not carried out" in note for note in caught.value.__notes__)


async def test_a_cancel_not_in_the_history_is_resent_once_more_then_unknown(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.post("/payments/cancel").mock(side_effect=httpx.ReadTimeout("lost"))
    api.get("/payments/imp_1").respond(json=envelope(_cancelled()))
    with pytest.raises(OutcomeUnknownError) as caught:
        await payments(client).cancel("imp_1", amount=100, checksum=1000)
    assert route.call_count == 2 * 4  # two rounds of (1 + max_retries 3) attempts
    assert "checksum=1000" in caught.value.check


async def test_with_checksum_a_retry_after_a_5xx_succeeds(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.post("/payments/cancel").mock(
        side_effect=[
            httpx.Response(502, text="bad gateway"),
            httpx.Response(200, json=envelope(payment("imp_1", cancel_amount=100))),
        ]
    )
    result = await payments(client).cancel("imp_1", amount=100, checksum=1000)
    assert route.call_count == 2
    assert result.cancel_amount == 100


async def test_cancel_safely_reads_the_balance_and_sends_it_as_checksum(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/payments/imp_1").respond(json=envelope(payment("imp_1", cancel_amount=250)))
    route = api.post("/payments/cancel").respond(
        json=envelope(payment("imp_1", cancel_amount=350, status="cancelled"))
    )
    result = await payments(client).cancel_safely("imp_1", amount=100, reason="r")
    assert body_of(route) == {"imp_uid": "imp_1", "amount": 100, "checksum": 750, "reason": "r"}
    assert result.refundable_amount == 650


async def test_cancel_safely_with_the_checksum_seen_first_does_not_read_the_balance(
    api: respx.MockRouter, client: Iamport
) -> None:
    read = api.get("/payments/imp_1").respond(json=envelope(_cancelled(100)))
    api.post("/payments/cancel").respond(json=envelope(code=1, message="checksum mismatch"))
    # the app repeats the refund it asked for at balance 1000: refused, found, reported
    result = await payments(client).cancel_safely("imp_1", amount=100, checksum=1000)
    assert result.cancel_amount == 100
    assert read.call_count == 1  # the read-back only, no fresh balance


def after(*amounts: int, total: int = 10_000, cancel_amount: int | None = None) -> Payment:
    """A payment of ``total`` after cancels of ``amounts`` (oldest first, one second apart)."""
    history = [
        {"amount": amount, "cancelled_at": 1_700_000_100 + i} for i, amount in enumerate(amounts)
    ]
    record = payment(
        "imp_1",
        amount=total,
        cancel_amount=sum(amounts) if cancel_amount is None else cancel_amount,
        status="cancelled" if amounts else "paid",
        cancel_history=history,
    )
    result: Payment = structure(record, Payment, status=200, method="GET", path="/payments/imp_1")
    return result


@pytest.mark.parametrize(
    ("cancels", "checksum", "amount", "expected"),
    [
        ((1000,), 10_000, 1000, Verdict.MADE),
        ((500, 1000, 200), 9_500, 1000, Verdict.MADE),  # later cancels do not hide it
        ((10_000,), 10_000, None, Verdict.MADE),  # a full cancel takes the whole balance
        ((), 10_000, 1000, Verdict.PENDING),
        ((500,), 9_500, 1000, Verdict.PENDING),
        ((300,), 10_000, 1000, Verdict.OVERTAKEN),  # another cancel took the balance first
        ((500,), 12_000, 1000, Verdict.UNCLEAR),  # the balance never was 12,000
    ],
)
def test_the_history_tells_whether_this_cancel_happened(
    cancels: tuple[int, ...], checksum: int, amount: int | None, expected: Verdict
) -> None:
    wanted = None if amount is None else Decimal(amount)
    assert verdict(after(*cancels), Decimal(checksum), wanted) is expected


def test_a_history_that_does_not_add_up_tells_nothing() -> None:
    assert verdict(after(1000, cancel_amount=3000), Decimal(10_000), Decimal(1000)) is (
        Verdict.UNCLEAR
    )


def test_the_order_of_the_history_is_taken_from_cancelled_at() -> None:
    oldest_first = after(1000, 2000)
    newest_first = attrs.evolve(
        oldest_first, cancel_history=tuple(reversed(oldest_first.cancel_history))
    )
    assert verdict(newest_first, Decimal(10_000), Decimal(1000)) is Verdict.MADE
    assert verdict(newest_first, Decimal(9_000), Decimal(2000)) is Verdict.MADE
