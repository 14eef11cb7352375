"""Raw HTTP access to the fake; its ``iamport_fake`` / ``iamport_client`` fixtures come from the
package's pytest plugin (the ``pytest11`` entry point), as they do in a user's suite."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from iamport_async.testing import FakeIamport

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
