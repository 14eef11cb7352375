"""Paymentwall delivery registration."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints.paymentwall import Paymentwall
from iamport_async.errors import (
    BusinessError,
    InvalidInputError,
    OutcomeUnknownError,
    ResponseValidationError,
)
from tests.conftest import envelope

pytestmark = pytest.mark.anyio


NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def digital(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "imp_uid": "imp_pw_1",
        "merchant_uid": "order-pw-1",
        "type": "digital",
        "status": "delivered",
        "estimated_delivery_datetime": NOW,
        "estimated_update_datetime": NOW,
        "refundable": "no",
        "shipping_address_email": "buyer@example.com",
    }
    return {**arguments, **overrides}


def physical(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "type": "physical",
        "status": "order_shipped",
        "estimated_delivery_datetime": NOW + timedelta(days=3),
        "carrier_tracking_id": "TRK1",
        "carrier_type": "UPS",
        "shipping_address_country": "KR",
        "shipping_address_city": "Seoul",
        "shipping_address_zip": "01234",
        "shipping_address_state": "N/A",
        "shipping_address_street": "Main 1",
        "shipping_address_phone": "010-0000-0000",
        "shipping_address_firstname": "Gil-dong",
        "shipping_address_lastname": "Hong",
    }
    return digital(**{**fields, **overrides})


async def test_digital_delivery_sends_only_given_fields(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.post("/paymentwall/delivery").respond(json=envelope({"success": 1}))
    result = await Paymentwall(client._engine).register_delivery(**digital())
    assert json.loads(route.calls.last.request.content) == {
        "imp_uid": "imp_pw_1",
        "merchant_uid": "order-pw-1",
        "type": "digital",
        "status": "delivered",
        "estimated_delivery_datetime": int(NOW.timestamp()),
        "estimated_update_datetime": int(NOW.timestamp()),
        "refundable": "no",
        "shipping_address_email": "buyer@example.com",
    }
    assert result.ok
    assert result.success == 1


async def test_physical_delivery_sends_carrier_and_address(
    api: respx.MockRouter, client: Iamport
) -> None:
    route = api.post("/paymentwall/delivery").respond(json=envelope({"success": 1}))
    await Paymentwall(client._engine).register_delivery(**physical())
    sent = json.loads(route.calls.last.request.content)
    assert sent["carrier_type"] == "UPS"
    assert sent["shipping_address_state"] == "N/A"
    assert sent["estimated_delivery_datetime"] == int((NOW + timedelta(days=3)).timestamp())


@pytest.mark.parametrize("missing", ["carrier_tracking_id", "carrier_type", "shipping_address_zip"])
async def test_physical_delivery_without_carrier_or_address_is_refused(
    api: respx.MockRouter, client: Iamport, missing: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await Paymentwall(client._engine).register_delivery(**physical(**{missing: None}))
    assert caught.value.field == missing
    assert len(api.calls) == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"type": "virtual"}, "type"),
        ({"status": "lost"}, "status"),
        ({"refundable": True}, "refundable"),
        ({"estimated_update_datetime": datetime(2024, 5, 1)}, "estimated_update_datetime"),
        ({"shipping_address_email": ""}, "shipping_address_email"),
        ({"merchant_uid": "m" * 41}, "merchant_uid"),
        ({"details": "d" * 401}, "details"),
    ],
)
async def test_bad_delivery_input_is_refused(
    api: respx.MockRouter, client: Iamport, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await Paymentwall(client._engine).register_delivery(**digital(**overrides))
    assert caught.value.field == field
    assert len(api.calls) == 0


async def test_paymentwall_refusal_inside_a_success_envelope_raises(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.post("/paymentwall/delivery").respond(
        json=envelope({"error_code": 3203, "error": "Invalid tracking", "notices": ["bad id"]})
    )
    with pytest.raises(BusinessError) as caught:
        await Paymentwall(client._engine).register_delivery(**physical())
    assert caught.value.code == 3203
    assert caught.value.message is not None
    assert "Invalid tracking" in caught.value.message
    assert "bad id" in caught.value.message
    assert "buyer@example.com" not in str(caught.value)  # the request never goes into errors


async def test_a_delivery_answered_2xx_that_cannot_be_read_is_an_unknown_outcome(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.post("/paymentwall/delivery").respond(json=envelope({"success": "yes"}))
    with pytest.raises(OutcomeUnknownError) as caught:
        await Paymentwall(client._engine).register_delivery(**digital())
    assert isinstance(caught.value.cause, ResponseValidationError)
