"""cancel and cancel_safely: bodies, retry safety and the API's refusals; reading a guarded
cancel's fate from ``cancel_history`` (``endpoints/_cancel.py``)."""

from __future__ import annotations

import json
import math
from decimal import Decimal

import anyio
import attrs
import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints._cancel import Verdict, verdict
from iamport_async.endpoints.payments import Payments
from iamport_async.errors import (
    BusinessError,
    ClientClosedError,
    InvalidInputError,
    OutcomeUnknownError,
    RequestTimeout,
)
from iamport_async.models._converter import structure
from iamport_async.models.payment import Payment, PaymentStatus
from iamport_async.testing import FakeIamport, VirtualClock
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
    result = await payments(client).cancel("imp_1", reason="out of stock", unguarded=True)
    assert body_of(route) == {"imp_uid": "imp_1", "reason": "out of stock"}
    assert result.is_fully_cancelled
    assert result.refundable_amount == 0


async def test_a_cancel_given_no_checksum_reads_the_balance_first_and_sends_it(
    api: respx.MockRouter, client: Iamport
) -> None:
    read = api.get("/payments/imp_1").respond(json=envelope(payment("imp_1", cancel_amount=250)))
    cancelled = payment("imp_1", status="cancelled", cancel_amount=1000)
    route = api.post("/payments/cancel").respond(json=envelope(cancelled))
    result = await payments(client).cancel("imp_1", reason="out of stock")
    assert read.call_count == 1  # one GET, before the POST
    assert read.calls.last.request.url.params["include_sandbox"] == "true"
    assert body_of(route) == {"imp_uid": "imp_1", "reason": "out of stock", "checksum": 750}
    assert result.is_fully_cancelled


async def test_a_cancel_by_merchant_uid_reads_the_paid_payment_not_a_newer_attempt(
    api: respx.MockRouter, client: Iamport
) -> None:
    newer = payment("imp_2", merchant_uid="order-1", status="failed", started_at=1_700_000_500)
    paid = payment("imp_1", merchant_uid="order-1", cancel_amount=100)
    api.get("/payments/findAll/order-1").respond(
        json=envelope({"total": 2, "previous": 0, "next": 0, "list": [newer, paid]})
    )
    route = api.post("/payments/cancel").respond(
        json=envelope(payment("imp_1", cancel_amount=400, status="cancelled"))
    )
    await payments(client).cancel(merchant_uid="order-1", amount=300)
    assert body_of(route) == {"merchant_uid": "order-1", "amount": 300, "checksum": 900}


