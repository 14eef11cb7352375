"""The README's sample does what it says, against the fake API; its links work off GitHub."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from iamport_async.errors import BusinessError
from iamport_async.testing import FakeIamport

README = Path(__file__).resolve().parents[2] / "README.md"


def _sample() -> dict[str, Any]:
    text = README.read_text(encoding="utf-8")
    code = text[text.index("```python\n") + 10 :]
    namespace: dict[str, Any] = {"__name__": "readme"}
    exec(compile(code[: code.index("```")], "README.md", "exec"), namespace)  # noqa: S102
    return namespace


@pytest.mark.anyio
async def test_verify_after_checkout_ships_only_a_paid_order_of_its_amount() -> None:
    verify = _sample()["verify_after_checkout"]
    fake = FakeIamport()
    fake.add_payment(imp_uid="imp_1", merchant_uid="order-1", amount=50_000, status="paid")
    async with fake.client() as client:
        assert await verify(client, "imp_1", "order-1", 50_000)
        assert not await verify(client, "imp_1", "order-1", 5_000)  # tampered amount
        assert not await verify(client, "imp_1", "order-2", 50_000)  # another order's payment
        assert not await verify(client, "imp_forged", "order-1", 50_000)


@pytest.mark.anyio
async def test_refund_cancelled_order_refunds_once_however_often_it_is_repeated() -> None:
    refund = _sample()["refund_cancelled_order"]
    fake = FakeIamport()
    fake.add_payment(imp_uid="imp_1", merchant_uid="order-1", amount=50_000, status="paid")
    async with fake.client() as client:
        await refund(client, "imp_1", 10_000, 50_000, "R-1")
        # The app repeats (it lost the answer, or another worker picked the job up): the same
        # checksum and reason report the refund that happened instead of refunding again.
        await refund(client, "imp_1", 10_000, 50_000, "R-1")
        payment = await client.payments.get("imp_1")
        assert payment.cancel_amount == 10_000
    assert fake.stats.cancelled_amount == 10_000


@pytest.mark.anyio
async def test_refund_cancelled_order_of_a_second_item_of_the_same_price_is_not_the_first() -> None:
    refund = _sample()["refund_cancelled_order"]
    fake = FakeIamport()
    fake.add_payment(imp_uid="imp_1", merchant_uid="order-1", amount=50_000, status="paid")
    async with fake.client() as client:
        await refund(client, "imp_1", 10_000, 50_000, "R-1")
        # a second refund given the first one's balance: refused, never reported as done
        with pytest.raises(BusinessError) as caught:
            await refund(client, "imp_1", 10_000, 50_000, "R-2")
        assert any("refunded nothing" in note for note in caught.value.__notes__)
        await refund(client, "imp_1", 10_000, 40_000, "R-2")  # its own balance
    assert fake.stats.cancelled_amount == 20_000


@pytest.mark.anyio
async def test_refund_cancelled_order_with_a_stale_balance_is_refused() -> None:
    refund = _sample()["refund_cancelled_order"]
    fake = FakeIamport()
    fake.add_payment(imp_uid="imp_1", merchant_uid="order-1", amount=50_000, status="paid")
    async with fake.client() as client:
        await refund(client, "imp_1", 50_000, 50_000, "R-1")
        with pytest.raises(BusinessError):  # nothing is left of a balance of 10,000
            await refund(client, "imp_1", 10_000, 10_000, "R-2")
    assert fake.stats.cancelled_amount == 50_000


def test_links_are_absolute() -> None:
    """A package index shows README.md without the repository: relative links break there."""
    links = re.findall(r"\]\(([^)]+)\)", README.read_text(encoding="utf-8"))
    assert links
    assert all(link.startswith("https://") for link in links), links
