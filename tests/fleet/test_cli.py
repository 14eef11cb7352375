"""``iamport-async ... --redis-url``: the command joins the fleet's shared token and rate."""

from __future__ import annotations

import uuid

import pytest
import redis

from iamport_async.cli import main
from iamport_async.testing import FakeIamport
from tests.fleet._helpers import keys
from tests.fleet._server import RedisServer


def test_payments_get_stores_its_token_in_the_shared_backend(
    redis_server: RedisServer,
    peek: redis.Redis,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    imp_key = f"cli-{uuid.uuid4().hex}"  # an account of this test's own: its own Redis keys
    fake = FakeIamport(seed=3, imp_key=imp_key)
    fake.add_payment(imp_uid="imp_a", merchant_uid="ord_a", amount=1500, status="paid")
    monkeypatch.setenv("IAMPORT_API_KEY", imp_key)
    monkeypatch.setenv("IAMPORT_API_SECRET", "test_imp_secret")

    argv = ["payments", "get", "imp_a", "--json", "--redis-url", redis_server.url, "--rate", "5"]
    assert main(argv, transport=fake.transport()) == 0

    assert '"imp_uid": "imp_a"' in capsys.readouterr().out
    shared_token = peek.get(keys("iamport", imp_key)["token"])
    assert shared_token is not None
    assert fake.stats.tokens_issued == 1
