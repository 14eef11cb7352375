"""Tiers: one read, and the tier code checked before any request."""

from __future__ import annotations

import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints.tiers import Tiers
from iamport_async.errors import InvalidInputError
from tests.conftest import envelope

pytestmark = pytest.mark.anyio


async def test_tier(api: respx.MockRouter, client: Iamport) -> None:
    api.get("/tiers/A01").respond(json=envelope({"tier_code": "A01", "tier_name": "Store 1"}))
    tier = await Tiers(client._engine).get("A01")
    assert (tier.tier_code, tier.tier_name) == ("A01", "Store 1")


@pytest.mark.parametrize("code", ["a01", "AB", "ABCD", "A/1", ""])
async def test_a_malformed_tier_code_is_refused(
    api: respx.MockRouter, client: Iamport, code: str
) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await Tiers(client._engine).get(code)
    assert caught.value.field == "tier_code"
    assert len(api.calls) == 0
