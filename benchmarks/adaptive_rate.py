"""Adaptive rate control: how close ``Iamport(adaptive=True)`` gets to a server's unknown limit.

The fake API runs on 127.0.0.1 (uvicorn) and allows R requests a second (more get 429 with
``Retry-After: 1``). Many workers call ``payments.get`` in a loop for ``--seconds``. Every
second the server's counters are sampled; after ``--warmup`` seconds (convergence) it prints
the accepted rate as a fraction of R (target >= 85%) and the share of requests throttled
(target <= 5%). A figure, not a timed assertion.

    python benchmarks/adaptive_rate.py [--rate 50] [--seconds 30] [--warmup 10] [--workers 32]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time

import anyio

from iamport_async import Iamport
from iamport_async.testing import FakeIamport


async def run(rate: float, seconds: float, warmup: float, workers: int) -> None:
    fake = FakeIamport(seed=1)
    fake.add_payment(imp_uid="imp_1", amount=1000)
    async with fake.serve() as base_url:
        client = Iamport(
            imp_key=fake.imp_key,
            imp_secret="test_imp_secret",
            base_url=base_url,
            adaptive=True,
            max_retries=10,
            total_timeout=120,
        )
        await client.payments.get("imp_1")  # the token, before the limit is on
        fake.faults.rate_limit(rate, retry_after=1)
        fake.stats.reset()
        samples: list[tuple[float, int, int]] = []

        async def worker() -> None:
            while True:
                await client.payments.get("imp_1")

        async def sample() -> None:
            started = time.monotonic()
            while True:
                stats = fake.stats
                samples.append(
                    (time.monotonic() - started, stats.statuses[200], stats.statuses[429])
                )
                await anyio.sleep(1.0)

        async with client, anyio.create_task_group() as tg:
            tg.start_soon(sample)
            for _ in range(workers):
                tg.start_soon(worker)
            await anyio.sleep(seconds)
            tg.cancel_scope.cancel()

    print(f"server limit R = {rate:g}/s, {workers} workers, {seconds:g} s, warm-up {warmup:g} s")
    print(" second  accepted/s  throttled/s")
    for (t0, ok0, th0), (t1, ok1, th1) in itertools.pairwise(samples):
        span = t1 - t0
        print(f" {t1:6.1f}  {(ok1 - ok0) / span:10.1f}  {(th1 - th0) / span:11.1f}")
    after = [s for s in samples if s[0] >= warmup]
    if len(after) < 2:
        print("run longer than the warm-up to get a figure")
        return
    (t0, ok0, th0), (t1, ok1, th1) = after[0], after[-1]
    accepted = (ok1 - ok0) / (t1 - t0)
    throttled = th1 - th0
    total = (ok1 - ok0) + throttled
    print(
        f"after convergence: {accepted:.1f}/s accepted = {accepted / rate:.0%} of R "
        f"(target >= 85%); throttled {throttled}/{total} = {throttled / max(total, 1):.1%} "
        "(target <= 5%)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=32)
    args = parser.parse_args()
    asyncio.run(run(args.rate, args.seconds, args.warmup, args.workers))


if __name__ == "__main__":
    main()
