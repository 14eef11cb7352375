"""Bulk payment lookups: request count, wall time, CPU per payment, memory while streaming.

Runs the project's fake API (``FakeIamport``) under uvicorn on 127.0.0.1 in another process
(its CPU stays out of the client's figures), with 20 ms injected latency and N seeded payments,
then measures:

1. HTTP requests ``get_many`` makes for N ids (must be ceil(N/100) + 1 token request);
2. its wall time against a bare httpx + ``json.loads`` loop sending the same requests with the
   same concurrency, in the same run (target ratio <= 1.15), and against the naive way (one
   ``GET /payments/{imp_uid}`` per id);
3. client CPU per payment (envelope decode + models) against ``json.loads`` alone on the same
   bodies (target ratio <= 2.0);
4. peak RSS of ``iter_many`` over 100,000 and 1,000,000 ids, each in a fresh process (must stay
   within 20%).

    python -m benchmarks.bulk_lookup [--ids 10000] [--concurrency 8] [--latency 0.02] [--rounds 9]
        [--skip-rss]
"""

from __future__ import annotations

import argparse
import asyncio
import builtins
import json
import math
import multiprocessing
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import anyio
import httpx

from iamport_async import Iamport
from iamport_async._engine.envelope import decode
from iamport_async.endpoints.payments import Payments
from iamport_async.models._converter import structure
from iamport_async.models.payment import Payment
from iamport_async.testing import FakeIamport, seed_payments

LATENCY = 0.020
SEED = 7


def _serve(payments: int, latency: float, ready: Any, stop: Any) -> None:
    async def main() -> None:
        fake = FakeIamport(seed=SEED)
        fake.add_payments(seed_payments(payments, seed=SEED))
        fake.faults.latency(latency)
        async with fake.serve() as url:
            ready.send(url)
            await asyncio.to_thread(stop.wait)

    asyncio.run(main())


class Server:
    """The fake on 127.0.0.1 in a child process."""

    def __init__(self, payments: int, latency: float) -> None:
        context = multiprocessing.get_context("spawn")
        receive, send = context.Pipe(duplex=False)
        self._stop = context.Event()
        self._process = context.Process(
            target=_serve, args=(payments, latency, send, self._stop), daemon=True
        )
        self._process.start()
        self.url: str = receive.recv()

    def close(self) -> None:
        self._stop.set()
        self._process.join(10)


class Timing:
    """Wall and CPU seconds of a block: a loop whose CPU nearly equals its wall time is bound
    by this process's CPU, not by the server's latency."""

    wall = cpu = 0.0

    def __enter__(self) -> Timing:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu

    @property
    def busy(self) -> float:
        return self.cpu / self.wall


def imp_uids(n: int) -> list[str]:
    return [p["imp_uid"] for p in seed_payments(n, seed=SEED)]


def new_client(url: str, counter: list[int], max_concurrency: int = 64) -> Iamport:
    async def count(request: httpx.Request) -> None:
        counter[0] += 1

    http = httpx.AsyncClient(
        event_hooks={"request": [count]},
        limits=httpx.Limits(max_connections=max_concurrency),
    )
    fake = FakeIamport()
    return Iamport(
        imp_key=fake.imp_key,
        imp_secret=fake._imp_secret,
        base_url=url,
        http_client=http,
        max_concurrency=max_concurrency,
    )


async def run_client(url: str, ids: list[str], concurrency: int) -> tuple[Timing, int, int]:
    counter = [0]
    async with new_client(url, counter) as client:
        with Timing() as timing:
            result = await Payments(client._engine).get_many(ids, concurrency=concurrency)
        await client._engine.http.aclose()
    assert not result.failed, result.failed
    return timing, counter[0], len(result.found)


