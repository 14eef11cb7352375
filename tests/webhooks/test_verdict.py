"""Verification: the re-fetched payment decides, compared with what the merchant expected."""

from __future__ import annotations

from decimal import Decimal

import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints.payments import Payments
from iamport_async.errors import InvalidInputError, ServerError
from iamport_async.webhooks import (
    IAMPORT_SOURCES,
    Expected,
    InvalidWebhookError,
    SourcePolicy,
    Verdict,
    WebhookEvent,
    WebhookOutcome,
    WebhookVerifier,
    verify,
)
from tests.conftest import envelope
from tests.webhooks._payloads import payment

pytestmark = pytest.mark.anyio

IMP_UID = "imp_100"
ORDER = "order-1"
EVENT = WebhookEvent(imp_uid=IMP_UID, merchant_uid=ORDER, status="paid")
GET_PATH = f"/payments/{IMP_UID}"
NOT_FOUND = envelope(code=-1, message="존재하지 않는 결제정보입니다.")


@pytest.fixture
def payments(client: Iamport) -> Payments:
    return client.payments


def serve(api: respx.MockRouter, **fields: object) -> respx.Route:
    return api.get(GET_PATH).respond(json=envelope(payment(IMP_UID, ORDER, **fields)))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "outcome"),
    [
        ({"status": "paid"}, WebhookOutcome.PAID),
        ({"status": "paid", "amount": 1500}, WebhookOutcome.MISMATCH),
        ({"status": "paid", "currency": "USD"}, WebhookOutcome.MISMATCH),
        ({"status": "ready", "pay_method": "vbank"}, WebhookOutcome.READY),
        ({"status": "ready", "amount": 100}, WebhookOutcome.MISMATCH),
        ({"status": "cancelled", "cancel_amount": 15000}, WebhookOutcome.CANCELLED),
        ({"status": "cancelled", "amount": 99, "cancel_amount": 99}, WebhookOutcome.CANCELLED),
        ({"status": "failed"}, WebhookOutcome.FAILED),
        ({"status": "refund_pending"}, WebhookOutcome.UNKNOWN_STATUS),
    ],
)
async def test_the_refetched_payment_decides_the_outcome(
    api: respx.MockRouter, payments: Payments, fields: dict[str, object], outcome: WebhookOutcome
) -> None:
    serve(api, **fields)

    verdict = await verify(payments, EVENT, Expected(15000, currency="krw"))

    assert verdict.outcome is outcome
    assert verdict.fulfil is (outcome is WebhookOutcome.PAID)
    assert verdict.payment is not None
    assert verdict.payment.imp_uid == IMP_UID
    assert verdict.merchant_uid == ORDER
    assert verdict.event == EVENT


async def test_the_webhook_status_is_never_trusted(
    api: respx.MockRouter, payments: Payments
) -> None:
    serve(api, status="failed")
    claims_paid = WebhookEvent(imp_uid=IMP_UID, merchant_uid=ORDER, status="paid")

    verdict = await verify(payments, claims_paid, 15000)

    assert verdict.outcome is WebhookOutcome.FAILED


@pytest.mark.parametrize(
    ("webhook_status", "current", "outcome"),
    [
        ("ready", "paid", WebhookOutcome.PAID),  # the deposit webhook overtook the issue webhook
        ("paid", "cancelled", WebhookOutcome.CANCELLED),  # a late "paid" after a cancel
    ],
)
async def test_a_late_webhook_is_judged_by_the_payment_as_it_is_now(
    api: respx.MockRouter,
    payments: Payments,
    webhook_status: str,
    current: str,
    outcome: WebhookOutcome,
) -> None:
    serve(api, status=current, cancel_amount=15000 if current == "cancelled" else 0)
    late = WebhookEvent(imp_uid=IMP_UID, merchant_uid=ORDER, status=webhook_status)

    assert (await verify(payments, late, 15000)).outcome is outcome


