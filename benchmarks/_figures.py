"""The data behind two of the docs' pictures, measured on this machine (``nox -s pictures``).

``adaptive``: ``Iamport(adaptive=True)`` against the fake API on 127.0.0.1 whose limit
changes while it runs (20/s, then 8/s, then 25/s); every half second, the requests the
server accepted and throttled, and the rate the client's limiter allowed.

``memory``: ``payments.iter_many`` streaming up to 1,000,000 ids from a generator against the
fake in another process; the process's resident memory every 5,000 lookups. ``--bound``
stops the stream after that many seconds (what was streamed is recorded).

``trace``: one ``payments.get`` whose first two attempts the fake answers HTTP 503, traced by
:mod:`iamport_async.otel` into the OpenTelemetry SDK's ``InMemorySpanExporter``, on real time
(the SDK stamps spans with the wall clock): each span's name, parent, start and end, and its
events, as offsets in seconds from the first span's start.

    python -m benchmarks._figures adaptive|memory|trace [--json FILE] [...]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import resource
import time
from collections.abc import Iterator
from typing import Any

import anyio

from benchmarks.peers import SECRET, SEED, Server, machine
from iamport_async import AdaptiveRateLimiter, Iamport, SystemClock
from iamport_async.testing import FakeIamport, seed_payments

SCHEDULE = ((0.0, 20.0), (15.0, 8.0), (30.0, 25.0))
"""(from second, the server's limit in requests a second)."""


async def adaptive(seconds: float, workers: int) -> dict[str, Any]:
    fake = FakeIamport(seed=1)
    fake.add_payment(imp_uid="imp_1", amount=1000)
    limiter = AdaptiveRateLimiter(SystemClock())
    samples: list[dict[str, float | None]] = []
    async with fake.serve() as base_url:
        client = Iamport(
            imp_key=fake.imp_key,
            imp_secret=SECRET,
            base_url=base_url,
            rate_limiter=limiter,
            max_retries=10,
            total_timeout=120,
        )
        await client.payments.get("imp_1")  # the token, before any limit
        fake.stats.reset()

        async def worker() -> None:
            while True:
                await client.payments.get("imp_1")

        async def drive() -> None:
            started = time.monotonic()
            limit = None
            while (now := time.monotonic() - started) < seconds:
                wanted = [rate for start, rate in SCHEDULE if start <= now][-1]
                if wanted != limit:
                    limit = wanted
                    fake.faults.rate_limit(limit, retry_after=1)
                stats = fake.stats
                samples.append(
                    {
                        "t": round(now, 3),
                        "limit": limit,
                        "accepted": stats.statuses[200],
                        "throttled": stats.statuses[429],
                        "allowed": limiter.rate,
                    }
                )
                await anyio.sleep(0.5)

        async with client, anyio.create_task_group() as tg:
            for _ in range(workers):
                tg.start_soon(worker)
            await drive()
            tg.cancel_scope.cancel()
    return {"benchmark": "adaptive", "workers": workers, "schedule": SCHEDULE, "samples": samples}


def _rss_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() // 1024


async def memory(url: str, n: int, known: list[str], bound: float) -> dict[str, Any]:
    def ids() -> Iterator[str]:
        for index in range(n):  # one id in ten is a real payment; the rest are missing
            yield known[index // 10 % len(known)] if index % 10 == 0 else f"imp_none_{index}"

    samples: list[dict[str, float]] = []
    seen = 0
    fake = FakeIamport()
    async with Iamport(imp_key=fake.imp_key, imp_secret=SECRET, base_url=url) as client:
        started = time.monotonic()
        samples.append({"t": 0.0, "lookups": 0, "rss_mib": _rss_kib() / 1024})
        async with client.payments.iter_many(ids(), concurrency=16) as results:
            async for _ in results:
                seen += 1
                if seen % 5000 == 0:
                    elapsed = time.monotonic() - started
                    samples.append(
                        {"t": round(elapsed, 2), "lookups": seen, "rss_mib": _rss_kib() / 1024}
                    )
                    if elapsed > bound:
                        break
    return {
        "benchmark": "memory",
        "ids_asked": n,
        "ids_streamed": seen,
        "bound_s": bound,
        "samples": samples,
    }


TRACED_LATENCY = 0.020
"""Seconds the fake takes per request in the trace (plus up to 5 ms jitter): a nearby API."""


async def trace() -> dict[str, Any]:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from iamport_async.otel import OpenTelemetryInstrumentation

    fake = FakeIamport(seed=SEED)
    payment = fake.add_payment(amount=1000, status="paid")
    fake.faults.latency(TRACED_LATENCY, 0.005)
    fake.faults.script("503", "503", operations=["GET /payments/{imp_uid}"])
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    hook = OpenTelemetryInstrumentation(tracer_provider=provider)
    async with Iamport(
        imp_key=fake.imp_key,
        imp_secret=SECRET,
        transport=fake.transport(),
        instrumentation=hook,
        seed=SEED,
    ) as client:
        await client.payments.get(payment["imp_uid"])
    spans = sorted(exporter.get_finished_spans(), key=lambda span: span.start_time or 0)
    zero = spans[0].start_time or 0
    names = {span.context.span_id: span.name for span in spans if span.context}

    def offset(ns: int | None) -> float:
        return round(((ns or zero) - zero) / 1e9, 4)

    def tidy(attributes: Any) -> dict[str, Any]:
        return {
            k: round(v, 4) if isinstance(v, float) else v for k, v in (attributes or {}).items()
        }

    return {
        "latency_s": TRACED_LATENCY,
        "scripted": ["503", "503"],
        "spans": [
            {
                "name": span.name,
                "parent": names.get(span.parent.span_id) if span.parent else None,
                "start": offset(span.start_time),
                "end": offset(span.end_time),
                "attributes": tidy(span.attributes),
                "events": [
                    {
                        "name": e.name,
                        "t": offset(e.timestamp),
                        "attributes": tidy(e.attributes),
                    }
                    for e in span.events
                ],
            }
            for span in spans
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("figure", choices=["adaptive", "memory", "trace"])
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--seconds", type=float, default=45.0, help="adaptive: run time")
    parser.add_argument("--workers", type=int, default=32, help="adaptive: concurrent callers")
    parser.add_argument("--ids", type=int, default=1_000_000, help="memory: ids to stream")
    parser.add_argument("--bound", type=float, default=600.0, help="memory: stop after (s)")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    if args.figure == "adaptive":
        figures = asyncio.run(adaptive(args.seconds, args.workers))
    elif args.figure == "trace":
        figures = asyncio.run(trace())
    else:
        known = [p["imp_uid"] for p in seed_payments(10_000, seed=SEED)]
        server = Server(10_000, 0.0)
        try:
            figures = asyncio.run(memory(server.url, args.ids, known, args.bound))
        finally:
            server.close()
    figures.update(
        date=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        machine=machine(),
        load_average=[round(load_before, 1), round(os.getloadavg()[0], 1)],
    )
    rows = "samples" if "samples" in figures else "spans"
    summary = {k: v for k, v in figures.items() if k != rows}
    print(json.dumps(summary), f"{len(figures[rows])} {rows}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out, indent=1)
            out.write("\n")


if __name__ == "__main__":
    main()
