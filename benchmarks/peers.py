"""This client against the two existing Python clients, in one run, on the same fake API.

The project's fake API (``FakeIamport``) serves N seeded payments on 127.0.0.1 from another
process, with 20 ms of latency a request. Each contender looks up the same N ``imp_uid``:

- ``iamport-async, batched``: ``payments.get_many`` (100 ids a request);
- ``iamport-async, one get per id``: N concurrent ``payments.get`` (the naive way, but with
  this client's shared token and bounded pool);
- ``async-iamport`` (aiohttp): N concurrent ``find_by_imp_uid``, as an async app would;
- ``iamport-rest-client`` (the official one, requests): ``find_by_imp_uid`` from 64 threads.

Neither peer has a batch call. Both hard-code ``https://api.iamport.kr`` as a default only:
their ``imp_url`` argument points them at the fake. Each run has a time bound; what did not
finish in it is reported, not waited for. The server counts requests and token requests.

    python -m benchmarks.peers [--ids 10000] [--latency 0.02] [--bound 90] [--json FILE]

The peers are installed only in the nox ``bench`` and ``pictures`` sessions.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import concurrent.futures
import datetime
import json
import multiprocessing
import os
import platform
import sys
import time
from importlib import metadata
from typing import Any

from iamport_async import Iamport
from iamport_async.testing import FakeIamport, seed_payments

SEED = 7
THREADS = 64
SECRET = "test_imp_secret"


def _serve(payments: int, latency: float, pipe: Any) -> None:
    """The fake on 127.0.0.1; answers ``"stats"`` and ``"reset"`` on ``pipe`` until ``"stop"``."""

    async def main() -> None:
        fake = FakeIamport(seed=SEED)
        fake.add_payments(seed_payments(payments, seed=SEED))
        fake.faults.latency(latency)
        async with fake.serve() as url:
            pipe.send(url)
            while True:
                command = await asyncio.to_thread(pipe.recv)
                if command == "stop":
                    return
                if command == "reset":
                    fake.stats.reset()
                stats = fake.stats
                pipe.send(
                    {
                        "requests": stats.total_requests,
                        "token_requests": stats.requests.get("POST /users/getToken", 0),
                        "statuses": {str(k): v for k, v in stats.statuses.items()},
                    }
                )

    asyncio.run(main())


class Server:
    def __init__(self, payments: int, latency: float) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(payments, latency, child), daemon=True)
        self._process.start()
        self.url: str = self._pipe.recv()

    def ask(self, command: str) -> dict[str, Any]:
        self._pipe.send(command)
        answer: dict[str, Any] = self._pipe.recv()
        return answer

    def close(self) -> None:
        self._pipe.send("stop")
        self._process.join(10)


def _errors(outcomes: list[BaseException | None]) -> dict[str, int]:
    return dict(collections.Counter(type(e).__name__ for e in outcomes if e is not None))


async def ours_batched(url: str, ids: list[str], bound: float) -> dict[str, Any]:
    fake = FakeIamport()
    async with Iamport(imp_key=fake.imp_key, imp_secret=SECRET, base_url=url) as client:
        lookups = await asyncio.wait_for(client.payments.get_many(imp_uids=ids), bound)
    failed = [lookup.error for lookup in lookups if lookup.failed]
    return {"done": len(lookups.found), "errors": _errors(list(failed))}


async def ours_one_by_one(url: str, ids: list[str], bound: float) -> dict[str, Any]:
    fake = FakeIamport()
    async with Iamport(imp_key=fake.imp_key, imp_secret=SECRET, base_url=url) as client:
        tasks = [asyncio.ensure_future(client.payments.get(i)) for i in ids]
        return await _gathered(tasks, bound)


async def async_iamport(url: str, ids: list[str], bound: float) -> dict[str, Any]:
    from async_iamport import AsyncIamport  # type: ignore[import-not-found]

    fake = FakeIamport()
    client = AsyncIamport(imp_key=fake.imp_key, imp_secret=SECRET, imp_url=url)
    try:
        tasks = [asyncio.ensure_future(client.find_by_imp_uid(i)) for i in ids]
        return await _gathered(tasks, bound)
    finally:
        await client.close_session()


async def _gathered(tasks: list[asyncio.Future[Any]], bound: float) -> dict[str, Any]:
    done, pending = await asyncio.wait(tasks, timeout=bound)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    errors = [task.exception() for task in done]
    return {
        "done": sum(1 for e in errors if e is None),
        "errors": _errors(errors),
        "unfinished": len(pending),
    }


def official(url: str, ids: list[str], bound: float) -> dict[str, Any]:
    from iamport import Iamport as OfficialIamport  # type: ignore[import-not-found]

    fake = FakeIamport()
    client = OfficialIamport(fake.imp_key, SECRET, imp_url=url + "/")
    outcomes: list[BaseException | None] = []
    pool = concurrent.futures.ThreadPoolExecutor(THREADS)
    futures = [pool.submit(client.find_by_imp_uid, i) for i in ids]
    concurrent.futures.wait(futures, timeout=bound)
    pool.shutdown(wait=True, cancel_futures=True)  # the ones already running finish
    for future in futures:
        if future.done() and not future.cancelled():
            outcomes.append(future.exception())
    done = sum(1 for e in outcomes if e is None)
    return {"done": done, "errors": _errors(outcomes), "unfinished": len(ids) - len(outcomes)}


CONTENDERS: list[tuple[str, str, Any]] = [
    ("iamport-async, batched", "iamport-async", ours_batched),
    ("iamport-async, one get per id (naive)", "iamport-async", ours_one_by_one),
    ("async-iamport", "async-iamport", async_iamport),
    ("iamport-rest-client (official)", "iamport-rest-client", official),
]


def run(ids_count: int, latency: float, bound: float) -> dict[str, Any]:
    ids = [p["imp_uid"] for p in seed_payments(ids_count, seed=SEED)]
    server = Server(ids_count, latency)
    rows: list[dict[str, Any]] = []
    load_before = os.getloadavg()[0]
    try:
        asyncio.run(ours_batched(server.url, ids[:100], bound))  # warm-up, not measured
        for label, package, contender in CONTENDERS:
            try:
                version = metadata.version(package)
            except metadata.PackageNotFoundError:
                print(f"{label}: not installed ({package}), skipped", file=sys.stderr)
                continue
            server.ask("reset")
            started = time.perf_counter()
            if asyncio.iscoroutinefunction(contender):
                outcome = asyncio.run(contender(server.url, ids, bound))
            else:
                outcome = contender(server.url, ids, bound)
            wall = time.perf_counter() - started
            stats = server.ask("stats")
            row = {"label": label, "package": package, "version": version, "wall_s": wall}
            row.update(outcome)
            row.update(stats)
            rows.append(row)
            print(
                f"{label} {version}: {wall:.2f} s, {stats['requests']:,} requests "
                f"({stats['token_requests']:,} for tokens), {outcome['done']:,}/{ids_count:,} "
                f"found, errors {outcome['errors'] or 'none'}, "
                f"unfinished {outcome.get('unfinished', 0):,}",
                flush=True,
            )
    finally:
        server.close()
    return {
        "benchmark": "peers",
        "ids": ids_count,
        "latency_s": latency,
        "bound_s": bound,
        "threads_official": THREADS,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "rows": rows,
    }


def machine() -> str:
    """Where the figures were measured: they are only comparable within one run."""
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs (shared), "
        f"Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ids", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.020)
    parser.add_argument("--bound", type=float, default=90.0, help="seconds per contender")
    parser.add_argument("--json", metavar="FILE", help="also write the figures here")
    args = parser.parse_args()
    figures = run(args.ids, args.latency, args.bound)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(figures, out, indent=1)
            out.write("\n")


if __name__ == "__main__":
    main()
