"""Mutations whose answer the fake drops after carrying them out: each is settled inside the
call by reading the resource back (the call returns what it made, done once), or, where no
read can tell, ends in OutcomeUnknownError with what to check. In-process, virtual clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from iamport_async import Iamport
from iamport_async.errors import OutcomeUnknownError
from iamport_async.testing import FakeIamport, VirtualClock

pytestmark = pytest.mark.anyio

CARD = {"card_number": "4092-0230-5555-7777", "expiry": "2031-08", "birth": "860214"}


@pytest.fixture
def fake() -> FakeIamport:
    fake = FakeIamport(clock=VirtualClock())
    fake.add_payment(imp_uid="imp_cash", amount=10_000, status="paid", pay_method="trans")
    return fake


@pytest.fixture
async def client(fake: FakeIamport) -> AsyncIterator[Iamport]:
    async with fake.client() as client:
        yield client


def drop_after(fake: FakeIamport, operation: str) -> None:
    fake.faults.script("drop_after", operations=[operation])


async def test_a_receipt_issued_whose_answer_was_lost_is_returned(
    fake: FakeIamport, client: Iamport
) -> None:
    drop_after(fake, "POST /receipts/{imp_uid}")
    receipt = await client.receipts.issue("imp_cash", identifier="01012345678")
    assert not receipt.is_cancelled
    assert fake.stats.requests["POST /receipts/{imp_uid}"] == 2  # the repeat was refused


async def test_a_receipt_revoked_whose_answer_was_lost_is_returned(
    fake: FakeIamport, client: Iamport
) -> None:
    await client.receipts.issue("imp_cash", identifier="01012345678")
    drop_after(fake, "DELETE /receipts/{imp_uid}")
    receipt = await client.receipts.revoke("imp_cash")
    assert receipt.is_cancelled


async def test_a_vbank_revoked_whose_answer_was_lost_is_returned(
    fake: FakeIamport, client: Iamport
) -> None:
    fake.add_payment(imp_uid="imp_vbank", amount=5_000, status="ready", pay_method="vbank")
    drop_after(fake, "DELETE /vbanks/{imp_uid}")
    payment = await client.vbanks.revoke("imp_vbank")
    assert payment.status == "cancelled"


async def test_a_prepared_amount_whose_answer_was_lost_is_returned(
    fake: FakeIamport, client: Iamport
) -> None:
    drop_after(fake, "POST /payments/prepare")
    prepared = await client.payments.prepare("order-p", 12_000)
    assert prepared.amount == 12_000
    assert fake.stats.requests["POST /payments/prepare"] == 1  # not resent


async def test_a_vbank_issued_whose_answer_was_lost_is_outcome_unknown(
    fake: FakeIamport, client: Iamport
) -> None:
    drop_after(fake, "POST /vbanks")
    with pytest.raises(OutcomeUnknownError) as caught:
        await client.vbanks.issue(
            merchant_uid="order-v",
            amount=5_000,
            vbank_code="004",
            vbank_due=fake.now() + 86400,
            channel_key="channel-key-1",
        )
    assert "find_all" in caught.value.check
    assert fake.stats.requests["POST /vbanks"] == 1


async def test_a_billing_key_deleted_whose_answer_was_lost_says_it_is_gone(
    fake: FakeIamport, client: Iamport
) -> None:
    await client.customers.issue("billing-1", channel_key="channel-key-1", **CARD)
    drop_after(fake, "DELETE /subscribe/customers/{customer_uid}")
    with pytest.raises(OutcomeUnknownError) as caught:
        await client.customers.delete("billing-1")
    assert "the key is deleted if" in caught.value.check
    assert any("the key is gone" in note for note in caught.value.__notes__)
    assert fake.stats.requests["GET /subscribe/customers/{customer_uid}"] == 1  # read back


async def test_a_billing_key_delete_that_failed_ambiguously_is_sent_once_more(
    fake: FakeIamport,
) -> None:
    async with fake.client(max_retries=0) as client:
        await client.customers.issue("billing-1", channel_key="channel-key-1", **CARD)
        fake.faults.script("502", operations=["DELETE /subscribe/customers/{customer_uid}"])
        deleted = await client.customers.delete("billing-1")
    assert deleted.customer_uid == "billing-1"
    assert "billing-1" not in fake.customers
    assert fake.stats.requests["DELETE /subscribe/customers/{customer_uid}"] == 2


async def test_a_billing_key_issued_whose_answer_was_lost_is_returned(
    fake: FakeIamport, client: Iamport
) -> None:
    drop_after(fake, "POST /subscribe/customers/{customer_uid}")
    key = await client.customers.issue("billing-2", channel_key="channel-key-1", **CARD)
    assert key.customer_uid == "billing-2"
    assert fake.stats.requests["POST /subscribe/customers/{customer_uid}"] == 1  # not resent


async def test_an_older_billing_key_is_not_taken_for_a_lost_issue(
    fake: FakeIamport, client: Iamport
) -> None:
    await client.customers.issue("billing-3", channel_key="channel-key-1", **CARD)
    assert isinstance(fake.clock, VirtualClock)
    fake.clock.advance(60)  # the key stood a minute before this call
    fake.faults.script("502", operations=["POST /subscribe/customers/{customer_uid}"])
    with pytest.raises(OutcomeUnknownError) as caught:
        await client.customers.issue("billing-3", channel_key="channel-key-1", **CARD)
    assert "card_number and updated" in caught.value.check
    assert any("older one" in note for note in caught.value.__notes__)
    assert fake.stats.requests["POST /subscribe/customers/{customer_uid}"] == 2  # not resent
