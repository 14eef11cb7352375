"""The fake API the command tests run against, with its credentials in the environment."""

from __future__ import annotations

import pytest

from iamport_async.testing import FakeIamport


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeIamport:
    fake = FakeIamport(seed=11)
    monkeypatch.setenv("IAMPORT_API_KEY", fake.imp_key)
    monkeypatch.setenv("IAMPORT_API_SECRET", "test_imp_secret")
    return fake
