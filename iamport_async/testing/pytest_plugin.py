"""pytest fixtures for testing code that uses iamport-async against the fake API.

Enabled by the ``pytest11`` entry point, or in a ``conftest.py``:
``pytest_plugins = ["iamport_async.testing.pytest_plugin"]``.
A test is then three lines::

    async def test_refund(iamport_fake, iamport_client):
        iamport_fake.add_payment(imp_uid="imp_1", amount=1000)
        assert (await iamport_client.request("GET", "/payments/imp_1"))["amount"] == 1000

The client fixture is async: run the test with anyio (``pytest.mark.anyio``) or
pytest-asyncio. ``iamport_sync_client`` is the blocking client (``iamport_async.sync``) on
the same fake, for plain ``def`` tests (Django, Flask)::

    def test_refund(iamport_fake, iamport_sync_client):
        iamport_fake.add_payment(imp_uid="imp_1", amount=1000)
        assert iamport_sync_client.payments.get("imp_1").amount == 1000
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from iamport_async.client import Iamport
from iamport_async.sync import Iamport as SyncIamport
from iamport_async.testing._fake import FakeIamport
from iamport_async.testing.clock import VirtualClock


@pytest.fixture
def iamport_fake() -> FakeIamport:
    """A fresh fake API on a virtual clock: token expiry and injected latency take no time."""
    return FakeIamport(clock=VirtualClock())


@pytest.fixture
async def iamport_client(iamport_fake: FakeIamport) -> AsyncIterator[Iamport]:
    """An ``Iamport`` client wired in-process to ``iamport_fake``, closed after the test."""
    async with iamport_fake.client() as client:
        yield client


@pytest.fixture
def iamport_sync_client(iamport_fake: FakeIamport) -> Iterator[SyncIamport]:
    """A blocking ``iamport_async.sync.Iamport`` wired in-process to ``iamport_fake``, closed
    after the test: for plain (not async) tests."""
    with iamport_fake.sync_client() as client:
        yield client
