"""The soak: 100,000 lookups (1,000 requests of 100 ids) through 1% mixed faults, every id
accounted for exactly once. The faults come from :class:`ChaosApp` around the fake (the
proxy's second hop would double the time; its socket-level faults are covered one by one in
test_reads and test_mutations)."""

from __future__ import annotations

import collections
import logging
import time

import anyio
import pytest

from iamport_async import Iamport
from iamport_async.testing._server import serve
from tests.faults._chaos import ChaosApp
from tests.faults.conftest import HANG, World

pytestmark = [pytest.mark.anyio, pytest.mark.slow, pytest.mark.timeout(4 * HANG)]

SEEDED = 20_000
UNKNOWN = 80_000
"""Every request asks for 20 stored payments and 80 unknown ids (a 207): all 100,000 ids are
looked up and accounted for, while seeding and JSON stay small enough for a test."""
MIX = [
    "429",
    "200_html",
    "500_html",
    "502",
    "503",
    "drop_before",
    "drop_after",
    "truncated_json",
    "timeout",
    "401",
]


async def test_100k_lookups_through_1_percent_faults_are_all_accounted_for(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    # httpcore's DEBUG trace is a dozen records a request: at INFO here (every other fault
    # test captures it at DEBUG), so that the soak measures the client, not the log capture.
    caplog.set_level(logging.INFO, logger="httpcore")
    seeded = [record["imp_uid"] for record in world.fake.seed_payments(SEEDED)]
    unknown = [f"imp_gone_{n:06d}" for n in range(UNKNOWN)]
    ids = [
        uid
        for n in range(0, SEEDED, 20)
        for uid in (*seeded[n : n + 20], *unknown[4 * n : 4 * n + 80])
    ]
    chaos = ChaosApp(world.fake, 100, MIX, seed=11)
    async with serve(chaos, host="127.0.0.1", port=0, log_level="critical") as base_url:  # type: ignore[arg-type]
        # 16 requests of 100 payments share this process's one event loop with uvicorn: on a
        # loaded machine an answer may take seconds, and a 0.5 s timeout would retry healthy
        # requests. 5 s still ends the scripted hang, and keeps the request count exact.
        client = world.client(base_url, timeout=5.0, max_retries=4, total_timeout=HANG)
        lookups = await _soak(client, ids)
    seen, outcome, wrong, elapsed = lookups

    assert len(seen) == SEEDED + UNKNOWN
    assert max(seen.values()) == 1
    assert wrong == 0
    assert outcome == {"found": SEEDED, "missing": UNKNOWN}
    faults = sum(chaos.applied.values())
    assert faults >= 10  # one in every 100 requests, each kind at least once
    assert set(chaos.applied) == set(MIX)
    assert 1_000 <= chaos.requests <= 1_000 + faults
    assert world.fake.stats.max_multi_ids == 100
    print(f"\nsoak: 100,000 lookups, {faults} faults {dict(chaos.applied)}, {elapsed:.1f} s")


async def _soak(
    client: Iamport, ids: list[str]
) -> tuple[collections.Counter[str], collections.Counter[str], int, float]:
    seen: collections.Counter[str] = collections.Counter()
    outcome: collections.Counter[str] = collections.Counter()
    wrong = 0
    started = time.monotonic()
    with anyio.fail_after(3 * HANG):  # measured: 16 s on a loaded 2-core machine
        async with client.payments.iter_many(ids, concurrency=16) as results:
            async for lookup in results:
                seen[lookup.id] += 1
                if lookup.found:
                    outcome["found"] += 1
                    wrong += lookup.item is None or lookup.item.imp_uid != lookup.id
                elif lookup.failed:
                    outcome["failed"] += 1
                else:
                    outcome["missing"] += 1
    return seen, outcome, wrong, time.monotonic() - started
