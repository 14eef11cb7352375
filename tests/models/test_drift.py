"""An answer with one odd descriptive field is still an answer (issue 28): the three cases
found against a third-party server, reproduced with the fake's drift (``fake.drift``)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from typing import Any

import pytest

from iamport_async import Iamport, _json
from iamport_async.errors import ResponseValidationError
from iamport_async.models import Customer, Payment
from iamport_async.models import _types as model_types
from iamport_async.models._converter import structure
from iamport_async.testing import FakeIamport, VirtualClock

pytestmark = pytest.mark.anyio

CARD = {"card_number": "4092-0230-5555-7777", "expiry": "2031-08", "birth": "860214"}


@pytest.fixture
def fake() -> FakeIamport:
    return FakeIamport(clock=VirtualClock(), seed=3)


@pytest.fixture
async def client(fake: FakeIamport) -> AsyncIterator[Iamport]:
    async with fake.client(max_retries=0) as client:
        yield client


@pytest.fixture(autouse=True)
def _warn_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model_types, "_warned", set())


async def test_a_billing_key_with_a_card_type_of_card_is_read_and_deleted(
    fake: FakeIamport, client: Iamport, caplog: pytest.LogCaptureFixture
) -> None:
    await client.customers.issue("billing-1", channel_key="channel-key-1", **CARD)
    fake.drift.set({"card_type": "card"})
    with caplog.at_level(logging.WARNING, logger="iamport_async"):
        key = await client.customers.get("billing-1")
        deleted = await client.customers.delete("billing-1")  # returns: no OutcomeUnknown
    for read in (key, deleted):
        assert isinstance(read, Customer)
        assert read.customer_uid == "billing-1"
        assert read.card_type is None
        assert dict(read.misfits) == {"card_type": "card"}
    assert fake.stats.requests["DELETE /subscribe/customers/{customer_uid}"] == 1
    warnings = [r for r in caplog.records if "card_type" in r.getMessage()]
    assert len(warnings) == 1  # once per field per process
    assert "'card'" not in warnings[0].getMessage()  # the kind of value, never the value


async def test_a_vbank_issued_with_an_odd_descriptive_field_is_a_success(
    fake: FakeIamport, client: Iamport
) -> None:
    fake.drift.set({"vbank_name": {"ko": "국민"}, "card_quota": "many"})
    payment = await client.vbanks.issue(
        merchant_uid="order-v",
        amount=5_000,
        vbank_code="004",
        vbank_due=fake.now() + 86400,
        channel_key="channel-key-1",
    )
    assert payment.amount == Decimal(5000)
    assert payment.vbank_name is None
    assert payment.misfits["vbank_name"] == {"ko": "국민"}
    assert fake.stats.requests["POST /vbanks"] == 1


@pytest.mark.parametrize("amount", ["abc", "1e3", "NaN", "Infinity", "sNaN", -5000])
async def test_a_payment_whose_amount_does_not_fit_still_raises(
    fake: FakeIamport, client: Iamport, amount: object
) -> None:
    fake.add_payment(imp_uid="imp_1", amount=1000, status="paid")
    fake.drift.set({"amount": amount}, operations=["GET /payments/{imp_uid}"])
    with pytest.raises(ResponseValidationError, match=r"Payment\.amount"):
        await client.payments.get("imp_1")


@pytest.mark.parametrize("loads", [_json.stdlib_loads, _json.loads])
def test_a_json_float_amount_on_the_wire_raises(loads: Callable[[bytes], Any]) -> None:
    """``1e3`` as a server writes it: both decoders read it as a Decimal in exponent
    notation, which money refuses (it went through floating point on the way)."""
    body = b'{"imp_uid":"i","merchant_uid":"m","amount":1e3,"status":"paid","cancel_amount":0}'
    with pytest.raises(ResponseValidationError, match=r"Payment\.amount"):
        structure(loads(body), Payment, status=200, method="GET", path="/x")


async def test_drift_is_cleared_and_limited_to_its_operations(
    fake: FakeIamport, client: Iamport
) -> None:
    fake.add_payment(imp_uid="imp_1", amount=1000, status="paid")
    with pytest.raises(ValueError, match="unknown operation"):
        fake.drift.set({"card_name": 1}, operations=["GET /nowhere"])
    fake.drift.set(
        {"card_name": {}}, operations=["GET /payments/find/{merchant_uid}/{payment_status}"]
    )
    assert (await client.payments.get("imp_1")).misfits == {}
    fake.drift.set({"card_name": []})
    assert "card_name" in (await client.payments.get("imp_1")).misfits
    fake.drift.clear()
    assert not (await client.payments.get("imp_1")).misfits


def test_a_misfit_repr_hides_personal_values() -> None:
    misfits = model_types.Misfits(
        {"buyer_name": {"x": "홍길동"}, "card_type": "card"}, {"buyer_name"}
    )
    assert "홍길동" not in repr(misfits)
    assert "'card'" in repr(misfits)
