"""Bulk reconciliation: orders per second, requests made, peak and live memory.

The project's fake API runs under uvicorn on 127.0.0.1 in another process (the helper of
``benchmarks/bulk_lookup.py``: its CPU stays out of the client's figures) with 20 ms latency
and 100,000 seeded payments. The merchant's orders mirror them (a quarter keyed by
``merchant_uid``), so every order should match. Each run is a fresh process, so that peak
RSS is its own; ``--million`` adds 1,000,000 orders (the payments, ten times over: each
repeat is looked up again) for the memory figure, which takes minutes.

    python benchmarks/reconcile.py [--orders 100000] [--concurrency 8] [--million]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bulk_lookup import LATENCY, SEED, Server, current_rss_kib, new_client
from iamport_async.reconcile import Order, ReconcileOutcome, reconcile
from iamport_async.testing import seed_payments

PAYMENTS = 100_000

Row = tuple[str, str, int, str, int]


def known_payments(n: int) -> list[Row]:
    """What the server was seeded with, as compact tuples (the records are dropped)."""
    return [
        (p["imp_uid"], p["merchant_uid"], p["amount"], p["status"], p["cancel_amount"])
        for p in seed_payments(n, seed=SEED)
    ]


def orders(known: list[Row], n: int) -> Iterator[Order]:
    for index in range(n):
        imp_uid, merchant_uid, amount, status, cancelled = known[index % len(known)]
        partial = 0 < cancelled < amount
        yield Order(
            amount=amount,
            status=status,
            cancel_amount=cancelled if partial else None,
            **({"merchant_uid": merchant_uid} if index % 4 == 0 else {"imp_uid": imp_uid}),
        )


def child(url: str, n: int, concurrency: int) -> None:
    """Reconcile ``n`` orders; print the figures as one JSON line."""
    known = known_payments(PAYMENTS)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    async def main() -> dict[str, object]:
        counter = [0]
        start = highest = current_rss_kib()
        async with new_client(url, counter) as client:
            started = time.perf_counter()
            cpu = time.process_time()
            job = reconcile(client, orders(known, n), concurrency=concurrency, total=n)
            async with job as results:
                async for _ in results:
                    if job.summary.total % 10_000 == 0:
                        highest = max(highest, current_rss_kib())
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu
            await client._engine.http.aclose()
        counts = {k.value: v for k, v in job.summary.counts.items() if v}
        return {
            "n": n,
            "elapsed": elapsed,
            "cpu": cpu,
            "requests": counter[0],
            "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "baseline_kib": baseline,
            "live_start_kib": start,
            "live_max_kib": highest,
            "counts": counts,
            "matched": job.summary.counts[ReconcileOutcome.MATCHED],
        }

    print(json.dumps(asyncio.run(main())))


def run_child(url: str, n: int, concurrency: int) -> dict[str, object]:
    command = [sys.executable, __file__, "--child", url, str(n), "--concurrency", str(concurrency)]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    figures: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return figures


def report(figures: dict[str, object]) -> None:
    n = int(str(figures["n"]))
    elapsed, cpu = float(str(figures["elapsed"])), float(str(figures["cpu"]))
    unique = min(n, PAYMENTS)
    least = math.ceil(unique * 3 / 4 / 100) + math.ceil(unique / 4 / 100)
    least = least * math.ceil(n / PAYMENTS) + 1
    mib = 1024
    print(
        f"{n:,} orders: {elapsed:.1f} s, {n / elapsed:,.0f} orders/s "
        f"(client CPU {cpu:.1f} s, {cpu / n * 1e6:.0f} us an order); "
        f"{figures['requests']:,} requests (least possible ~{least:,}); "
        f"matched {figures['matched']:,} {figures['counts']}"
    )
    print(
        f"  peak RSS {int(str(figures['peak_kib'])) / mib:.1f} MiB "
        f"(before the run {int(str(figures['baseline_kib'])) / mib:.1f} MiB); live RSS "
        f"{int(str(figures['live_start_kib'])) / mib:.1f} -> "
        f"{int(str(figures['live_max_kib'])) / mib:.1f} MiB while reconciling"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--million", action="store_true", help="also 1,000,000 orders")
    parser.add_argument("--child", nargs=2, metavar=("URL", "N"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.concurrency)
        return
    server = Server(PAYMENTS, LATENCY)
    try:
        print(
            f"fake API on 127.0.0.1 in a child process: {PAYMENTS:,} payments, "
            f"{LATENCY * 1000:.0f} ms latency; concurrency {args.concurrency} per id kind"
        )
        sizes = [args.orders, *([1_000_000] if args.million else [])]
        for n in sizes:
            report(run_child(server.url, n, args.concurrency))
    finally:
        server.close()


if __name__ == "__main__":
    main()
