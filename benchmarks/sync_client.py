"""The blocking client (``iamport_async.sync``) against the async one and bare sync httpx.

Three figures:

1. **Per-call cost, in instructions** (callgrind, as ``benchmarks/instructions.py`` counts:
   the client process only, token cached, two segments of N sequential calls): bare
   ``httpx.Client`` (the same GET, header and ``json.loads``), the async client's
   ``await client.request``, and the sync client's ``client.request`` (the hop to the loop
   thread and back included; callgrind counts both threads). The hop's cost is the sync
   figure over the async one.
2. **10,000 lookups with ``get_many``**, sync client against async client, to the fake on
   127.0.0.1 in another process: wall time of paired runs, alternating, the median ratio.
3. **Against the official sync client** (``iamport-rest-client``, ``find_by_imp_uid`` from
   64 threads, as ``benchmarks/peers.py`` runs it) on the same server: 10,000 lookups, wall
   time and token requests.

``python -m benchmarks.sync_client [--calls 200] [--ids 10000] [--pairs 5]``. Without
valgrind, figure 1 is skipped; without ``iamport-rest-client``, figure 3.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from subprocess import DEVNULL, PIPE
from typing import Any

import httpx

from benchmarks._local_server import local_server
from benchmarks.peers import SECRET, SEED, Server, official
from iamport_async import Iamport as AsyncIamport
from iamport_async.sync import Iamport
from iamport_async.testing import seed_payments

PATH = "/payments/imp_1"
SEGMENTS = 2
MARKER = "os_sched_yield"


# -- 1. instructions per call ------------------------------------------------------------------


def _segments(call: Callable[[], object], calls: int) -> None:
    print("ready", flush=True)
    sys.stdin.readline()
    for _ in range(SEGMENTS):
        os.sched_yield()
        for _ in range(calls):
            call()
    os.sched_yield()


def bare_sync(base_url: str, calls: int) -> None:
    with httpx.Client(base_url=base_url) as http:
        headers = {"Authorization": "Bearer t", "Accept": "application/json"}

        def call() -> object:
            return json.loads(http.get(PATH, headers=headers).content)["response"]

        call()
        _segments(call, calls)


def sync_client(base_url: str, calls: int) -> None:
    with Iamport(imp_key="k", imp_secret="s", base_url=base_url) as client:

        def call() -> object:
            return client.request("GET", PATH)

        call()
        _segments(call, calls)


def async_client(base_url: str, calls: int) -> None:
    async def main() -> None:
        async with AsyncIamport(imp_key="k", imp_secret="s", base_url=base_url) as client:
            await client.request("GET", PATH)
            print("ready", flush=True)
            sys.stdin.readline()
            for _ in range(SEGMENTS):
                os.sched_yield()
                for _ in range(calls):
                    await client.request("GET", PATH)
            os.sched_yield()

    asyncio.run(main())


SETTINGS: dict[str, Callable[[str, int], None]] = {
    "bare-sync": bare_sync,
    "async": async_client,
    "sync": sync_client,
}
LABELS = {
    "bare-sync": "bare httpx.Client",
    "async": "async client (await)",
    "sync": "sync client (the hop)",
}


def count(setting: str, calls: int, base_url: str, out_dir: Path) -> list[int]:
    out = out_dir / f"{setting}.out"
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--dump-before={MARKER}",
        f"--callgrind-out-file={out}",
        sys.executable,
        "-m",
        "benchmarks.sync_client",
        "--child",
        setting,
        "--calls",
        str(calls),
        "--url",
        base_url,
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    child = subprocess.Popen(command, env=env, stdin=PIPE, stdout=PIPE, stderr=DEVNULL, text=True)
    assert child.stdin is not None
    assert child.stdout is not None
    if child.stdout.readline() != "ready\n":
        raise RuntimeError(f"{setting}: the child did not get ready ({child.wait()})")
    switch = ["callgrind_control", "-i", "on", str(child.pid)]
    subprocess.run(switch, check=True, stdout=DEVNULL, stderr=DEVNULL)
    child.stdin.write("go\n")
    child.stdin.close()
    if child.wait() != 0:
        raise RuntimeError(f"{setting}: the child failed ({child.returncode})")
    totals = []
    for dump in range(2, SEGMENTS + 2):
        # callgrind writes one file per thread and dump (-<thread>) or one per dump
        paths = sorted(out_dir.glob(f"{out.name}.{dump}*"))
        found = 0
        for path in paths:
            match = re.search(r"^totals: (\d+)", path.read_text(), re.MULTILINE)
            if match:
                found += int(match.group(1))
        if not found:
            raise RuntimeError(f"no count for {setting} dump {dump}")
        totals.append(found)
    return totals


def instructions(calls: int) -> dict[str, float]:
    with local_server() as base_url, tempfile.TemporaryDirectory() as scratch:
        return {
            setting: statistics.mean(
                total / calls for total in count(setting, calls, base_url, Path(scratch))
            )
            for setting in SETTINGS
        }


# -- 2. and 3. wall time of 10,000 lookups -------------------------------------------------------


def sync_many(url: str, ids: list[str]) -> float:
    begun = time.perf_counter()
    with Iamport(imp_key="test_imp_key", imp_secret=SECRET, base_url=url) as client:
        found = client.payments.get_many(ids).found
    assert len(found) == len(ids)
    return time.perf_counter() - begun


def async_many(url: str, ids: list[str]) -> float:
    async def main() -> float:
        begun = time.perf_counter()
        async with AsyncIamport(imp_key="test_imp_key", imp_secret=SECRET, base_url=url) as c:
            found = (await c.payments.get_many(ids)).found
        assert len(found) == len(ids)
        return time.perf_counter() - begun

    return asyncio.run(main())


def lookups(ids_count: int, pairs: int, latency: float) -> dict[str, Any]:
    ids = [p["imp_uid"] for p in seed_payments(ids_count, seed=SEED)]
    server = Server(ids_count, latency)
    try:
        sync_many(server.url, ids[:200])  # warm the server's caches
        ratios, walls = [], {"sync": [], "async": []}
        for index in range(pairs):
            order = ("sync", "async") if index % 2 == 0 else ("async", "sync")
            got = {}
            for name in order:
                got[name] = (sync_many if name == "sync" else async_many)(server.url, ids)
                walls[name].append(got[name])
            ratios.append(got["sync"] / got["async"])
        figures: dict[str, Any] = {
            "sync_wall": statistics.median(walls["sync"]),
            "async_wall": statistics.median(walls["async"]),
            "ratio": statistics.median(ratios),
        }
        server.ask("reset")
        figures["sync_wall_once"] = sync_many(server.url, ids)
        figures["sync_tokens"] = server.ask("stats")["token_requests"]
        try:
            import iamport  # type: ignore[import-not-found]  # noqa: F401
        except ImportError:
            return figures
        server.ask("reset")
        begun = time.perf_counter()
        outcome = official(server.url, ids, 600)
        figures["official_wall"] = time.perf_counter() - begun
        figures["official_done"] = outcome["done"]
        figures["official_tokens"] = server.ask("stats")["token_requests"]
        return figures
    finally:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--ids", type=int, default=10_000)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--child", choices=list(SETTINGS), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()
    if args.child:
        SETTINGS[args.child](args.url, args.calls)
        return
    if shutil.which("valgrind") is None:
        print("sync_client: valgrind is not installed, no instruction counts")
    else:
        per_call = instructions(args.calls)
        base = per_call["bare-sync"]
        print(f"sync_client: callgrind, {SEGMENTS} segments of {args.calls} sequential calls")
        for setting, figure in per_call.items():
            print(
                f"  {LABELS[setting]:<24} {figure:>10,.0f} instructions/call"
                f"  {figure / base:.3f}x bare"
            )
        print(f"  the hop: sync / async = {per_call['sync'] / per_call['async']:.3f}")
    figures = lookups(args.ids, args.pairs, args.latency)
    print(f"sync_client: {args.ids:,} lookups with get_many, {args.pairs} pairs, median")
    print(
        f"  sync {figures['sync_wall']:.3f} s, async {figures['async_wall']:.3f} s,"
        f" ratio {figures['ratio']:.3f}; token requests (sync): {figures['sync_tokens']}"
    )
    if "official_wall" in figures:
        speedup = figures["official_wall"] / figures["sync_wall_once"]
        print(
            f"  iamport-rest-client: {figures['official_wall']:.2f} s for"
            f" {figures['official_done']:,} lookups, {figures['official_tokens']:,} token"
            f" requests; the sync client {speedup:.0f}x faster"
        )


if __name__ == "__main__":
    main()
