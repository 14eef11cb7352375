"""What one call costs in CPU instructions, counted by valgrind's callgrind: a figure that a
busy machine does not change, where wall and CPU time swing by more than the cost measured.

Each setting runs as its own process under ``valgrind --tool=callgrind``, uncounted and
uninstrumented (fast) through start-up, imports and a warm-up call (the token, a connection).
Then it tells this script it is ready, and waits while ``callgrind_control -i on`` switches
counting on; then it makes two segments of N sequential ``GET /payments/{imp_uid}``. Before
each segment, and after the last, it calls ``os.sched_yield()``, which nothing else calls:
callgrind dumps its counts on entering it (``--dump-before``), so each segment's count holds
N calls and nothing else. Two segments show that the count repeats. The local server runs
in another process, not under valgrind: only the caller's instructions are counted (the
server's work is the same for every setting anyway).

Settings: bare ``httpx.AsyncClient`` (the same GET, header and ``json.loads`` as the client),
the client with no hook, with a hook that does nothing, and with the OpenTelemetry SDK
recording (spans kept by an in-memory exporter, metrics by an in-memory reader). The client
settings call ``client.request``, which returns the decoded ``response`` as bare httpx does;
``payments.get`` also builds the model, for reference. ``--keep DIR`` keeps the callgrind
files: ``callgrind_annotate --inclusive=yes DIR/none.out.2`` shows where one segment went.
Without valgrind the script says so and measures nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from subprocess import DEVNULL, PIPE
from typing import Any

import httpx

from benchmarks._local_server import local_server
from iamport_async import Iamport
from iamport_async.instrumentation import Event

PATH = "/payments/imp_1"


class NoOp:
    """The plain hook: told every event, does nothing with it."""

    def on_event(self, event: Event) -> None:
        return None


def otel_sdk() -> Any:
    """The hook feeding an SDK that records: every span exported to memory, metrics kept."""
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from iamport_async.otel import OpenTelemetryInstrumentation

    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(InMemorySpanExporter()))
    return OpenTelemetryInstrumentation(
        tracer_provider=tracer_provider,
        meter_provider=MeterProvider(metric_readers=[InMemoryMetricReader()]),
    )


SEGMENTS = 2
MARKER = "os_sched_yield"
"""The C function behind ``os.sched_yield()``: callgrind dumps its counts on entering it."""


async def segments(call: Callable[[], Awaitable[object]], calls: int) -> None:
    """Wait to be counted; mark the start of each segment of ``calls`` calls, and its end."""
    print("ready", flush=True)
    sys.stdin.readline()  # while the parent switches counting on
    for _ in range(SEGMENTS):
        os.sched_yield()
        for _ in range(calls):
            await call()
    os.sched_yield()


async def bare(base_url: str, calls: int) -> None:
    async with httpx.AsyncClient(base_url=base_url) as http:
        headers = {"Authorization": "Bearer t", "Accept": "application/json"}

        async def call() -> object:
            response = await http.get(PATH, headers=headers)
            return json.loads(response.content)["response"]

        await call()  # warm the connection
        await segments(call, calls)


def with_client(make_hook: Callable[[], Any], *, model: bool = False) -> Runner:
    async def run(base_url: str, calls: int) -> None:
        hook = make_hook()
        async with Iamport(
            imp_key="k", imp_secret="s", base_url=base_url, instrumentation=hook
        ) as client:

            async def call() -> object:
                if model:
                    return await client.payments.get("imp_1")
                return await client.request("GET", PATH)

            await call()  # the token, a warm connection, and any first-use set-up of the call
            await segments(call, calls)

    return run


Runner = Callable[[str, int], Awaitable[None]]
SETTINGS: dict[str, Runner] = {
    "bare": bare,
    "none": with_client(lambda: None),
    "hook": with_client(NoOp),
    "otel-sdk": with_client(otel_sdk),
    "get-model": with_client(lambda: None, model=True),
}
LABELS = {
    "bare": "bare httpx",
    "none": "client, no hook",
    "hook": "client, plain hook",
    "otel-sdk": "client, OTel SDK recording",
    "get-model": "payments.get, no hook",
}


def count(setting: str, calls: int, base_url: str, out_dir: Path) -> list[int]:
    """Instructions executed in each segment of ``calls`` calls of ``setting``."""
    out = out_dir / f"{setting}.out"
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--dump-before={MARKER}",
        f"--callgrind-out-file={out}",
        sys.executable,
        "-m",
        "benchmarks.instructions",
        "--child",
        setting,
        "--calls",
        str(calls),
        "--url",
        base_url,
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}  # same dict layouts, same work, every run
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
    # Dump 1: from counting on to the first mark; dumps 2 .. SEGMENTS + 1: the segments.
    totals = []
    for dump in range(2, SEGMENTS + 2):
        path = out.with_name(f"{out.name}.{dump}")
        found = (
            re.search(r"^totals: (\d+)", path.read_text(), re.MULTILINE) if path.exists() else None
        )
        if found is None:
            raise RuntimeError(
                f"no count in {path}: does this Python have {MARKER} (not stripped)?"
            )
        totals.append(int(found.group(1)))
    return totals


def measure(settings: list[str], calls: int, jobs: int, out_dir: Path) -> dict[str, list[float]]:
    """Instructions per call of each setting, one figure per segment."""
    with local_server() as base_url, ThreadPoolExecutor(jobs) as pool:
        runs = {s: pool.submit(count, s, calls, base_url, out_dir) for s in settings}
        return {s: [total / calls for total in run.result()] for s, run in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=200, help="calls in each segment")
    parser.add_argument("--jobs", type=int, default=2, help="processes under valgrind at once")
    parser.add_argument("--settings", nargs="+", choices=list(SETTINGS), default=list(SETTINGS))
    parser.add_argument("--keep", type=Path, help="keep the callgrind files in this directory")
    parser.add_argument("--child", choices=list(SETTINGS), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()  # nox's bench session passes its posargs to every script
    if args.child:
        asyncio.run(SETTINGS[args.child](args.url, args.calls))
        return
    if shutil.which("valgrind") is None:
        print("instructions: valgrind is not installed, nothing measured")
        return
    settings = ["bare", *(s for s in args.settings if s != "bare")]
    with tempfile.TemporaryDirectory() as scratch:
        out_dir = args.keep or Path(scratch)
        out_dir.mkdir(parents=True, exist_ok=True)
        per_call = measure(settings, args.calls, args.jobs, out_dir)
    print(
        f"instructions: callgrind, {SEGMENTS} segments of {args.calls} sequential calls a"
        " setting, client process only, token cached"
    )
    base = sum(per_call["bare"]) / SEGMENTS
    for setting, figures in per_call.items():
        mean = sum(figures) / SEGMENTS
        spread = (max(figures) - min(figures)) / mean
        print(
            f"  {LABELS[setting]:<27} {mean:>10,.0f} instructions/call (segments within"
            f" {spread:.2%})   {mean / base:.3f}x bare   {mean - base:>+9,.0f}"
        )


if __name__ == "__main__":
    main()