async def test_verifying_twice_gives_the_same_verdict_and_only_reads(
    api: respx.MockRouter, payments: Payments
) -> None:
    route = serve(api)

    first = await verify(payments, EVENT, 15000)
    second = await verify(payments, EVENT, 15000)

    assert first == second
    assert first.outcome is WebhookOutcome.PAID
    assert route.call_count == 2
    others = [c.request for c in api.calls if c.request.url.path != "/users/getToken"]
    assert [(r.method, r.url.path) for r in others] == [("GET", GET_PATH)] * 2


async def test_a_payment_unknown_to_iamport_is_a_forgery(
    api: respx.MockRouter, payments: Payments
) -> None:
    api.get(GET_PATH).respond(404, json=NOT_FOUND)

    verdict = await verify(payments, EVENT, 15000)

    assert verdict.outcome is WebhookOutcome.NOT_FOUND
    assert verdict.payment is None
    assert IMP_UID in verdict.reason


async def test_the_lookup_gets_the_payments_merchant_uid_sync_or_async(
    api: respx.MockRouter, payments: Payments
) -> None:
    serve(api)
    asked: list[str] = []

    def sync_lookup(merchant_uid: str) -> Expected | None:
        asked.append(merchant_uid)
        return Expected(Decimal("15000.00"))

    async def async_lookup(merchant_uid: str) -> Expected | None:
        asked.append(merchant_uid)
        return None

    no_order_in_body = WebhookEvent(imp_uid=IMP_UID)

    assert (await verify(payments, no_order_in_body, sync_lookup)).outcome is WebhookOutcome.PAID
    unknown = await verify(payments, no_order_in_body, async_lookup)
    assert unknown.outcome is WebhookOutcome.UNKNOWN_ORDER
    assert asked == [ORDER, ORDER]


async def test_a_body_naming_another_order_than_the_payment_is_a_mismatch(
    api: respx.MockRouter, payments: Payments
) -> None:
    serve(api)  # a real, paid payment of order-1
    asked: list[str] = []

    def lookup(merchant_uid: str) -> Expected:
        asked.append(merchant_uid)
        return Expected(15000)

    pointed_elsewhere = WebhookEvent(imp_uid=IMP_UID, merchant_uid="order-2", status="paid")

    verdict = await verify(payments, pointed_elsewhere, lookup)

    assert verdict.outcome is WebhookOutcome.MISMATCH
    assert not verdict.fulfil
    assert asked == []


