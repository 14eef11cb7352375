"""Fixtures every test shares: both async backends, a virtual clock, a mocked API."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import respx
from hypothesis import HealthCheck, settings

from iamport_async import Iamport
from iamport_async.testing.clock import VirtualClock

# Hypothesis times every example (200 ms by default) and fails a test whose data comes slowly:
# on a loaded machine both fail tests for the machine's speed. Properties are judged on what
# they assert; pytest-timeout still catches a hang.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")

BASE_URL = "https://api.iamport.kr"
TOKEN_LIFETIME = 1800


def envelope(response: Any = None, code: int = 0, message: str | None = None) -> dict[str, Any]:
    """The API's ``{code, message, response}`` wrapper."""
    return {"code": code, "message": message, "response": response}


def token_payload(token: str = "tok-1", now: int = 1_700_000_000) -> dict[str, Any]:
    return envelope({"access_token": token, "now": now, "expired_at": now + TOKEN_LIFETIME})


# Both backends by default; nox runs the newer Pythons on asyncio alone (what changes between
# Python versions is asyncio; trio's runs on the oldest Python keep CI inside its time).
BACKENDS = os.environ.get("IAMPORT_TEST_BACKENDS", "asyncio,trio").split(",")
if not BACKENDS or not set(BACKENDS) <= {"asyncio", "trio"}:
    raise pytest.UsageError(f"IAMPORT_TEST_BACKENDS: asyncio and/or trio, not {BACKENDS}")


@pytest.fixture(params=BACKENDS)
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Tests marked ``pytest.mark.anyio`` run once on each backend (asyncio and trio)."""
    return str(request.param)


@pytest.fixture(autouse=True)
def _no_credentials_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """``Iamport()`` reads IAMPORT_API_KEY/SECRET: a developer's own keys must not leak in."""
    for variable in ("IAMPORT_API_KEY", "IAMPORT_API_SECRET"):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """A respx router for the API host with ``POST /users/getToken`` answering a token.

    The token route is named ``"token"``: ``api.routes["token"].call_count``.
    """
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        router.post("/users/getToken", name="token").respond(json=token_payload())
        yield router


@pytest.fixture
async def client(api: respx.MockRouter, clock: VirtualClock) -> AsyncIterator[Iamport]:
    """A client on the mocked API and the virtual clock (seeded: backoff is reproducible)."""
    async with Iamport(imp_key="test-key", imp_secret="test-secret", clock=clock, seed=1) as c:
        yield c