async def run_bare(url: str, ids: list[str], concurrency: int) -> tuple[Timing, list[bytes]]:
    """The same requests with httpx and json.loads only: the floor for the client."""
    bodies: list[bytes] = []
    fake = FakeIamport()
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=64)) as http:
        with Timing() as timing:
            token = (
                await http.post(
                    url + "/users/getToken",
                    json={"imp_key": fake.imp_key, "imp_secret": fake._imp_secret},
                )
            ).json()["response"]["access_token"]
            slots = anyio.Semaphore(concurrency)

            async def one(chunk: list[str]) -> None:
                async with slots:
                    response = await http.get(
                        url + "/payments",
                        params=[("imp_uid[]", i) for i in chunk],
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    json.loads(response.content)
                    bodies.append(response.content)

            async with anyio.create_task_group() as tg:
                for start in range(0, len(ids), 100):
                    tg.start_soon(one, ids[start : start + 100])
    return timing, bodies


async def run_naive(url: str, ids: list[str], concurrency: int) -> float:
    counter = [0]
    async with new_client(url, counter, max_concurrency=concurrency) as client:
        payments = Payments(client._engine)
        slots = anyio.Semaphore(concurrency)
        started = time.perf_counter()

        async def one(imp_uid: str) -> None:
            async with slots:
                await payments.get(imp_uid)

        async with anyio.create_task_group() as tg:
            for imp_uid in ids:
                tg.start_soon(one, imp_uid)
        elapsed = time.perf_counter() - started
        await client._engine.http.aclose()
    return elapsed


def cpu_ratio(bodies: list[bytes], rounds: int = 15) -> tuple[float, float, int]:
    """Best-of-``rounds`` CPU seconds (``time.process_time``: other processes on a shared
    machine do not count) for json.loads alone and for decode + models."""
    count = sum(len(json.loads(body)["response"]) for body in bodies)
    responses = [httpx.Response(200, content=body) for body in bodies]

    def loads_only() -> None:
        for body in bodies:
            json.loads(body)

    def client_path() -> None:
        for response in responses:
            payload = decode(response, "GET", "/payments")
            structure(payload, builtins.list[Payment], status=200, method="GET", path="/payments")

    client_path()  # the structure functions are generated on first use: not what is measured
    best_loads = best_client = math.inf
    for _ in range(rounds):  # interleaved, so that noise hits both alike
        started = time.process_time()
        loads_only()
        best_loads = min(best_loads, time.process_time() - started)
        started = time.process_time()
        client_path()
        best_client = min(best_client, time.process_time() - started)
    return best_loads, best_client, count


def current_rss_kib() -> int:
    """Resident memory now (Linux), unlike ``ru_maxrss``, which never comes down."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() // 1024


def rss_child(url: str, n: int, known: list[str], concurrency: int) -> None:
    """Stream ``n`` ids through iter_many; print peak RSS (KiB) and what was found."""

    def ids() -> Iterator[str]:
        for index in range(n):  # one id in ten is a real payment; the rest are missing
            yield known[index // 10 % len(known)] if index % 10 == 0 else f"imp_none_{index}"

    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # imports and known ids

    async def main() -> None:
        counter = [0]
        found = missing = failed = seen = 0
        start = highest = current_rss_kib()
        async with new_client(url, counter) as client:
            stream = Payments(client._engine).iter_many(ids(), concurrency=concurrency)
            async with stream as results:
                async for lookup in results:
                    seen += 1
                    if seen % 5000 == 0:
                        highest = max(highest, current_rss_kib())
                    if lookup.found:
                        found += 1
                    elif lookup.failed:
                        failed += 1
                    else:
                        missing += 1
            await client._engine.http.aclose()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(
            json.dumps(
                {
                    "n": n,
                    "peak_kib": peak,
                    "baseline_kib": baseline,
                    "live_start_kib": start,
                    "live_max_kib": highest,
                    "found": found,
                    "missing": missing,
                    "failed": failed,
                    "requests": counter[0],
                }
            )
        )

    asyncio.run(main())


def measure_rss(url: str, n: int) -> None:
    """Peak RSS of iter_many over 100,000 and 1,000,000 ids, each in a fresh process."""
    growth: dict[int, int] = {}
    for size in (100_000, 1_000_000):
        started = time.perf_counter()
        command = [sys.executable, __file__, "--ids", str(n), "--rss-child", url, str(size)]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        growth[size] = figures["live_max_kib"] - figures["live_start_kib"]
        print(
            f"iter_many {size}: peak RSS {figures['peak_kib'] / 1024:.1f} MiB "
            f"(before streaming {figures['baseline_kib'] / 1024:.1f} MiB); live RSS "
            f"{figures['live_start_kib'] / 1024:.1f} -> {figures['live_max_kib'] / 1024:.1f} MiB "
            f"while streaming; "
            f"{figures['requests']} requests, found {figures['found']}, "
            f"missing {figures['missing']}, failed {figures['failed']}, "
            f"{time.perf_counter() - started:.1f} s"
        )
    print(
        f"streaming growth 100k -> 1M: {growth[100_000] / 1024:.1f} -> "
        f"{growth[1_000_000] / 1024:.1f} MiB (must stay flat: within 20%)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ids", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--latency", type=float, default=LATENCY, help="seconds per request")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--skip-rss", action="store_true")
    parser.add_argument("--rss-only", action="store_true")
    parser.add_argument("--rss-child", nargs=2, metavar=("URL", "N"))
    args = parser.parse_args()
    if args.rss_child:
        url, n = args.rss_child
        rss_child(url, int(n), imp_uids(args.ids), 16)
        return

    n, concurrency = args.ids, args.concurrency
    ids = imp_uids(n)
    latency = args.latency
    server = Server(n, latency)
    try:
        if args.rss_only:
            measure_rss(server.url, n)
            return
        client_times, bare_times = [], []
        requests = found = 0
        bodies: list[bytes] = []
        for _ in range(args.rounds):  # alternate, so that both see the same conditions
            elapsed, requests, found = asyncio.run(run_client(server.url, ids, concurrency))
            client_times.append(elapsed)
            elapsed, bodies = asyncio.run(run_bare(server.url, ids, concurrency))
            bare_times.append(elapsed)
        naive = asyncio.run(run_naive(server.url, ids, 64))
        expected = math.ceil(n / 100) + 1
        print(f"ids: {n}, latency {latency * 1000:.0f} ms, chunk concurrency {concurrency}")
        print(
            f"requests: {requests} (expected {expected}) {'OK' if requests == expected else 'FAIL'}"
        )
        print(f"found: {found}/{n}")
        client_best = min(client_times, key=lambda timing: timing.wall)
        bare_best = min(bare_times, key=lambda timing: timing.wall)
        best_client, best_bare = client_best.wall, bare_best.wall
        paired = sorted(c.wall / b.wall for c, b in zip(client_times, bare_times, strict=True))
        print(
            f"wall: client {best_client:.3f} s, bare httpx+json.loads {best_bare:.3f} s, "
            f"ratio {best_client / best_bare:.3f} (target <= 1.15); round by round "
            f"{paired[0]:.2f}-{paired[-1]:.2f}, median {statistics.median(paired):.3f}"
        )
        print(
            f"  cpu during those runs: client {client_best.cpu:.3f} s "
            f"({client_best.busy:.0%} of its wall), bare {bare_best.cpu:.3f} s "
            f"({bare_best.busy:.0%}); latency alone would take "
            f"{math.ceil(n / 100 / concurrency) * latency:.3f} s"
        )
        print(
            f"naive (one GET per id, 64 in flight): {naive:.3f} s, "
            f"{naive / best_client:.1f}x the batched client"
        )
        loads, client_cpu, count = cpu_ratio(bodies)
        print(
            f"cpu per payment: json.loads {loads / count * 1e6:.1f} us, "
            f"decode+models {client_cpu / count * 1e6:.1f} us, "
            f"ratio {client_cpu / loads:.2f} (target <= 2.0)"
        )
        if not args.skip_rss:
            measure_rss(server.url, n)
    finally:
        server.close()


if __name__ == "__main__":
    main()
