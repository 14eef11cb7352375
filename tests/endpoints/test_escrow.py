"""Escrow shipping details: the nested body, conflicts, and personal data kept out of reprs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints.escrow import (
    Escrow,
    EscrowLogisInfo,
    EscrowProduct,
    EscrowReceiver,
    EscrowSender,
)
from iamport_async.errors import (
    ConflictError,
    InvalidInputError,
    OutcomeUnknownError,
)
from iamport_async.models.escrow import EscrowLogis
from tests.conftest import envelope
from tests.endpoints._helpers import NOW, body_of

pytestmark = pytest.mark.anyio


KST = timezone(timedelta(hours=9))


SENT = datetime(2024, 3, 4, 10, 0, tzinfo=KST)


def logis_payload(**fields: Any) -> dict[str, Any]:
    return {
        "company": "CJGLS",
        "invoice": "123456789012",
        "sent_at": int(SENT.timestamp()),
        "applied_at": NOW,
        **fields,
    }


@pytest.fixture
def escrow(client: Iamport) -> Escrow:
    return Escrow(client._engine)


def shipping() -> dict[str, Any]:
    return {
        "sender": EscrowSender(name="Shop", tel="02-000-0000", addr="Seoul", postcode="06236"),
        "receiver": EscrowReceiver(
            name="Hong", tel="010-1234-5678", addr="Busan", postcode="48058"
        ),
        "logis": EscrowLogisInfo(company="CJGLS", invoice="123456789012", sent_at=SENT),
    }


SHIPPING_JSON = {
    "sender": {"name": "Shop", "tel": "02-000-0000", "addr": "Seoul", "postcode": "06236"},
    "receiver": {"name": "Hong", "tel": "010-1234-5678", "addr": "Busan", "postcode": "48058"},
    "logis": {"company": "CJGLS", "invoice": "123456789012", "sent_at": int(SENT.timestamp())},
}


async def test_register_sends_the_nested_body(api: respx.MockRouter, escrow: Escrow) -> None:
    route = api.post("/escrows/logis/imp_1").respond(json=envelope(logis_payload()))
    result = await escrow.register("imp_1", **shipping())
    assert body_of(route) == SHIPPING_JSON
    assert isinstance(result, EscrowLogis)
    assert result.invoice == "123456789012"
    assert result.sent_at == SENT.astimezone(UTC)
    assert result.applied_at == datetime.fromtimestamp(NOW, UTC)


async def test_register_sends_every_optional_part_by_the_spec_names(
    api: respx.MockRouter, escrow: Escrow
) -> None:
    route = api.post("/escrows/logis/imp_1").respond(json=envelope(logis_payload()))
    await escrow.register(
        "imp_1",
        sender=EscrowSender(relationship="본인", formed_address={"zipcode": "06236"}),
        receiver=EscrowReceiver(formed_address={"zipcode": "48058"}),
        logis=EscrowLogisInfo(
            company="CJGLS",
            invoice="1",
            sent_at=1_709_514_000,
            receiving_at=date(2024, 3, 6),
            address="Seoul warehouse",
        ),
        products=[
            EscrowProduct(id="p1", name="Book", amount=12000),
            EscrowProduct(
                id="p2",
                name="Pen",
                amount=Decimal(1500),
                code="PEN",
                currency="KRW",
                quantity=3,
                tag="stationery",
            ),
        ],
        send_email=False,
    )
    assert body_of(route) == {
        "sender": {"relationship": "본인", "formed_address": {"zipcode": "06236"}},
        "receiver": {"formed_address": {"zipcode": "48058"}},
        "logis": {
            "company": "CJGLS",
            "invoice": "1",
            "sent_at": 1_709_514_000,
            "receiving_at": "20240306",
            "address": "Seoul warehouse",
        },
        "products": [
            {"id": "p1", "name": "Book", "amount": 12000},
            {
                "id": "p2",
                "name": "Pen",
                "amount": 1500,
                "code": "PEN",
                "currency": "KRW",
                "quantity": 3,
                "tag": "stationery",
            },
        ],
        "send_email": False,
    }


async def test_a_second_registration_is_a_conflict_and_a_5xx_is_retried(
    api: respx.MockRouter, escrow: Escrow
) -> None:
    route = api.post("/escrows/logis/imp_1").mock(
        side_effect=[
            httpx.Response(503, text="unavailable"),
            httpx.Response(409, json=envelope(None, code=-1, message="이미 등록됨")),
        ]
    )
    api.get("/escrows/logis/imp_1").respond(json=envelope(logis_payload()))
    registered = await escrow.register("imp_1", **shipping())  # the 503 had registered them
    assert route.call_count == 2
    assert registered.invoice == "123456789012"


async def test_a_conflict_after_a_5xx_with_other_details_registered_is_outcome_unknown(
    api: respx.MockRouter, escrow: Escrow
) -> None:
    api.post("/escrows/logis/imp_1").mock(
        side_effect=[
            httpx.Response(503, text="unavailable"),
            httpx.Response(409, json=envelope(None, code=-1, message="이미 등록됨")),
        ]
    )
    api.get("/escrows/logis/imp_1").respond(json=envelope(logis_payload(invoice="999")))
    with pytest.raises(OutcomeUnknownError) as caught:
        await escrow.register("imp_1", **shipping())
    assert isinstance(caught.value.cause, ConflictError)


async def test_update_puts_the_same_body_without_send_email(
    api: respx.MockRouter, escrow: Escrow
) -> None:
    route = api.put("/escrows/logis/imp_1").respond(json=envelope(logis_payload(invoice="2")))
    result = await escrow.update("imp_1", **shipping())
    assert body_of(route) == SHIPPING_JSON
    assert result.invoice == "2"


async def test_get_without_registered_details_is_a_conflict(
    api: respx.MockRouter, escrow: Escrow
) -> None:
    api.get("/escrows/logis/imp_1").respond(409, json=envelope(None, code=-1, message="없음"))
    with pytest.raises(ConflictError):
        await escrow.get("imp_1")


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (
            lambda: EscrowLogisInfo(company="C", invoice="1", sent_at=datetime(2024, 1, 1)),
            "logis.sent_at",
        ),
        (lambda: EscrowLogisInfo(company="", invoice="1", sent_at=1), "logis.company"),
        (
            lambda: EscrowLogisInfo(company="C", invoice="1", sent_at=1, receiving_at="2024-03-06"),
            "logis.receiving_at",
        ),
        (
            lambda: EscrowLogisInfo(company="C", invoice="1", sent_at=1, receiving_at="20241306"),
            "logis.receiving_at",
        ),
        (lambda: EscrowProduct(id="p", name="n", amount=-1), "products.amount"),
        (lambda: EscrowProduct(id="p", name="n", amount=1, currency="won"), "products.currency"),
        (lambda: EscrowProduct(id="p", name="n", amount=1, quantity=0), "products.quantity"),
        (lambda: EscrowSender(tel=""), "sender.tel"),
        (
            lambda: EscrowReceiver(formed_address=["Seoul"]),  # type: ignore[arg-type]
            "receiver.formed_address",
        ),
    ],
)
def test_request_parts_are_checked_when_built(build: Any, field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        build()
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"sender": {"name": "Shop"}}, "sender"),
        ({"logis": None}, "logis"),
        ({"products": EscrowProduct(id="p", name="n", amount=1)}, "products"),
        ({"products": [{"id": "p"}]}, "products"),
    ],
)
async def test_register_refuses_parts_of_the_wrong_kind(
    api: respx.MockRouter, escrow: Escrow, changes: dict[str, Any], field: str
) -> None:
    route = api.post("/escrows/logis/imp_1").respond(json=envelope(logis_payload()))
    with pytest.raises(InvalidInputError) as caught:
        await escrow.register("imp_1", **{**shipping(), **changes})
    assert caught.value.field == field
    assert route.call_count == 0


def test_sender_and_receiver_keep_personal_data_out_of_repr() -> None:
    parts = shipping()
    text = repr(parts["sender"]) + repr(parts["receiver"])
    for value in ("Hong", "010-1234-5678", "Busan", "48058"):
        assert value not in text