@pytest.mark.parametrize(
    ("expected", "field"),
    [
        (15000.0, "expected"),
        ("15000", "expected"),
        (True, "expected"),
    ],
)
async def test_a_bad_expectation_is_refused_before_any_request(
    api: respx.MockRouter, payments: Payments, expected: object, field: str
) -> None:
    route = serve(api)

    with pytest.raises(InvalidInputError) as caught:
        await verify(payments, EVENT, expected)  # type: ignore[arg-type]

    assert caught.value.field == field
    assert route.call_count == 0


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Expected(15000.0), "amount"),  # type: ignore[arg-type]
        (lambda: Expected(-1), "amount"),
        (lambda: Expected(Decimal("NaN")), "amount"),
        (lambda: Expected(1, currency=""), "currency"),
    ],
)
def test_expected_refuses_float_negative_and_blank_values(make: object, field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        make()  # type: ignore[operator]

    assert caught.value.field == field


async def test_a_lookup_returning_something_else_is_refused(
    api: respx.MockRouter, payments: Payments
) -> None:
    serve(api)

    with pytest.raises(InvalidInputError) as caught:
        await verify(payments, EVENT, lambda _: 15000)  # type: ignore[arg-type,return-value]

    assert caught.value.field == "expected"


async def test_api_failures_propagate_so_the_handler_can_ask_for_a_resend(
    api: respx.MockRouter, payments: Payments
) -> None:
    api.get(GET_PATH).respond(500, json=envelope(code=-1, message="down"))

    with pytest.raises(ServerError):
        await verify(payments, EVENT, 15000)


async def test_include_sandbox_reaches_the_lookup(
    api: respx.MockRouter, payments: Payments
) -> None:
    route = serve(api)

    await verify(payments, EVENT, 15000, include_sandbox=True)

    assert route.calls.last.request.url.params["include_sandbox"] == "true"


async def test_the_reason_carries_no_personal_data(
    api: respx.MockRouter, payments: Payments
) -> None:
    serve(api, amount=1)

    verdict = await verify(payments, EVENT, 15000)

    assert verdict.outcome is WebhookOutcome.MISMATCH
    assert "15000" in verdict.reason
    assert "홍길동" not in verdict.reason + repr(verdict)
    assert "5361" not in verdict.reason + repr(verdict)


# --- the one-call form for handlers ----------------------------------------------------------


async def test_verify_request_refuses_strangers_without_reading_or_fetching(
    api: respx.MockRouter, payments: Payments
) -> None:
    route = serve(api)
    verifier = WebhookVerifier(payments, expected=15000, sources=SourcePolicy(IAMPORT_SOURCES))

    verdict = await verifier.verify_request(
        b"not even a body", "text/plain", peer="203.0.113.9", headers={}
    )

    assert verdict == Verdict(WebhookOutcome.SOURCE_NOT_ALLOWED, verdict.reason)
    assert "203.0.113.9" in verdict.reason
    assert route.call_count == 0


async def test_a_bare_list_of_addresses_as_sources_is_refused_when_the_verifier_is_made(
    payments: Payments,
) -> None:
    """``sources=IAMPORT_SOURCES`` reads naturally; it used to pass, then raise
    AttributeError on the first delivery, in production."""
    with pytest.raises(InvalidInputError, match=r"SourcePolicy\(IAMPORT_SOURCES\)") as caught:
        WebhookVerifier(payments, expected=15000, sources=IAMPORT_SOURCES)  # type: ignore[arg-type]
    assert caught.value.field == "sources"


@pytest.mark.parametrize("peer", ["127.0.0.1", "203.0.113.9", None])
async def test_by_default_any_sender_is_heard_and_the_refetch_decides(
    api: respx.MockRouter, payments: Payments, peer: str | None
) -> None:
    """A test client (127.0.0.1) or a new i'mport address reaches the verdict; the re-fetch,
    not the address, tells a real payment from a forged one."""
    serve(api)
    api.get("/payments/imp_forged").respond(404, json=envelope(code=-1, message="없음"))
    verifier = WebhookVerifier(payments, expected=15000)

    real = await verifier.verify_request(
        b'{"imp_uid": "imp_100"}', "application/json", peer=peer, headers={}
    )
    forged = await verifier.verify_request(
        b'{"imp_uid": "imp_forged"}', "application/json", peer=peer, headers={}
    )

    assert [real.outcome, forged.outcome] == [WebhookOutcome.PAID, WebhookOutcome.NOT_FOUND]


async def test_verify_request_parses_checks_and_verifies(
    api: respx.MockRouter, payments: Payments
) -> None:
    serve(api)
    verifier = WebhookVerifier(
        payments,
        expected=Expected(15000),
        sources=SourcePolicy(IAMPORT_SOURCES, trusted_proxies=["10.0.0.0/8"]),
    )

    verdict = await verifier.verify_request(
        b"imp_uid=imp_100&merchant_uid=order-1&status=paid",
        "application/x-www-form-urlencoded",
        peer="10.0.0.5",
        headers={"X-Forwarded-For": "52.78.100.19"},
    )

    assert verdict.outcome is WebhookOutcome.PAID


async def test_verify_request_raises_for_a_bad_body_from_an_allowed_source(
    api: respx.MockRouter, payments: Payments
) -> None:
    route = serve(api)
    verifier = WebhookVerifier(payments, expected=15000)

    with pytest.raises(InvalidWebhookError):
        await verifier.verify_request(
            b'{"merchant_uid": "order-1"}', "application/json", peer="52.78.100.19", headers={}
        )

    assert route.call_count == 0
