"""What instrumentation costs per call: none, a no-op hook, OpenTelemetry unconfigured, and
OpenTelemetry with the SDK recording (spans dropped by a no-op processor, metrics kept).

Same method as ``overhead.py``: sequential ``GET /payments/{imp_uid}`` to a local server in
another process, token cached, rounds alternated, best round kept. Figures: CPU and wall time
per call of each setting, and what each adds over no instrumentation.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from typing import Any

from benchmarks._local_server import local_server
from iamport_async import Iamport
from iamport_async.instrumentation import Event


class NoOp:
    def on_event(self, event: Event) -> None:
        return None


def otel_api_only() -> Any:
    from iamport_async.otel import OpenTelemetryInstrumentation

    return OpenTelemetryInstrumentation()  # the global providers: no-op without an SDK


def otel_sdk() -> Any:
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider

    from iamport_async.otel import OpenTelemetryInstrumentation

    return OpenTelemetryInstrumentation(
        tracer_provider=TracerProvider(),  # sampled spans, no exporter
        meter_provider=MeterProvider(metric_readers=[InMemoryMetricReader()]),
    )


SETTINGS: dict[str, Callable[[], Any]] = {
    "none": lambda: None,
    "no-op hook": NoOp,
    "otel, no SDK": otel_api_only,
    "otel + SDK": otel_sdk,
}


async def calls_with(base_url: str, instrumentation: Any, calls: int) -> tuple[float, float]:
    async with Iamport(
        imp_key="k", imp_secret="s", base_url=base_url, instrumentation=instrumentation
    ) as client:
        await client.request("GET", "/payments/imp_1")  # the token, and a warm connection
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(calls):
            await client.request("GET", "/payments/imp_1")
        return time.perf_counter() - wall, time.process_time() - cpu


async def main(calls: int, rounds: int) -> None:
    best: dict[str, tuple[float, float]] = {}
    with local_server() as base_url:
        for _ in range(rounds):
            for name, make in SETTINGS.items():
                wall, cpu = await calls_with(base_url, make(), calls)
                old = best.get(name, (wall, cpu))
                best[name] = (min(old[0], wall), min(old[1], cpu))
    print(f"instrumentation: {calls} sequential calls, best of {rounds} rounds, token cached")
    base_cpu = best["none"][1]
    for name, (wall, cpu) in best.items():
        print(
            f"  {name:<13} wall {wall / calls * 1e6:7.1f} us/call   cpu {cpu / calls * 1e6:7.1f}"
            f" us/call   added cpu {(cpu - base_cpu) / calls * 1e6:+6.1f} us/call"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.calls, args.rounds))
