"""PAYCO order status changes."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints.payco import Payco
from iamport_async.errors import (
    InvalidInputError,
    OutcomeUnknownError,
    RequestTimeout,
)
from iamport_async.models.payco import PaycoStatus
from tests.conftest import envelope

pytestmark = pytest.mark.anyio


async def test_payco_status_change(api: respx.MockRouter, client: Iamport) -> None:
    route = api.post("/payco/orders/status/imp_7").respond(
        json=envelope({"status": "PURCHASE_DECISION"})
    )
    result = await Payco(client._engine).change_order_status(
        "imp_7", status=PaycoStatus.PURCHASE_DECISION
    )
    assert json.loads(route.calls.last.request.content) == {"status": "PURCHASE_DECISION"}
    assert result.status is PaycoStatus.PURCHASE_DECISION


async def test_payco_status_is_checked_and_not_resent_after_a_timeout(
    api: respx.MockRouter, client: Iamport
) -> None:
    payco = Payco(client._engine)
    with pytest.raises(InvalidInputError) as caught:
        await payco.change_order_status("imp_7", status="SHIPPED")
    assert caught.value.field == "status"
    assert len(api.calls) == 0
    route = api.post("/payco/orders/status/imp_7").mock(side_effect=httpx.ReadTimeout("x"))
    with pytest.raises(OutcomeUnknownError) as unknown:
        await payco.change_order_status("imp_7", status="CANCELED")
    assert isinstance(unknown.value.cause, RequestTimeout)
    assert route.call_count == 1
