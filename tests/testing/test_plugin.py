"""The pytest plugin: a user's test against the fake is three lines."""

from __future__ import annotations

import pytest

from iamport_async import Iamport
from iamport_async.testing import FakeIamport

pytestmark = pytest.mark.anyio


async def test_three_lines(iamport_fake: FakeIamport, iamport_client: Iamport) -> None:
    iamport_fake.add_payment(imp_uid="imp_1", amount=1000)
    assert (await iamport_client.request("GET", "/payments/imp_1"))["amount"] == 1000


def test_each_test_gets_a_fresh_fake(iamport_fake: FakeIamport) -> None:
    assert iamport_fake.payments == {}
    assert iamport_fake.stats.total_requests == 0
