"""client.customers: billing keys against a mocked API."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints.customers import Customers
from iamport_async.errors import (
    BusinessError,
    InvalidInputError,
    NotFoundError,
    OutcomeUnknownError,
    RequestTimeout,
    UnauthorizedError,
)
from iamport_async.models.customer import Customer, SuperBillingKey
from iamport_async.models.payment import Payment
from iamport_async.models.schedule import Schedule, ScheduleStatus
from tests.conftest import envelope
from tests.endpoints._subscribe_payloads import (
    customer,
    paged,
    payment,
    schedule,
    super_billing_key,
)

pytestmark = pytest.mark.anyio

CARD = {
    "card_number": "4092-0230-1234-5678",
    "expiry": "2029-07",
    "birth": "880101",
    "pwd_2digit": "12",
}


def customers(client: Iamport) -> Customers:
    return Customers(client._engine)


def body_of(route: respx.Route) -> Any:
    return json.loads(route.calls.last.request.content)


async def test_issue_sends_the_card_and_only_the_fields_given(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.post("/subscribe/customers/cust_1").respond(json=envelope(customer()))
    key = await customers(client).issue(
        "cust_1", channel_key="channel-key-1", customer_name="홍길동", **CARD
    )
    assert body_of(route) == {"channel_key": "channel-key-1", "customer_name": "홍길동", **CARD}
    assert isinstance(key, Customer)
    assert key.customer_uid == "cust_1"
    assert key.card_type == 0
    assert key.inserted == datetime.fromtimestamp(1_700_000_000, UTC)


async def test_issue_with_a_channel_group_returns_a_super_billing_key(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.post("/subscribe/customers/cust_1").respond(json=envelope(super_billing_key()))
    key = await customers(client).issue(
        "cust_1", channel_key="channel-key-1", channel_group_id="group_1", **CARD
    )
    assert body_of(route)["channel_group_id"] == "group_1"
    assert isinstance(key, SuperBillingKey)
    assert key.channelGroupId == "group_1"
    assert [c.pg_provider for c in key.succeededChannels] == ["nice_v2"]
    assert key.failedChannels[0].type == "PG_PROVIDER"


async def test_a_customer_uid_that_needs_encoding_reaches_the_right_path(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.get(url__regex=r"/subscribe/customers/a%2Fb%3Fc$").respond(
        json=envelope(customer("a/b?c"))
    )
    assert (await customers(client).get("a/b?c")).customer_uid == "a/b?c"
    assert route.called


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("card_number", "4092023012345678"),
        ("card_number", "4092-0230-1234-56"),
        ("card_number", "4092-0230-1234-56789"),
        ("card_number", "４０９２-0230-1234-5678"),  # full-width digits
        ("expiry", "07/29"),
        ("expiry", "2029-13"),
        ("expiry", "202907"),
        ("birth", "8801011"),
        ("birth", "88-01-01"),
        ("pwd_2digit", "123"),
        ("pwd_2digit", "1a"),
        ("cvc", "12"),
    ],
)
async def test_a_malformed_card_field_is_refused_unsent_and_not_echoed(
    api: respx.MockRouter, client: Iamport, field: str, value: str
) -> None:
    route = api.post("/subscribe/customers/cust_1").respond(json=envelope(customer()))
    with pytest.raises(InvalidInputError) as caught:
        await customers(client).issue(
            "cust_1", channel_key="channel-key-1", **{**CARD, field: value}
        )
    assert caught.value.field == field
    assert value not in str(caught.value)
    assert value not in repr(caught.value)
    assert not route.called


@pytest.mark.parametrize(
    "card_number", ["3782-822463-10005", "3782-8224-6310-005", "3056-930902-5904"]
)
async def test_fifteen_and_fourteen_digit_card_forms_are_accepted(
    api: respx.MockRouter, client: Iamport, card_number: str
) -> None:
    route = api.post("/subscribe/customers/cust_1").respond(json=envelope(customer()))
    await customers(client).issue(
        "cust_1", channel_key="channel-key-1", card_number=card_number, expiry="2029-07"
    )
    assert body_of(route)["card_number"] == card_number


async def test_a_card_refusal_raises_without_any_card_data_in_error_or_logs(
    api: respx.MockRouter, client: Iamport, caplog: pytest.LogCaptureFixture
) -> None:
    api.post("/subscribe/customers/cust_1").respond(
        json=envelope(code=-1, message="카드정보 인증에 실패하였습니다.")
    )
    caplog.set_level(logging.DEBUG, logger="iamport_async")
    with pytest.raises(BusinessError) as caught:
        await customers(client).issue("cust_1", channel_key="channel-key-1", **CARD)
    assert caught.value.code == -1
    shown = str(caught.value) + repr(caught.value) + caught.value.body + caplog.text
    for secret in CARD.values():
        assert secret not in shown


async def test_issue_is_not_resent_after_a_timeout(api: respx.MockRouter, client: Iamport) -> None:
    route = api.post("/subscribe/customers/cust_1").mock(side_effect=httpx.ReadTimeout("timed out"))
    old_key = customer(updated=1_600_000_000)  # before the server time of the token answer
    read = api.get("/subscribe/customers/cust_1").respond(json=envelope(old_key))
    with pytest.raises(OutcomeUnknownError) as caught:
        await customers(client).issue("cust_1", channel_key="channel-key-1", **CARD)
    assert isinstance(caught.value.cause, RequestTimeout)
    assert route.call_count == 1
    assert read.call_count == 1  # read back, and the key that stood before is not taken


async def test_get_returns_either_kind_of_key(api: respx.MockRouter, client: Iamport) -> None:
    api.get("/subscribe/customers/cust_1").respond(json=envelope(customer()))
    api.get("/subscribe/customers/cust_2").respond(json=envelope(super_billing_key("cust_2")))
    assert isinstance(await customers(client).get("cust_1"), Customer)
    assert isinstance(await customers(client).get("cust_2"), SuperBillingKey)


@pytest.mark.parametrize(
    ("status", "code", "error"), [(404, -1, NotFoundError), (200, 1, BusinessError)]
)
async def test_an_unknown_key_raises_as_404_or_as_code_1(
    api: respx.MockRouter, client: Iamport, status: int, code: int, error: type[Exception]
) -> None:
    message = "요청하신 customer_uid(nope)로 등록된 정보를 찾을 수 없습니다."
    api.get("/subscribe/customers/nope").respond(status, json=envelope(code=code, message=message))
    with pytest.raises(error):
        await customers(client).get("nope")


async def test_delete_sends_reason_and_requester_only_when_given(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.delete("/subscribe/customers/cust_1").respond(json=envelope(customer()))
    deleted = await customers(client).delete("cust_1", reason="해지", requester="customer")
    assert dict(route.calls.last.request.url.params) == {
        "reason": "해지",
        "extra[requester]": "customer",
    }
    assert deleted.customer_uid == "cust_1"
    await customers(client).delete("cust_1")
    assert not route.calls.last.request.url.params


async def test_delete_is_retried_after_a_server_error(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.delete("/subscribe/customers/cust_1").mock(
        side_effect=[
            httpx.Response(500, json=envelope(code=-1, message="down")),
            httpx.Response(200, json=envelope(customer())),
        ]
    )
    assert (await customers(client).delete("cust_1")).customer_uid == "cust_1"
    assert route.call_count == 2


async def test_ids_are_checked_before_sending(api: respx.MockRouter, client: Iamport) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await customers(client).get("")
    assert caught.value.field == "customer_uid"
    with pytest.raises(InvalidInputError) as caught:
        await customers(client).issue("", channel_key="k", **CARD)
    assert caught.value.field == "customer_uid"
    with pytest.raises(InvalidInputError) as caught:
        await customers(client).issue("cust_1", channel_key="", **CARD)
    assert caught.value.field == "channel_key"
    assert len(api.calls) == 0


# --- many keys at once --------------------------------------------------------------------


def multi_get(known: set[str]) -> Any:
    """``GET /subscribe/customers`` as the API answers: 200, 207 (some missing) or 404, the
    keys in reverse order so that matching by position would fail."""

    def handler(request: httpx.Request) -> httpx.Response:
        asked = request.url.params.get_list("customer_uid[]")
        found = [
            super_billing_key(uid) if uid.startswith("super") else customer(uid)
            for uid in asked
            if uid in known
        ]
        found.reverse()
        if not found:
            return httpx.Response(404, json=envelope(code=1, message="not found"))
        return httpx.Response(200 if len(found) == len(asked) else 207, json=envelope(found))

    return handler


async def test_get_many_chunks_by_100_and_reports_missing_keys(
    api: respx.MockRouter, client: Iamport
) -> None:
    asked = [f"cust_{n}" for n in range(150)] + ["super_1", "cust_0"]  # one repeat
    known = {f"cust_{n}" for n in range(0, 150, 2)} | {"super_1"}
    route = api.get("/subscribe/customers").mock(side_effect=multi_get(known))
    result = await customers(client).get_many(asked)
    assert route.call_count == 2
    sent = [call.request.url.params.get_list("customer_uid[]") for call in route.calls]
    assert sorted(len(chunk) for chunk in sent) == [51, 100]
    assert sorted(uid for chunk in sent for uid in chunk) == sorted(set(asked))
    assert result.kind == "customer_uid"
    assert [lookup.id for lookup in result] == list(dict.fromkeys(asked))
    assert list(result.found) == [uid for uid in dict.fromkeys(asked) if uid in known]
    for uid, key in result.found.items():
        assert key.customer_uid == uid
    assert isinstance(result.found["super_1"], SuperBillingKey)
    assert result.missing == [uid for uid in dict.fromkeys(asked) if uid not in known]
    assert "cust_1" in result.missing
    assert len(result.missing) == 75


async def test_get_many_with_none_found_reports_all_missing(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/subscribe/customers").mock(side_effect=multi_get(set()))
    result = await customers(client).get_many(["a", "b"])
    assert result.missing == ["a", "b"]
    assert not result.failed


async def test_get_many_fails_ids_on_a_404_that_is_not_the_apis(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/subscribe/customers").respond(404, text="Cannot GET /subscribe/customers")
    result = await customers(client).get_many(["a", "b"])
    assert result.missing == []
    assert list(result.failed) == ["a", "b"]
    assert "not an answer of the i'mport API" in str(result.failed["a"])


async def test_get_many_raises_refused_credentials_after_one_login(
    api: respx.MockRouter, client: Iamport
) -> None:
    token = api.post("/users/getToken", name="token").respond(
        401, json=envelope(code=-1, message="imp_key, imp_secret 인증에 실패하였습니다.")
    )
    api.get("/subscribe/customers").mock(side_effect=multi_get(set()))
    with pytest.raises(UnauthorizedError):
        await customers(client).get_many([f"cust_{n}" for n in range(5000)])
    assert token.call_count == 1


async def test_get_many_keeps_a_failed_chunk_apart(api: respx.MockRouter, client: Iamport) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if "bad" in request.url.params.get_list("customer_uid[]"):
            return httpx.Response(400, json=envelope(code=-1, message="bad request"))
        return multi_get({f"cust_{n}" for n in range(100)})(request)  # type: ignore[no-any-return]

    api.get("/subscribe/customers").mock(side_effect=handler)
    result = await customers(client).get_many([f"cust_{n}" for n in range(100)] + ["bad"])
    assert len(result.found) == 100
    assert list(result.failed) == ["bad"]


async def test_get_many_refuses_one_string(api: respx.MockRouter, client: Iamport) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await customers(client).get_many("cust_1")
    assert caught.value.field == "customer_uids"
    assert len(api.calls) == 0


# --- listings -----------------------------------------------------------------------------


async def test_payments_walks_every_page(api: respx.MockRouter, client: Iamport) -> None:
    pages = {
        "1": paged([payment("o1"), payment("o2")], total=3, page=1, last=2),
        "2": paged([payment("o3", status="failed")], total=3, page=2, last=2),
    }
    route = api.get("/subscribe/customers/cust_1/payments").mock(
        side_effect=lambda request: httpx.Response(
            200, json=envelope(pages[request.url.params["page"]])
        )
    )
    listing = customers(client).payments("cust_1")
    seen = [p async for p in listing]
    assert [p.merchant_uid for p in seen] == ["o1", "o2", "o3"]
    assert all(isinstance(p, Payment) for p in seen)
    assert [call.request.url.params["page"] for call in route.calls] == ["1", "2"]
    second = await customers(client).payments("cust_1", page=2)
    assert second.total == 3
    assert second.next == 0


NOW = datetime(2026, 1, 1, tzinfo=UTC)


async def test_schedules_sends_the_hyphenated_status_and_reads_a_page(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.get("/subscribe/customers/cust_1/schedules").respond(
        json=envelope(paged([schedule("o1"), schedule("o2")], total=2, page=1, last=1))
    )
    page = await customers(client).schedules(
        "cust_1",
        schedule_from=NOW,
        schedule_to=NOW + timedelta(days=30),
        schedule_status=ScheduleStatus.SCHEDULED,
    )
    assert dict(route.calls.last.request.url.params) == {
        "from": str(int(NOW.timestamp())),
        "to": str(int((NOW + timedelta(days=30)).timestamp())),
        "schedule-status": "scheduled",
        "page": "1",
    }
    assert [s.merchant_uid for s in page.list] == ["o1", "o2"]
    assert page.list[0].schedule_status is ScheduleStatus.SCHEDULED


async def test_schedules_also_reads_the_array_the_spec_describes(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.get("/subscribe/customers/cust_1/schedules").respond(
        json=envelope([schedule("o1"), schedule("o2"), schedule("o3")])
    )
    listing = customers(client).schedules(
        "cust_1", schedule_from=1_800_000_000, schedule_to=1_800_086_400
    )
    seen = [s async for s in listing]
    assert [s.merchant_uid for s in seen] == ["o1", "o2", "o3"]
    assert all(isinstance(s, Schedule) for s in seen)
    assert route.call_count == 1  # an array is the whole answer
    assert "schedule-status" not in route.calls.last.request.url.params


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (NOW, NOW + timedelta(days=93), "schedule_to"),  # wider than 3 months
        (NOW, NOW, "schedule_to"),  # empty
        (NOW, NOW - timedelta(days=1), "schedule_to"),  # backwards
        (datetime(2026, 1, 1), NOW + timedelta(days=1), "schedule_from"),  # naive
    ],
)
async def test_a_bad_schedule_range_is_refused_unsent(
    api: respx.MockRouter, client: Iamport, start: datetime, end: datetime, field: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        customers(client).schedules("cust_1", schedule_from=start, schedule_to=end)
    assert caught.value.field == field
    assert len(api.calls) == 0


async def test_three_calendar_months_are_accepted(api: respx.MockRouter, client: Iamport) -> None:
    api.get("/subscribe/customers/cust_1/schedules").respond(json=envelope([]))
    start = datetime(2026, 7, 1, tzinfo=UTC)
    page = await customers(client).schedules(
        "cust_1", schedule_from=start, schedule_to=datetime(2026, 10, 1, tzinfo=UTC)
    )
    assert page.total == 0
    assert page.list == ()


async def test_an_unknown_schedule_status_is_refused(
    api: respx.MockRouter, client: Iamport
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        customers(client).schedules(
            "cust_1", schedule_from=NOW, schedule_to=NOW + timedelta(days=1), schedule_status="x"
        )
    assert caught.value.field == "schedule_status"
    assert len(api.calls) == 0


def test_reprs_leave_out_card_and_personal_data() -> None:
    from iamport_async.models._converter import structure

    key = structure(customer(), Customer, status=200, method="GET", path="/x")
    shown = repr(key)
    assert "53651017****7540" not in shown
    assert "홍길동" not in shown
    assert "010-1234-5678" not in shown
    assert "cust_1" in shown


async def test_a_delete_whose_repeat_is_refused_reads_the_key_gone_as_a_404(
    api: respx.MockRouter, client: Iamport
) -> None:
    message = "요청하신 customer_uid(cust_1)로 등록된 정보를 찾을 수 없습니다."
    api.delete("/subscribe/customers/cust_1").mock(
        side_effect=[
            httpx.Response(500, json=envelope(code=-1, message="down")),
            httpx.Response(404, json=envelope(code=-1, message=message)),
        ]
    )
    read = api.get("/subscribe/customers/cust_1").respond(
        404, json=envelope(code=-1, message=message)
    )
    with pytest.raises(OutcomeUnknownError) as caught:
        await customers(client).delete("cust_1")
    assert read.call_count == 1
    assert any("the key is gone" in note for note in caught.value.__notes__)