async def test_unguarded_and_a_checksum_contradict_each_other(
    api: respx.MockRouter, client: Iamport
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await payments(client).cancel("imp_1", checksum=1000, unguarded=True)
    assert caught.value.field == "unguarded"


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
    done = payment("imp_1", status="cancelled", cancel_amount=1000)
    done["cancel_history"] = [{"amount": 1000, "cancelled_at": 1_699_999_000}]
    api.get("/payments/imp_1").respond(json=envelope(done))
    api.post("/payments/cancel").respond(json=envelope(code=1, message=ALREADY))
    with pytest.raises(BusinessError) as caught:
        await payments(client).cancel("imp_1")
    assert caught.value.outcome_known is True
    assert caught.value.message == ALREADY
    assert caught.value.code == 1


async def test_an_unguarded_timeout_is_not_retried_and_says_it_may_still_land(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.post("/payments/cancel").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(OutcomeUnknownError) as caught:
        await payments(client).cancel("imp_1", amount=100, reason="r", unguarded=True)
    assert route.call_count == 1
    assert isinstance(caught.value.cause, RequestTimeout)
    assert caught.value.outcome_known is False
    assert "cancel_history" in caught.value.check
    assert "may still land" in caught.value.check
    assert "wait" in caught.value.check
    assert any("not retried" in note for note in caught.value.__notes__)
    assert "110-000" not in str(caught.value)


def _cancelled(
    *amounts: int, total: int = 1000, reasons: tuple[str, ...] = ()
) -> dict[str, object]:
    """``imp_1`` after cancels of ``amounts``, oldest first (the first ones with ``reasons``)."""
    history = [
        {"amount": amount, "cancelled_at": 1_700_000_100 + i, "pg_tid": f"C{i}"}
        for i, amount in enumerate(amounts)
    ]
    for entry, reason in zip(history, reasons, strict=False):
        entry["reason"] = reason
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
    api.get("/payments/imp_1").respond(json=envelope(_cancelled(100, 200, reasons=("R-7",))))
    result = await payments(client).cancel("imp_1", amount=100, checksum=1000, reason="R-7")
    assert result.cancel_amount == 300


async def test_an_earlier_cancel_of_the_same_amount_and_balance_is_not_this_calls_refund(
    api: respx.MockRouter, client: Iamport
) -> None:
    # two items of one price, refunded with the balance recorded with the order: the second
    # refund is refused, and the first one's cancel (made before this call, with another
    # reason) is not reported as the second's success
    api.post("/payments/cancel").respond(json=envelope(code=1, message="checksum mismatch"))
    api.get("/payments/imp_1").respond(json=envelope(_cancelled(100, reasons=("item 1",))))
    with pytest.raises(BusinessError) as caught:
        await payments(client).cancel("imp_1", amount=100, checksum=1000, reason="item 2")
    assert caught.value.outcome_known is True
    assert any("refunded nothing" in note for note in caught.value.__notes__)


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
    read = api.get("/payments/imp_1").respond(json=envelope(_cancelled(100, reasons=("R",))))
    api.post("/payments/cancel").respond(json=envelope(code=1, message="checksum mismatch"))
    # the app repeats the refund it asked for at balance 1000: refused, found, reported
    result = await payments(client).cancel_safely("imp_1", amount=100, checksum=1000, reason="R")
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
    assert verdict(after(*cancels), Decimal(checksum), wanted, since=0) is expected


def test_a_history_that_does_not_add_up_tells_nothing() -> None:
    assert verdict(after(1000, cancel_amount=3000), Decimal(10_000), Decimal(1000), since=0) is (
        Verdict.UNCLEAR
    )


def test_the_order_of_the_history_is_taken_from_cancelled_at() -> None:
    oldest_first = after(1000, 2000)
    newest_first = attrs.evolve(
        oldest_first, cancel_history=tuple(reversed(oldest_first.cancel_history))
    )
    assert verdict(newest_first, Decimal(10_000), Decimal(1000), since=0) is Verdict.MADE
    assert verdict(newest_first, Decimal(9_000), Decimal(2000), since=0) is Verdict.MADE


def test_a_matching_cancel_made_before_the_call_is_earlier_unless_it_has_the_calls_reason() -> None:
    made = after(1000)  # at 1_700_000_100
    args = (made, Decimal(10_000), Decimal(1000))
    assert verdict(*args, since=1_700_000_100.5) is Verdict.MADE  # the same second
    assert verdict(*args, since=1_700_000_101) is Verdict.EARLIER
    assert verdict(*args, since=math.inf) is Verdict.EARLIER  # every attempt refused
    assert verdict(*args, since=None) is Verdict.UNCLEAR  # the server's time is not known
    keyed = attrs.evolve(made, cancel_history=(attrs.evolve(made.cancel_history[0], reason="R-1"),))
    assert verdict(keyed, *args[1:], since=math.inf, reason="R-1") is Verdict.MADE
    assert verdict(keyed, *args[1:], since=math.inf, reason="R-2") is Verdict.EARLIER


def _same_second(*amounts: int, newest_first: bool = True) -> Payment:
    """A payment of 10,000 after cancels of ``amounts`` (oldest first), all in one second,
    listed newest first as the API may."""
    paid = after(*amounts)
    history = tuple(
        attrs.evolve(entry, cancelled_at=paid.cancel_history[0].cancelled_at)
        for entry in paid.cancel_history
    )
    return attrs.evolve(paid, cancel_history=history[::-1] if newest_first else history)


def test_cancels_in_the_same_second_whose_orders_disagree_are_unclear() -> None:
    # ours (1,000 from 10,000) and another (2,000) in one second: listed newest first, the
    # other looks as if it took the balance first; in the other order ours did. Unclear.
    for newest_first in (True, False):
        both = _same_second(1000, 2000, newest_first=newest_first)
        assert verdict(both, Decimal(10_000), Decimal(1000), since=0) is Verdict.UNCLEAR


def test_cancels_in_the_same_second_whose_orders_agree_are_read() -> None:
    # two cancels of 1,000 in one second: whichever came first, one of 1,000 left 10,000
    both = _same_second(1000, 1000)
    assert verdict(both, Decimal(10_000), Decimal(1000), since=0) is Verdict.MADE
    assert verdict(both, Decimal(9_000), Decimal(1000), since=0) is Verdict.MADE
    assert verdict(both, Decimal(8_000), Decimal(1000), since=0) is Verdict.PENDING
    # a later second is ordered: 500 then the pair
    assert verdict(after(500, 1000, 2000), Decimal(9_500), Decimal(1000), since=0) is Verdict.MADE


def test_a_cancel_without_a_time_leaves_the_order_open() -> None:
    paid = after(1000, 2000)
    untimed = attrs.evolve(
        paid,
        cancel_history=(
            paid.cancel_history[0],
            attrs.evolve(paid.cancel_history[1], cancelled_at=None),
        ),
    )
    assert verdict(untimed, Decimal(10_000), Decimal(1000), since=0) is Verdict.UNCLEAR


def test_a_cancelled_payment_showing_nothing_cancelled_is_unclear() -> None:
    # an answer whose cancel_amount and cancel_history were left out (finding 4)
    empty = attrs.evolve(after(), status=PaymentStatus.CANCELLED)
    assert verdict(empty, Decimal(10_000), Decimal(1000), since=0) is Verdict.UNCLEAR


# --- settling from the right payment, and when the read-back cannot be trusted ----------


async def test_a_lost_cancel_by_merchant_uid_is_read_back_on_the_paid_payment(
    api: respx.MockRouter, client: Iamport
) -> None:
    # a newer failed attempt shares the merchant_uid: find() (newest first) would read it
    newer = payment("imp_2", merchant_uid="order-1", status="failed", started_at=1_700_000_500)
    refunded = _cancelled(100)
    refunded["merchant_uid"] = "order-1"
    api.get("/payments/findAll/order-1").respond(
        json=envelope({"total": 2, "previous": 0, "next": 0, "list": [newer, refunded]})
    )
    api.get("/payments/find/order-1").respond(json=envelope(newer))
    route = api.post("/payments/cancel").mock(
        side_effect=[
            httpx.ReadTimeout("lost"),
            httpx.Response(200, json=envelope(code=1, message="checksum mismatch")),
        ]
    )
    result = await payments(client).cancel(merchant_uid="order-1", amount=100, checksum=1000)
    assert route.call_count == 2
    assert result.imp_uid == "imp_1"
    assert result.cancel_amount == 100


async def test_two_paid_payments_under_one_merchant_uid_leave_a_lost_cancel_unknown(
    api: respx.MockRouter, client: Iamport
) -> None:
    one, two = (payment(f"imp_{i}", merchant_uid="order-1") for i in (1, 2))
    api.get("/payments/findAll/order-1").respond(
        json=envelope({"total": 2, "previous": 0, "next": 0, "list": [one, two]})
    )
    api.post("/payments/cancel").mock(side_effect=httpx.ReadTimeout("lost"))
    with pytest.raises(OutcomeUnknownError) as caught:
        await payments(client).cancel(merchant_uid="order-1", amount=100, checksum=1000)
    assert any("cannot be told" in note for note in caught.value.__notes__)


async def test_an_unreadable_read_back_after_a_lost_answer_is_unknown_never_a_third_post(
    api: respx.MockRouter, client: Iamport
) -> None:
    # the read-back lacks cancel_amount and cancel_history: never read as "nothing cancelled"
    cut = _cancelled(100)
    del cut["cancel_amount"], cut["cancel_history"]
    route = api.post("/payments/cancel").mock(
        side_effect=[
            httpx.ReadTimeout("lost"),
            httpx.Response(200, json=envelope(code=1, message="checksum mismatch")),
            httpx.Response(200, json=envelope(code=1, message="checksum mismatch")),
        ]
    )
    api.get("/payments/imp_1").respond(json=envelope(cut))
    with pytest.raises(OutcomeUnknownError) as caught:
        await payments(client).cancel("imp_1", amount=100, checksum=1000)
    assert route.call_count == 2  # the engine's own retry; no resend after the read
    assert caught.value.method == "POST"
    assert caught.value.path == "/payments/cancel"


async def test_a_refusal_in_the_second_round_does_not_hide_the_first_rounds_doubt(
    api: respx.MockRouter, client: Iamport
) -> None:
    # round one lost (a timeout each try), the read shows nothing yet; the resend is refused:
    # the first round may have landed since, so this is not a known refusal
    route = api.post("/payments/cancel").mock(
        side_effect=[
            *(httpx.ReadTimeout("lost") for _ in range(4)),
            httpx.Response(200, json=envelope(code=1, message="checksum mismatch")),
        ]
    )
    api.get("/payments/imp_1").respond(json=envelope(_cancelled()))
    with pytest.raises(OutcomeUnknownError):
        await payments(client).cancel("imp_1", amount=100, checksum=1000)
    assert route.call_count == 5


@pytest.mark.parametrize("given_checksum", [True, False])
async def test_a_close_during_the_read_back_leaves_the_outcome_unknown_naming_the_cancel(
    api: respx.MockRouter, client: Iamport, given_checksum: bool
) -> None:
    reading = anyio.Event()
    reads = 0

    async def read(request: httpx.Request) -> httpx.Response:
        nonlocal reads
        reads += 1
        if given_checksum or reads > 1:  # the settling read, not the balance read first
            reading.set()
            await anyio.sleep_forever()
        return httpx.Response(200, json=envelope(_cancelled()))

    api.get("/payments/imp_1").mock(side_effect=read)
    api.post("/payments/cancel").mock(
        side_effect=[
            httpx.ReadTimeout("lost"),
            httpx.Response(200, json=envelope(code=1, message="checksum mismatch")),
        ]
    )
    caught: list[BaseException] = []

    async def cancel() -> None:
        try:
            await payments(client).cancel(
                "imp_1", amount=100, checksum=1000 if given_checksum else None
            )
        except ClientClosedError as error:
            caught.append(error)

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(cancel)
        await reading.wait()
        await client.aclose()
    [error] = caught
    assert isinstance(error, ClientClosedError)
    assert error.outcome_known is False
    assert "POST /payments/cancel" in str(error)
    assert "checksum=1000" in str(error)


# --- no refund lands twice, even late (the bundled fake, in-process) --------------------


class LateLanding(httpx.AsyncBaseTransport):
    """The fake behind a PG that answers late: the first cancel times out at the client and
    is applied by the server only later (at the next request, or when the test says)."""

    def __init__(self, fake: FakeIamport, *, at_next_request: bool) -> None:
        self._inner = fake.transport()
        self._at_next_request = at_next_request
        self.held: httpx.Request | None = None
        self._done = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.held is not None and self._at_next_request:
            await self.land()
        if not self._done and request.method == "POST" and request.url.path.endswith("/cancel"):
            self._done = True
            await request.aread()
            self.held = request
            raise httpx.ReadTimeout("the PG is slow", request=request)
        return await self._inner.handle_async_request(request)

    async def land(self) -> None:
        """The server applies (or refuses) the held request now; its answer goes nowhere."""
        held, self.held = self.held, None
        assert held is not None
        await self._inner.handle_async_request(held)


@pytest.mark.parametrize(
    "at_next_request", [True, False], ids=["lands-before-the-retry", "lands-after-the-call"]
)
@pytest.mark.parametrize("given_checksum", [None, 10_000], ids=["no-checksum", "checksum"])
async def test_a_cancel_that_lands_late_refunds_once(
    at_next_request: bool, given_checksum: int | None
) -> None:
    fake = FakeIamport(clock=VirtualClock())
    fake.add_payment(imp_uid="imp_late", amount=10_000, status="paid")
    late = LateLanding(fake, at_next_request=at_next_request)
    async with Iamport(
        imp_key=fake.imp_key,
        imp_secret="test_imp_secret",
        transport=late,
        clock=fake.clock,
        seed=1,
    ) as client:
        after = await client.payments.cancel(
            "imp_late", amount=3000, checksum=given_checksum, reason="late"
        )
        assert after.cancel_amount == 3000
        if late.held is not None:
            await late.land()  # long after the call returned
        # the app, unsure, repeats the refund as the docs say: the same checksum and reason
        again = await client.payments.cancel(
            "imp_late", amount=3000, checksum=10_000, reason="late"
        )
        assert again.cancel_amount == 3000
    assert fake.stats.cancels == 1
    assert fake.payment("imp_late")["cancel_amount"] == 3000  # type: ignore[index]


async def test_cancel_safely_refuses_a_field_cancel_does_not_have_before_sending(
    api: respx.MockRouter, client: Iamport
) -> None:
    read = api.get("/payments/imp_1").respond(json=envelope(payment("imp_1")))
    with pytest.raises(InvalidInputError) as caught:
        await payments(client).cancel_safely("imp_1", amout=100)  # a typo
    assert caught.value.field == "amout"
    assert not read.called
    assert not api.routes["token"].called
