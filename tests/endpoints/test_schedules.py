"""Scheduled payments: schedule, unschedule, the listings, and changing one schedule."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints.subscribe import ScheduleEntry, Subscribe
from iamport_async.errors import (
    BusinessError,
    InvalidInputError,
    NotFoundError,
    OutcomeUnknownError,
    ServerError,
)
from iamport_async.models.payment import PaymentStatus
from iamport_async.models.schedule import Schedule, SchedulePaymentStatus, ScheduleStatus
from tests.conftest import envelope
from tests.endpoints._subscribe_payloads import paged, payment, schedule

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
NOW_UNIX = int(NOW.timestamp())


def subscribe(client: Iamport, now: datetime = NOW) -> Subscribe:
    return Subscribe(client._engine, now=lambda: now)


def body_of(route: respx.Route) -> Any:
    return json.loads(route.calls.last.request.content)


def entry(merchant_uid: str, at: datetime | int, **fields: Any) -> ScheduleEntry:
    arguments: dict[str, Any] = {"amount": 9900, "currency": "KRW", "name": "월간 이용권"}
    return ScheduleEntry(merchant_uid=merchant_uid, schedule_at=at, **{**arguments, **fields})


# --- schedule -----------------------------------------------------------------------------


async def test_schedule_sends_each_entry_as_the_api_spells_it(
    api: respx.MockRouter, client: Iamport
) -> None:
    first = NOW + timedelta(days=30)
    route = api.post("/subscribe/payments/schedule").respond(
        json=envelope([schedule("o1"), schedule("o2")])
    )
    registered = await subscribe(client).schedule(
        customer_uid="cust_1",
        schedules=[
            entry("o1", first, buyer_name="홍길동", amount=Decimal("9900.5"), currency="USD"),
            entry("o2", NOW_UNIX + 86400 * 60, extra={"naverUseCfm": "20260531"}),
        ],
    )
    assert body_of(route) == {
        "customer_uid": "cust_1",
        "schedules": [
            {
                "merchant_uid": "o1",
                "schedule_at": int(first.timestamp()),
                "amount": 9900.5,
                "currency": "USD",
                "name": "월간 이용권",
                "buyer_name": "홍길동",
            },
            {
                "merchant_uid": "o2",
                "schedule_at": NOW_UNIX + 86400 * 60,
                "amount": 9900,
                "currency": "KRW",
                "name": "월간 이용권",
                "extra": {"naverUseCfm": "20260531"},
            },
        ],
    }
    assert [s.merchant_uid for s in registered] == ["o1", "o2"]
    assert registered[0].schedule_status is ScheduleStatus.SCHEDULED
    assert registered[0].payment_status is None
    assert registered[0].schedule_at == datetime.fromtimestamp(1_800_000_000, UTC)


async def test_schedule_with_card_fields_sends_them(api: respx.MockRouter, client: Iamport) -> None:
    route = api.post("/subscribe/payments/schedule").respond(json=envelope([schedule("o1")]))
    await subscribe(client).schedule(
        customer_uid="cust_1",
        schedules=[entry("o1", NOW + timedelta(hours=1))],
        card_number="4092-0230-1234-5678",
        expiry="2029-07",
        checking_amount=1000,
    )
    sent = body_of(route)
    assert sent["card_number"] == "4092-0230-1234-5678"
    assert sent["expiry"] == "2029-07"
    assert sent["checking_amount"] == 1000
    assert "birth" not in sent
    assert "pwd_2digit" not in sent


async def test_schedule_also_reads_a_paged_answer(api: respx.MockRouter, client: Iamport) -> None:
    api.post("/subscribe/payments/schedule").respond(
        json=envelope(paged([schedule("o1")], total=1, page=1, last=1))
    )
    registered = await subscribe(client).schedule(
        customer_uid="cust_1", schedules=[entry("o1", NOW + timedelta(days=1))]
    )
    assert [s.merchant_uid for s in registered] == ["o1"]


@pytest.mark.parametrize(
    ("at", "field"),
    [
        (NOW - timedelta(seconds=1), "schedules[1].schedule_at"),
        (NOW, "schedules[1].schedule_at"),
        (NOW_UNIX - 3600, "schedules[1].schedule_at"),
    ],
)
async def test_a_schedule_at_not_in_the_future_is_refused_unsent(
    api: respx.MockRouter, client: Iamport, at: datetime | int, field: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await subscribe(client).schedule(
            customer_uid="cust_1",
            schedules=[entry("o1", NOW + timedelta(days=1)), entry("o2", at)],
        )
    assert caught.value.field == field
    assert len(api.calls) == 0


async def test_the_future_is_judged_by_the_injected_clock(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.post("/subscribe/payments/schedule").respond(json=envelope([schedule("o1")]))
    at = NOW + timedelta(minutes=5)
    await subscribe(client, now=NOW).schedule(customer_uid="cust_1", schedules=[entry("o1", at)])
    with pytest.raises(InvalidInputError):
        await subscribe(client, now=at + timedelta(seconds=1)).schedule(
            customer_uid="cust_1", schedules=[entry("o1", at)]
        )


async def test_a_repeated_merchant_uid_is_refused_unsent(
    api: respx.MockRouter, client: Iamport
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await subscribe(client).schedule(
            customer_uid="cust_1",
            schedules=[
                entry("o1", NOW + timedelta(days=1)),
                entry("o2", NOW + timedelta(days=2)),
                entry("o1", NOW + timedelta(days=3)),
            ],
        )
    assert caught.value.field == "schedules[2].merchant_uid"
    assert len(api.calls) == 0


@pytest.mark.parametrize(
    ("schedules", "field"),
    [([], "schedules"), ("o1", "schedules"), ([{"merchant_uid": "o1"}], "schedules[0]")],
)
async def test_schedules_must_be_a_list_of_entries(
    api: respx.MockRouter, client: Iamport, schedules: Any, field: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await subscribe(client).schedule(customer_uid="cust_1", schedules=schedules)
    assert caught.value.field == field
    assert len(api.calls) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"schedule_at": datetime(2030, 1, 1)}, "schedule_at"),  # naive
        ({"schedule_at": 0}, "schedule_at"),
        ({"amount": -100}, "amount"),
        ({"amount": 9900.0}, "amount"),
        ({"tax_free": 10_000}, "tax_free"),
        ({"merchant_uid": ""}, "merchant_uid"),
        ({"name": "x" * 41}, "name"),
        ({"currency": ""}, "currency"),
        ({"buyer_postcode": "123456789"}, "buyer_postcode"),
        ({"product_count": 0}, "product_count"),
    ],
)
def test_a_bad_entry_is_refused_when_built(changes: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {
        "merchant_uid": "o1",
        "schedule_at": NOW + timedelta(days=1),
        "amount": 9900,
        "currency": "KRW",
        "name": "월간 이용권",
        **changes,
    }
    with pytest.raises(InvalidInputError) as caught:
        ScheduleEntry(**arguments)
    assert caught.value.field == field


def test_an_entry_repr_leaves_out_the_buyer() -> None:
    shown = repr(entry("o1", NOW, buyer_name="홍길동", buyer_tel="010-1234-5678"))
    assert "홍길동" not in shown
    assert "010-1234-5678" not in shown
    assert "o1" in shown


async def test_schedule_is_not_resent_after_a_server_error(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.post("/subscribe/payments/schedule").respond(
        500, json=envelope(code=-1, message="internal")
    )
    api.get("/subscribe/payments/schedule/o1").respond(
        404, json=envelope(code=-1, message="no schedule")
    )
    with pytest.raises(OutcomeUnknownError) as caught:
        await subscribe(client).schedule(
            customer_uid="cust_1", schedules=[entry("o1", NOW + timedelta(days=1))]
        )
    assert route.call_count == 1
    assert isinstance(caught.value.cause, ServerError)
    assert "get_schedule" in caught.value.check


async def test_schedule_whose_answer_was_lost_is_read_back(
    api: respx.MockRouter, client: Iamport
) -> None:
    when = NOW + timedelta(days=1)
    api.post("/subscribe/payments/schedule").mock(side_effect=httpx.ReadTimeout("lost"))
    api.get("/subscribe/payments/schedule/o1").respond(
        json=envelope(schedule("o1", schedule_at=int(when.timestamp())))
    )
    made = await subscribe(client).schedule(customer_uid="cust_1", schedules=[entry("o1", when)])
    assert [s.merchant_uid for s in made] == ["o1"]


async def test_schedule_for_an_unknown_customer_raises_the_business_error(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.post("/subscribe/payments/schedule").respond(
        json=envelope(code=1, message="등록되지 않은 구매자입니다.")
    )
    with pytest.raises(BusinessError) as caught:
        await subscribe(client).schedule(
            customer_uid="nobody", schedules=[entry("o1", NOW + timedelta(days=1))]
        )
    assert caught.value.code == 1


# --- unschedule ---------------------------------------------------------------------------


async def test_unschedule_sends_what_is_given(api: respx.MockRouter, client: Iamport) -> None:
    route = api.post("/subscribe/payments/unschedule").respond(
        json=envelope([schedule("o1", schedule_status="revoked", revoked_at=1_700_000_000)])
    )
    revoked = await subscribe(client).unschedule(customer_uid="cust_1", merchant_uid=["o1", "o1"])
    assert body_of(route) == {"customer_uid": "cust_1", "merchant_uid": ["o1"]}
    assert revoked[0].schedule_status is ScheduleStatus.REVOKED
    await subscribe(client).unschedule(merchant_uid="o2")
    assert body_of(route) == {"merchant_uid": ["o2"]}
    await subscribe(client).unschedule(customer_uid="cust_1")
    assert body_of(route) == {"customer_uid": "cust_1"}


async def test_an_unschedule_answered_2xx_that_cannot_be_read_is_read_back(
    api: respx.MockRouter, client: Iamport
) -> None:
    # A 2xx means the server acted: the schedules are read back, not reported unrevoked.
    api.post("/subscribe/payments/unschedule").respond(json=envelope([{"amount": "lots"}]))
    api.get("/subscribe/payments/schedule/o1").respond(
        json=envelope(schedule("o1", schedule_status="revoked", revoked_at=1_700_000_000))
    )
    revoked = await subscribe(client).unschedule(merchant_uid="o1")
    assert [s.schedule_status for s in revoked] == [ScheduleStatus.REVOKED]


async def test_unschedule_needs_something_to_revoke(api: respx.MockRouter, client: Iamport) -> None:
    with pytest.raises(InvalidInputError):
        await subscribe(client).unschedule()
    with pytest.raises(InvalidInputError) as caught:
        await subscribe(client).unschedule(merchant_uid=[])
    assert caught.value.field == "merchant_uid"
    assert len(api.calls) == 0


async def test_unschedule_is_retried_and_nothing_left_is_a_business_error(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.post("/subscribe/payments/unschedule").mock(
        side_effect=[
            httpx.Response(503, json=envelope(code=-1, message="busy")),
            httpx.Response(
                200, json=envelope(code=1, message="취소할 예약결제 기록이 존재하지 않습니다.")
            ),
        ]
    )
    api.get("/subscribe/payments/schedule/o1").respond(
        json=envelope(schedule("o1", schedule_status="revoked"))
    )
    revoked = await subscribe(client).unschedule(merchant_uid=["o1"])
    assert route.call_count == 2  # the repeat is refused: the first attempt worked
    assert [s.schedule_status for s in revoked] == [ScheduleStatus.REVOKED]


async def test_unschedule_refused_with_the_schedule_still_pending_is_outcome_unknown(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.post("/subscribe/payments/unschedule").mock(
        side_effect=[
            httpx.Response(503, json=envelope(code=-1, message="busy")),
            httpx.Response(200, json=envelope(code=1, message="nothing to revoke")),
        ]
    )
    api.get("/subscribe/payments/schedule/o1").respond(json=envelope(schedule("o1")))
    with pytest.raises(OutcomeUnknownError) as caught:
        await subscribe(client).unschedule(merchant_uid=["o1"])
    assert isinstance(caught.value.cause, BusinessError)


# --- listings -----------------------------------------------------------------------------


async def test_schedules_by_range_sends_the_spec_names_and_walks_pages(
    api: respx.MockRouter, client: Iamport
) -> None:
    pages = {
        "1": paged([schedule("o1"), schedule("o2")], total=3, page=1, last=2),
        "2": paged(
            [schedule("o3", schedule_status="executed", payment_status="paid")],
            total=3,
            page=2,
            last=2,
        ),
    }
    route = api.get("/subscribe/payments/schedule").mock(
        side_effect=lambda request: httpx.Response(
            200, json=envelope(pages[request.url.params["page"]])
        )
    )
    listing = subscribe(client).schedules(
        schedule_from=NOW,
        schedule_to=NOW + timedelta(days=90),
        schedule_status="executed",
        limit=2,
        sorting="scheduled",
    )
    seen = [s async for s in listing]
    assert [s.merchant_uid for s in seen] == ["o1", "o2", "o3"]
    assert seen[2].payment_status is SchedulePaymentStatus.PAID
    assert dict(route.calls[0].request.url.params) == {
        "schedule_from": str(NOW_UNIX),
        "schedule_to": str(NOW_UNIX + 90 * 86400),
        "schedule_status": "executed",
        "limit": "2",
        "sorting": "scheduled",
        "page": "1",
    }
    assert route.calls[1].request.url.params["page"] == "2"


async def test_schedules_by_range_reads_an_array_too(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.get("/subscribe/payments/schedule").respond(json=envelope([schedule("o1")]))
    page = await subscribe(client).schedules(schedule_from=NOW, schedule_to=NOW + timedelta(1))
    assert page.total == 1
    assert page.next == 0
    assert set(route.calls.last.request.url.params) == {"schedule_from", "schedule_to", "page"}


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"limit": 1001}, "limit"),
        ({"limit": 0}, "limit"),
        ({"page": 0}, "page"),
        ({"schedule_to": NOW + timedelta(days=100)}, "schedule_to"),
        ({"schedule_status": "paid"}, "schedule_status"),
    ],
)
async def test_schedules_by_range_refuses_bad_input(
    api: respx.MockRouter, client: Iamport, arguments: dict[str, Any], field: str
) -> None:
    given: dict[str, Any] = {
        "schedule_from": NOW,
        "schedule_to": NOW + timedelta(days=1),
        **arguments,
    }
    with pytest.raises(InvalidInputError) as caught:
        subscribe(client).schedules(**given)
    assert caught.value.field == field
    assert len(api.calls) == 0


async def test_customer_schedules_uses_its_own_path_and_the_hyphen(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.get("/subscribe/payments/schedule/customers/cust_1").respond(
        json=envelope(paged([schedule("o1")], total=1, page=1, last=1))
    )
    page = await subscribe(client).customer_schedules(
        "cust_1",
        schedule_from=NOW,
        schedule_to=NOW + timedelta(days=7),
        schedule_status=ScheduleStatus.REVOKED,
    )
    assert dict(route.calls.last.request.url.params) == {
        "from": str(NOW_UNIX),
        "to": str(NOW_UNIX + 7 * 86400),
        "schedule-status": "revoked",
        "page": "1",
    }
    assert isinstance(page.list[0], Schedule)


# --- one schedule -------------------------------------------------------------------------


async def test_get_schedule(api: respx.MockRouter, client: Iamport) -> None:
    api.get("/subscribe/payments/schedule/o1").respond(
        json=envelope(schedule("o1", schedule_status="someday", extra_field=1))
    )
    found = await subscribe(client).get_schedule("o1")
    assert found.merchant_uid == "o1"
    assert found.schedule_status == "someday"  # an unknown status is kept, not a crash
    assert found.unknown_fields == {"extra_field": 1}
    api.get("/subscribe/payments/schedule/nope").respond(
        404, json=envelope(code=-1, message="not found")
    )
    with pytest.raises(NotFoundError):
        await subscribe(client).get_schedule("nope")


@pytest.mark.parametrize(
    ("method", "url", "call"),
    [
        ("PUT", "/subscribe/payments/schedule/o1", "update_schedule"),
        ("POST", "/subscribe/payments/schedule/o1/reschedule", "reschedule"),
    ],
)
async def test_moving_a_schedule_sends_schedule_at_and_is_retried(
    api: respx.MockRouter, client: Iamport, method: str, url: str, call: str
) -> None:
    at = NOW + timedelta(days=3)
    route = api.route(method=method, path=url).mock(
        side_effect=[
            httpx.Response(500, json=envelope(code=-1, message="internal")),
            httpx.Response(200, json=envelope(schedule("o1", schedule_at=int(at.timestamp())))),
        ]
    )
    moved = await getattr(subscribe(client), call)("o1", schedule_at=at)
    assert body_of(route) == {"schedule_at": int(at.timestamp())}
    assert moved.schedule_at == at
    assert route.call_count == 2


@pytest.mark.parametrize("call", ["update_schedule", "reschedule"])
async def test_moving_a_schedule_into_the_past_is_refused(
    api: respx.MockRouter, client: Iamport, call: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await getattr(subscribe(client), call)("o1", schedule_at=NOW - timedelta(minutes=1))
    assert caught.value.field == "schedule_at"
    assert len(api.calls) == 0


async def test_retry_returns_the_payment_and_is_never_resent(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.post("/subscribe/payments/schedule/o1/retry").respond(
        json=envelope(payment("o1", status="failed"))
    )
    retried = await subscribe(client).retry("o1")
    assert retried.status is PaymentStatus.FAILED
    route.mock(side_effect=[httpx.Response(500, json=envelope(code=-1, message="internal"))])
    with pytest.raises(OutcomeUnknownError) as caught:
        await subscribe(client).retry("o1")
    assert isinstance(caught.value.cause, ServerError)
    assert "get_schedule" in caught.value.check
    assert route.call_count == 2  # one each: the 500 was not resent
