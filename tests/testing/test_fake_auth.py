"""Tokens as the real server hands them out (facts §1), on the fake's clock."""

from __future__ import annotations

import httpx
import pytest

from iamport_async import Iamport
from iamport_async.errors import UnauthorizedError
from iamport_async.testing import FakeIamport, VirtualClock
from tests.testing.conftest import FAKE_URL, authorized

pytestmark = pytest.mark.anyio

KEYS = {"imp_key": "test_imp_key", "imp_secret": "test_imp_secret"}


async def token(raw: httpx.AsyncClient) -> dict[str, int | str]:
    answer = await raw.post("/users/getToken", json=KEYS)
    assert answer.status_code == 200
    body = answer.json()
    assert body["code"] == 0
    assert body["message"] is None
    return body["response"]  # type: ignore[no-any-return]


async def test_token_lives_30_minutes_and_is_reused_until_its_last_minute(
    iamport_fake: FakeIamport, raw: httpx.AsyncClient
) -> None:
    clock = iamport_fake.clock
    assert isinstance(clock, VirtualClock)
    first = await token(raw)
    assert first["expired_at"] == first["now"] + 1800  # type: ignore[operator]
    clock.advance(1000)
    again = await token(raw)
    assert again["access_token"] == first["access_token"]
    assert again["expired_at"] == first["expired_at"]
    clock.advance(1800 - 1000 - 30)  # in the last minute: same token, 5 more minutes
    extended = await token(raw)
    assert extended["access_token"] == first["access_token"]
    assert extended["expired_at"] == first["expired_at"] + 300  # type: ignore[operator]
    clock.advance(330)  # past the extended expiry: a new token, 30 minutes again
    fresh = await token(raw)
    assert fresh["access_token"] != first["access_token"]
    assert fresh["expired_at"] == fresh["now"] + 1800  # type: ignore[operator]
    assert iamport_fake.stats.tokens_issued == 2


async def test_form_encoded_token_request_is_accepted(raw: httpx.AsyncClient) -> None:
    answer = await raw.post("/users/getToken", data=KEYS)
    assert answer.status_code == 200
    assert answer.json()["response"]["access_token"]


@pytest.mark.parametrize(
    "keys",
    [
        {"imp_key": "test_imp_key", "imp_secret": "wrong"},
        {"imp_key": "other", "imp_secret": "test_imp_secret"},
        {},
    ],
)
async def test_wrong_keys_get_401(raw: httpx.AsyncClient, keys: dict[str, str]) -> None:
    answer = await raw.post("/users/getToken", json=keys)
    assert answer.status_code == 401
    assert answer.json()["response"] is None


async def test_missing_wrong_or_expired_token_gets_401(
    iamport_fake: FakeIamport, raw: httpx.AsyncClient
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1")
    assert (await raw.get("/payments/imp_1")).status_code == 401
    bad = await raw.get("/payments/imp_1", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert bad.json() == {"code": -1, "message": "Unauthorized", "response": None}
    await authorized(raw)
    assert (await raw.get("/payments/imp_1")).status_code == 200
    assert isinstance(iamport_fake.clock, VirtualClock)
    iamport_fake.clock.advance(1800)
    assert (await raw.get("/payments/imp_1")).status_code == 401


async def test_every_authorization_form_the_api_accepts(
    iamport_fake: FakeIamport, raw: httpx.AsyncClient
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1")
    value = (await token(raw))["access_token"]
    for headers in (
        {"Authorization": f"Bearer {value}"},
        {"Authorization": f"bearer {value}"},
        {"Authorization": str(value)},
        {"X-ImpTokenHeader": str(value)},
    ):
        assert (await raw.get("/payments/imp_1", headers=headers)).status_code == 200, headers


async def test_client_fetches_one_token_and_renews_it_after_expiry(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1")
    for _ in range(3):
        await iamport_client.request("GET", "/payments/imp_1")
    assert iamport_fake.stats.tokens_issued == 1
    assert isinstance(iamport_fake.clock, VirtualClock)
    iamport_fake.clock.advance(1801)
    await iamport_client.request("GET", "/payments/imp_1")
    assert iamport_fake.stats.tokens_issued == 2
    assert iamport_fake.stats.statuses[401] == 0  # renewed ahead, never refused


async def test_token_revoked_server_side_is_replaced_once(
    iamport_fake: FakeIamport, iamport_client: Iamport
) -> None:
    iamport_fake.add_payment(imp_uid="imp_1")
    await iamport_client.request("GET", "/payments/imp_1")
    iamport_fake.expire_token()
    await iamport_client.request("GET", "/payments/imp_1")
    assert iamport_fake.stats.statuses[401] == 1
    assert iamport_fake.stats.tokens_issued == 2


async def test_custom_credentials() -> None:
    fake = FakeIamport(clock=VirtualClock(), imp_key="k", imp_secret="s")
    fake.add_payment(imp_uid="imp_1", amount=500)
    async with fake.client() as client:
        assert (await client.request("GET", "/payments/imp_1"))["amount"] == 500
    async with (
        httpx.AsyncClient(transport=fake.transport(), base_url=FAKE_URL) as raw,
        Iamport(imp_key="k", imp_secret="wrong", transport=fake.transport()) as wrong,
    ):
        assert (await raw.post("/users/getToken", json=KEYS)).status_code == 401
        with pytest.raises(UnauthorizedError):
            await wrong.request("GET", "/payments/imp_1")
