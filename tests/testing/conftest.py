"""The plugin's fixtures, loaded by import: pytest refuses ``pytest_plugins`` outside the root
conftest. Once the ``pytest11`` entry point is declared, these imports are redundant."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from iamport_async.testing import FakeIamport
from iamport_async.testing.pytest_plugin import iamport_client, iamport_fake

__all__ = ["iamport_client", "iamport_fake"]

FAKE_URL = "https://api.iamport.kr"


@pytest.fixture
async def raw(iamport_fake: FakeIamport) -> AsyncIterator[httpx.AsyncClient]:
    """A plain httpx client on the fake, no token: for status codes and raw bodies."""
    async with httpx.AsyncClient(transport=iamport_fake.transport(), base_url=FAKE_URL) as c:
        yield c


async def authorized(raw: httpx.AsyncClient) -> httpx.AsyncClient:
    """Give ``raw`` a token in the ``Authorization: Bearer`` form."""
    answer = await raw.post(
        "/users/getToken", json={"imp_key": "test_imp_key", "imp_secret": "test_imp_secret"}
    )
    raw.headers["Authorization"] = f"Bearer {answer.json()['response']['access_token']}"
    return raw
