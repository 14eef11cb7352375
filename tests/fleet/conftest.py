"""Redis for the shared-backend tests: a real server, started once per session.

Skipped, with the reason, where ``redis-server`` or redis-py is missing; CI installs both.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fleet._server import REDIS_SERVER, RedisServer

pytest.importorskip("redis", reason="redis-py is not installed: pip install '.[redis]'")
if REDIS_SERVER is None:
    pytest.skip(
        "redis-server is not on PATH (apt-get install redis-server): Redis tests skipped",
        allow_module_level=True,
    )

import redis  # after the skips: without redis-py there is nothing to import


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A server of this test's own, which it may stop and restart."""
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def prefix() -> str:
    """A key prefix of this test's own: tests share the session's server, not its keys."""
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def peek(redis_server: RedisServer) -> Iterator[redis.Redis]:
    """A plain (blocking) client to look at, and tamper with, what the library stored."""
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    try:
        yield client
    finally:
        client.close()
