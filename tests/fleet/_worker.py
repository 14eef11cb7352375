"""One worker process of a fleet: reconciles its share of payments through the shared backend.

Run with ``multiprocessing`` (spawn): it imports the library afresh, as a real worker would.
"""

from __future__ import annotations

import asyncio
import multiprocessing.queues
import time
from typing import Any

import attrs

from iamport_async import Iamport
from iamport_async.fleet import RedisShared

CONCURRENCY = 4
"""Lookups a worker has in flight at once."""


@attrs.frozen
class Job:
    base_url: str
    redis_url: str
    prefix: str
    imp_key: str
    imp_secret: str = attrs.field(repr=False)
    ids: list[str] = attrs.field(repr=False)
    rate: float
    retry_interval: float = 5.0


def run(job: Job, results: multiprocessing.queues.Queue[dict[str, Any]]) -> None:
    """The process's entry point: reconcile, then report what was found and how."""
    results.put(asyncio.run(reconcile(job)))


async def reconcile(job: Job) -> dict[str, Any]:
    shared = RedisShared.from_url(
        job.redis_url,
        rate_limit=job.rate,
        prefix=job.prefix,
        retry_interval=job.retry_interval,
        socket_timeout=0.5,
    )
    async with (
        shared,
        Iamport(
            imp_key=job.imp_key,
            imp_secret=job.imp_secret,
            base_url=job.base_url,
            shared=shared,
            max_retries=5,
        ) as client,
    ):
        found: list[str] = []
        missing: list[str] = []
        failed: list[str] = []
        async with client.payments.iter_many(job.ids, concurrency=CONCURRENCY) as lookups:
            async for lookup in lookups:
                if lookup.found:
                    assert lookup.item is not None
                    found.append(lookup.item.imp_uid)
                elif lookup.failed:
                    failed.append(lookup.id)
                else:
                    missing.append(lookup.id)
    return {
        "found": found,
        "missing": missing,
        "failed": failed,
        "outages": shared.health.outages,
        "recoveries": shared.health.recoveries,
        "shared_at_end": shared.health.shared,
        "finished_at": time.time(),  # wall clock: comparable with the test process's
    }
