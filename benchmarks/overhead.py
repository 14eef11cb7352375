"""What the client adds to one call, against a bare httpx.AsyncClient doing the same call.

Both make the same GET (with the same Authorization header, and ``json.loads`` of the body) to
the same local server, sequentially, with the token cached. Rounds alternate and the best of
each is kept, so a noisy moment hurts neither side alone. Figures: wall and CPU time per call,
and their ratios client / bare.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import httpx

from benchmarks._local_server import local_server
from iamport_async import Iamport


async def bare_calls(base_url: str, calls: int) -> tuple[float, float]:
    async with httpx.AsyncClient(base_url=base_url) as http:
        headers = {"Authorization": "Bearer t", "Accept": "application/json"}
        await http.get("/payments/imp_1", headers=headers)  # warm the connection
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(calls):
            response = await http.get("/payments/imp_1", headers=headers)
            json.loads(response.content)["response"]
        return time.perf_counter() - wall, time.process_time() - cpu


async def client_calls(base_url: str, calls: int) -> tuple[float, float]:
    async with Iamport(imp_key="k", imp_secret="s", base_url=base_url) as client:
        await client.request("GET", "/payments/imp_1")  # the token, and a warm connection
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(calls):
            await client.request("GET", "/payments/imp_1")
        return time.perf_counter() - wall, time.process_time() - cpu


async def main(calls: int, rounds: int) -> None:
    with local_server() as base_url:
        bare: list[tuple[float, float]] = []
        ours: list[tuple[float, float]] = []
        for _ in range(rounds):
            bare.append(await bare_calls(base_url, calls))
            ours.append(await client_calls(base_url, calls))
    bare_wall, bare_cpu = min(w for w, _ in bare), min(c for _, c in bare)
    our_wall, our_cpu = min(w for w, _ in ours), min(c for _, c in ours)
    print(f"overhead: {calls} sequential calls, best of {rounds} rounds, token cached")
    rows = [
        ("bare httpx", bare_wall, bare_cpu),
        ("iamport", our_wall, our_cpu),
        ("added", our_wall - bare_wall, our_cpu - bare_cpu),
    ]
    for name, wall, cpu in rows:
        wall_us, cpu_us = wall / calls * 1e6, cpu / calls * 1e6
        print(f"  {name:<11} wall {wall_us:7.1f} us/call   cpu {cpu_us:7.1f} us/call")
    wall_ratio, cpu_ratio = our_wall / bare_wall, our_cpu / bare_cpu
    print(f"  ratio       wall {wall_ratio:.3f}   cpu {cpu_ratio:.3f}  (client / bare)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.calls, args.rounds))
