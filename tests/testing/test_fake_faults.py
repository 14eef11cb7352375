"""Faults on demand, and what the client sees of each: the same as over a real socket."""

from __future__ import annotations

import anyio
import httpx
import pytest

from iamport_async import Iamport, Idempotency
from iamport_async.errors import (
    BusinessError,
    ConnectionLost,
    ResponseValidationError,
    ServerError,
)
from iamport_async.testing import FakeIamport, VirtualClock
from tests.testing.conftest import authorized

pytestmark = pytest.mark.anyio

GET_PAYMENT = "GET /payments/{imp_uid}"
CANCEL = "POST /payments/cancel"


def virtual(fake: FakeIamport) -> VirtualClock:
    assert isinstance(fake.clock, VirtualClock)
    return fake.clock


@pytest.mark.parametrize("answer", ["503", "502", "500_html", "truncated_json", "timeout"])
async def test_reads_are_retried_through_transient_faults(
    iamport_fake: FakeIamport, iamport_client: Iamport, answer: str
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", amount=1000)
    iamport_fake.faults.script(answer)  # type: ignore[arg-type]
    assert (await iamport_client.request("GET", "/payments/imp_1"))["amount"] == 1000
    assert iamport_fake.stats.requests[GET_PAYMENT] == 2
    assert iamport_fake.stats.faults_injected == 1
    assert iamport_fake.faults.pending == 0
    logged = [r for r in iamport_fake.requests if r.operation == GET_PAYMENT]
    assert [r.fault for r in logged] == [answer, None]


@pytest.mark.parametrize(
    ("answer", "status"), [("503", 503), ("502", 502), ("500_html", 500), ("truncated_json", 200)]
)
async def test_raw_fault_answers(
    iamport_fake: FakeIamport, raw: httpx.AsyncClient, answer: str, status: int
) -> None:
    await authorized(raw)
    iamport_fake.add_payment(imp_uid="imp_1")
    iamport_fake.faults.script(answer)  # type: ignore[arg-type]
    got = await raw.get("/payments/imp_1")
    assert got.status_code == status
    with pytest.raises(ValueError, match=r"."):  # none of them is a JSON envelope
        got.json()


async def test_connection_faults_raise_what_a_socket_would(
    iamport_fake: FakeIamport, raw: httpx.AsyncClient
) -> None:
    await authorized(raw)
    iamport_fake.add_payment(imp_uid="imp_1")
    iamport_fake.faults.script("drop_before", "drop_after", "timeout")
    with pytest.raises(httpx.ConnectError):
        await raw.get("/payments/imp_1")
    with pytest.raises(httpx.RemoteProtocolError):
        await raw.get("/payments/imp_1")
    started = virtual(iamport_fake).now
    with pytest.raises(httpx.ReadTimeout):
        await raw.get("/payments/imp_1", timeout=7.0)
    assert virtual(iamport_fake).now - started == pytest.approx(7.0)  # the wait, in virtual time
    assert [r.status for r in iamport_fake.requests][-3:] == [None, None, None]


async def test_scripted_401_makes_the_client_replay_with_the_same_token(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1")
    await iamport_client.request("GET", "/payments/imp_1")
    iamport_fake.faults.script("401")
    await iamport_client.request("GET", "/payments/imp_1")
    assert iamport_fake.stats.statuses[401] == 1
    assert iamport_fake.stats.requests["POST /users/getToken"] == 2
    assert iamport_fake.stats.tokens_issued == 1  # still valid: the server hands it back


async def test_drop_after_an_unguarded_cancel_is_not_retried_and_the_refund_happened(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", amount=10_000)
    iamport_fake.faults.script("drop_after", operations=[CANCEL])
    with pytest.raises(ConnectionLost):
        await iamport_client.request(
            "POST",
            "/payments/cancel",
            json={"imp_uid": "imp_1", "amount": 1000},
            idempotency=Idempotency.UNGUARDED,
        )
    assert iamport_fake.stats.requests[CANCEL] == 1
    assert iamport_fake.stats.cancels == 1  # the server did it; the client never heard
    assert iamport_fake.payment("imp_1")["cancel_amount"] == 1000  # type: ignore[index]


async def test_checksum_turns_the_ambiguous_retry_into_a_refusal(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", amount=10_000)
    iamport_fake.faults.script("drop_after", operations=[CANCEL])
    with pytest.raises(BusinessError) as caught:
        await iamport_client.request(
            "POST",
            "/payments/cancel",
            json={"imp_uid": "imp_1", "amount": 1000, "checksum": 10_000},
            idempotency=Idempotency.GUARDED,
        )
    assert caught.value.after_ambiguous_failure
    assert iamport_fake.stats.requests[CANCEL] == 2
    assert iamport_fake.stats.cancels == 1
    assert iamport_fake.stats.cancelled_amount == 1000


async def test_without_the_guard_a_retry_refunds_twice(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    """The failure the fake exists to show: a retried partial cancel without ``checksum``."""
    iamport_fake.add_payment(imp_uid="imp_1", amount=10_000)
    iamport_fake.faults.script("drop_after", operations=[CANCEL])
    await iamport_client.request(
        "POST",
        "/payments/cancel",
        json={"imp_uid": "imp_1", "amount": 1000},
        idempotency=Idempotency.GUARDED,  # wrongly: nothing guards this call
    )
    assert iamport_fake.stats.cancels == 2
    assert iamport_fake.payment("imp_1")["cancel_amount"] == 2000  # type: ignore[index]


async def test_drop_before_is_retried_even_for_a_mutation_and_refunds_once(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", amount=10_000)
    iamport_fake.faults.script("drop_before", operations=[CANCEL])
    done = await iamport_client.request(
        "POST",
        "/payments/cancel",
        json={"imp_uid": "imp_1", "amount": 1000},
        idempotency=Idempotency.UNGUARDED,
    )
    assert done["cancel_amount"] == 1000
    assert iamport_fake.stats.requests[CANCEL] == 2
    assert iamport_fake.stats.cancels == 1


async def test_faults_give_up_after_the_retries(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1")
    iamport_fake.faults.script("503", "503", "503", "503")
    with pytest.raises(ServerError) as caught:
        await iamport_client.request("GET", "/payments/imp_1")
    assert caught.value.status == 503
    assert iamport_fake.stats.requests[GET_PAYMENT] == 4  # 1 + max_retries (3)


async def test_truncated_json_on_a_mutation_is_not_retried(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", amount=1000)
    iamport_fake.faults.script("truncated_json", operations=[CANCEL])
    with pytest.raises(ResponseValidationError):
        await iamport_client.request(
            "POST", "/payments/cancel", json={"imp_uid": "imp_1"}, idempotency=Idempotency.UNGUARDED
        )
    assert iamport_fake.stats.cancels == 1


async def test_script_matches_only_the_named_operations(
    iamport_fake: FakeIamport, raw: httpx.AsyncClient
) -> None:
    await authorized(raw)
    iamport_fake.add_payment(imp_uid="imp_1")
    iamport_fake.faults.script("503", operations=["GET /payments/{imp_uid}/balance"])
    assert (await raw.get("/payments/imp_1")).status_code == 200
    assert (await raw.get("/payments/imp_1/balance")).status_code == 503
    assert (await raw.get("/payments/imp_1/balance")).status_code == 200


async def test_unnamed_script_leaves_token_requests_alone(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1")
    iamport_fake.faults.script("503")
    await iamport_client.request("GET", "/payments/imp_1")
    token = [r for r in iamport_fake.requests if r.operation == "POST /users/getToken"]
    assert [r.status for r in token] == [200]


async def test_token_requests_can_be_faulted_by_name(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1")
    iamport_fake.faults.script("503", operations=["POST /users/getToken"])
    await iamport_client.request("GET", "/payments/imp_1")
    assert iamport_fake.stats.requests["POST /users/getToken"] == 2


def test_bad_fault_names_are_refused(iamport_fake: FakeIamport) -> None:
    with pytest.raises(ValueError, match="unknown answer"):
        iamport_fake.faults.script("504")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown operation"):
        iamport_fake.faults.script("503", operations=["GET /payment/{imp_uid}"])
    with pytest.raises(ValueError, match=">= 0"):
        iamport_fake.faults.latency(-1)
    with pytest.raises(ValueError, match="> 0"):
        iamport_fake.faults.rate_limit(0)


async def test_clear_removes_every_fault(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1")
    iamport_fake.faults.script("503", "503")
    iamport_fake.faults.latency(5)
    iamport_fake.faults.rate_limit(1)
    iamport_fake.faults.clear()
    started = virtual(iamport_fake).now
    for _ in range(3):
        await iamport_client.request("GET", "/payments/imp_1")
    assert virtual(iamport_fake).now == started
    assert iamport_fake.stats.faults_injected == 0


async def test_latency_passes_on_the_fake_clock_and_counts_requests_in_flight(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1")
    await iamport_client.request("GET", "/payments/imp_1")  # token first
    iamport_fake.faults.latency(0.2, jitter=0.1)
    started = virtual(iamport_fake).now
    async with anyio.create_task_group() as group:
        for _ in range(10):
            group.start_soon(iamport_client.request, "GET", "/payments/imp_1")
    elapsed = virtual(iamport_fake).now - started
    assert 0.2 <= elapsed <= 0.3 + 1e-9  # concurrent: one latency, not ten
    assert iamport_fake.stats.max_in_flight == 10
    assert iamport_fake.stats.in_flight == 0


async def test_rate_limit_answers_429_with_retry_after_and_the_client_waits(
    iamport_fake: FakeIamport, iamport_client: Iamport, raw: httpx.AsyncClient
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1")
    await authorized(raw)
    iamport_fake.faults.rate_limit(2, retry_after=3)
    answers = [await raw.get("/payments/imp_1") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].headers["retry-after"] == "3"
    assert answers[2].json()["code"] != 0
    started = virtual(iamport_fake).now
    await iamport_client.request("GET", "/payments/imp_1")
    assert virtual(iamport_fake).now - started >= 3  # honoured Retry-After
    assert iamport_fake.stats.statuses[429] >= 2


async def test_request_log_keeps_no_body_and_no_secret(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    card = {"card_number": "5361-1234-5678-9012", "expiry": "2031-01", "pwd_2digit": "42"}
    await iamport_client.request("POST", "/subscribe/customers/c1", json=card)
    logged = repr(list(iamport_fake.requests)) + repr(iamport_fake.stats) + repr(iamport_fake)
    for secret in ("5678-9012", "2031-01", "test_imp_secret", iamport_fake.token.access_token):  # type: ignore[union-attr]
        assert secret not in logged
    assert [r.operation for r in iamport_fake.requests] == [
        "POST /users/getToken",
        "POST /subscribe/customers/{customer_uid}",
    ]


async def test_stats_reset(iamport_fake: FakeIamport, iamport_client: Iamport) -> None:
    iamport_fake.add_payment(imp_uid="imp_1")
    await iamport_client.request("GET", "/payments/imp_1")
    assert iamport_fake.stats.total_requests == 2
    iamport_fake.stats.reset()
    assert iamport_fake.stats.total_requests == 0
    assert iamport_fake.stats.tokens_issued == 0
    await iamport_client.request("GET", "/payments/imp_1")  # the token is still valid
    assert iamport_fake.stats.requests == {GET_PAYMENT: 1}
