"""``iamport-async demo``: a whole reconciliation against the fake API, with known answers.

The fake (``iamport_async.testing``) is seeded with N payments; the merchant's "orders" are
built from them with planted discrepancies, and some lookups are made to fail with scripted
503s. The run must find every planted discrepancy and nothing else: the demo is also a check.
Lookups that still fail after the client's retries are run again in a second pass, as an
operator would, so the verdict does not depend on which requests the faults hit.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable
from typing import IO, Any

import anyio
import attrs

from iamport_async.cli._common import EXIT_DIFFERS, EXIT_OK, UsageError
from iamport_async.cli._display import MEANINGS, Display, make_display
from iamport_async.client import Iamport
from iamport_async.reconcile import Order, Progress, ReconcileOutcome, Summary, reconcile
from iamport_async.testing import Answer, FakeIamport, VirtualClock

SEED = 2024
CONCURRENCY = 4
"""Requests in flight per id kind: 8 in all."""
RETRIES = 3
FAULTS = RETRIES * 2 * CONCURRENCY + 1
"""503 answers scripted for ``GET /payments``. While they last every request meets one, so
the 8 requests in flight cannot all get through on their retries: at least one exhausts
them (pigeonhole) and its orders are reported ``lookup_failed``. The rest are retried."""
PLANTED: tuple[ReconcileOutcome, ...] = (
    ReconcileOutcome.AMOUNT_DIFFERS,
    ReconcileOutcome.STATUS_DIFFERS,
    ReconcileOutcome.REFUNDED_PARTLY,
    ReconcileOutcome.CURRENCY_DIFFERS,
    ReconcileOutcome.UNKNOWN,
    ReconcileOutcome.DUPLICATE,
)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "demo",
        help="reconcile N fake payments with planted discrepancies (no credentials, offline)",
        description="Exit status: 0 when every planted discrepancy was found, 1 otherwise.",
    )
    parser.add_argument(
        "--payments", type=int, default=10_000, metavar="N", help="payments (default 10,000)"
    )
    parser.add_argument("--plain", action="store_true", help="plain progress lines, no rich")


@attrs.frozen
class Plan:
    """The merchant's orders, and the outcome planted for some of them (by ``ref``)."""

    orders: list[Order]
    planted: dict[int, ReconcileOutcome]


def plan(records: list[dict[str, Any]], seed: int = SEED) -> Plan:
    """Orders mirroring ``records`` (a quarter keyed by merchant_uid, the rest by imp_uid),
    then about one in a thousand per kind of discrepancy planted, each in a different order."""
    rng = random.Random(seed)
    orders: list[Order] = []
    for index, record in enumerate(records):
        partial = 0 < record["cancel_amount"] < record["amount"]
        ids = (
            {"merchant_uid": record["merchant_uid"]}
            if index % 4 == 0
            else {"imp_uid": record["imp_uid"]}
        )
        orders.append(
            Order(
                amount=record["amount"],
                status=record["status"],
                cancel_amount=record["cancel_amount"] if partial else None,
                ref=index,
                **ids,
            )
        )
    per_kind = max(1, len(records) // 1000)
    free = list(range(len(records)))
    rng.shuffle(free)
    planted: dict[int, ReconcileOutcome] = {}

    def pick(wanted: Callable[[dict[str, Any]], bool]) -> Iterable[int]:
        chosen = [i for i in free if wanted(records[i])][:per_kind]
        for index in chosen:
            free.remove(index)
        return chosen

    def is_partial(record: dict[str, Any]) -> bool:
        return bool(0 < record["cancel_amount"] < record["amount"])

    for index in pick(lambda r: not is_partial(r)):
        orders[index] = attrs.evolve(orders[index], amount=orders[index].amount + 1000)
        planted[index] = ReconcileOutcome.AMOUNT_DIFFERS
    for index in pick(lambda r: r["status"] != "paid" and not is_partial(r)):
        orders[index] = attrs.evolve(orders[index], status="paid")
        planted[index] = ReconcileOutcome.STATUS_DIFFERS
    for index in pick(is_partial):
        orders[index] = attrs.evolve(orders[index], status="paid", cancel_amount=None)
        planted[index] = ReconcileOutcome.REFUNDED_PARTLY
    for index in pick(lambda r: not is_partial(r)):
        orders[index] = attrs.evolve(orders[index], currency="USD")
        planted[index] = ReconcileOutcome.CURRENCY_DIFFERS
    for number in range(per_kind):
        ref = len(orders)
        key = "imp_uid" if number % 2 else "merchant_uid"
        orders.append(Order(amount=1000, ref=ref, **{key: f"demo-unknown-{number}"}))
        planted[ref] = ReconcileOutcome.UNKNOWN
    copies = [
        attrs.evolve(orders[i], ref=len(orders) + n)
        for n, i in enumerate(pick(lambda record: True))
    ]
    rng.shuffle(orders)
    for copy in copies:  # after the originals: the later of two orders is the duplicate
        orders.append(copy)
        planted[int(str(copy.ref))] = ReconcileOutcome.DUPLICATE
    return Plan(orders, planted)


@attrs.define
class Run:
    """What the demo saw: the first pass's summary, the final outcome per order."""

    summary: Summary = attrs.field(factory=Summary)
    outcomes: dict[int, ReconcileOutcome] = attrs.field(factory=dict)
    repeated: int = 0
    failed_first: int = 0
    requests_first: int = 0


async def execute(
    fake: FakeIamport,
    layout: Plan,
    display: Display,
    progress_hook: Callable[[Progress], None] | None = None,
) -> Run:
    """Two passes: everything, then the orders whose lookup failed (faults cleared)."""
    seen = Run()

    def on_progress(progress: Progress) -> None:
        display.update(progress)
        if progress_hook is not None:
            progress_hook(progress)

    by_ref = {int(str(order.ref)): order for order in layout.orders}
    async with fake.client(max_retries=RETRIES) as client:
        display.start("reconciling", len(layout.orders))
        try:
            seen.summary = await _pass(client, layout.orders, seen, on_progress)
        finally:
            display.stop()
        failed = [
            ref
            for ref, outcome in seen.outcomes.items()
            if outcome is ReconcileOutcome.LOOKUP_FAILED
        ]
        seen.failed_first = len(failed)
        seen.requests_first = fake.stats.total_requests
        if failed:
            fake.faults.clear()
            await _pass(client, [by_ref[ref] for ref in failed], Run(), None, seen.outcomes)
    return seen


async def _pass(
    client: Iamport,
    orders: list[Order],
    seen: Run,
    on_progress: Callable[[Progress], None] | None,
    final: dict[int, ReconcileOutcome] | None = None,
) -> Summary:
    outcomes = seen.outcomes if final is None else final
    counted: set[int] = set()
    job = reconcile(
        client, orders, concurrency=CONCURRENCY, check_duplicates=True, on_progress=on_progress
    )
    async with job as results:
        async for result in results:
            ref = int(str(result.order.ref))
            if ref in counted:
                seen.repeated += 1
            counted.add(ref)
            outcomes[ref] = result.outcome
    return results.summary


def intro(payments: int, layout: Plan) -> str:
    """What the demo is about to do, in one paragraph."""
    return (
        f"The fake i'mport API holds {payments:,} payments. The merchant's "
        f"{len(layout.orders):,} orders mirror them, with {len(layout.planted):,} "
        f"discrepancies planted; the fake will answer {FAULTS} lookup requests with HTTP 503."
    )


def _paragraph(text: str) -> str:
    return textwrap.fill(text, width=88) + "\n"


def fewest_requests(layout: Plan) -> int:
    """One request per 100 distinct ids of each kind, and one for the token."""
    keys = {order.key for order in layout.orders}
    by_imp = sum(1 for kind, _ in keys if kind == "imp_uid")
    return math.ceil(by_imp / 100) + math.ceil((len(keys) - by_imp) / 100) + 1


HEADERS = ("outcome", "1st pass", "final", "planted", "meaning")


def outcome_rows(layout: Plan, seen: Run) -> list[tuple[str, ...]]:
    """Per outcome: orders after the first pass, after the second, and how many the demo
    planted (every order not planted should match, and no lookup stay failed)."""
    final = Counter(seen.outcomes.values())
    planted = Counter(layout.planted.values())
    planted[ReconcileOutcome.MATCHED] = len(layout.orders) - len(layout.planted)
    notes = {
        ReconcileOutcome.LOOKUP_FAILED: f"HTTP 503 past {RETRIES} retries: rerun",
    }
    rows: list[tuple[str, ...]] = []
    for outcome in (ReconcileOutcome.MATCHED, *PLANTED, ReconcileOutcome.LOOKUP_FAILED):
        rows.append(
            (
                outcome.value,
                f"{seen.summary.counts.get(outcome, 0):,}",
                f"{final[outcome]:,}",
                f"{planted[outcome]:,}",
                notes.get(outcome, MEANINGS[outcome.value]),
            )
        )
    return rows


def verdict(layout: Plan, seen: Run) -> list[str]:
    """Problems: an order not accounted for exactly once, a planted discrepancy not found,
    a discrepancy nobody planted."""
    problems: list[str] = []
    if not seen.failed_first:
        problems.append("no lookup failed: the planted failures went unseen")
    if seen.repeated:
        problems.append(f"{seen.repeated} orders were reported more than once")
    for order in layout.orders:
        ref = int(str(order.ref))
        expected = layout.planted.get(ref, ReconcileOutcome.MATCHED)
        got = seen.outcomes.get(ref)
        if got is not expected:
            problems.append(f"order {ref}: expected {expected.value}, got {got and got.value}")
    return problems


def run(
    args: argparse.Namespace,
    *,
    progress_hook: Callable[[Progress], None] | None = None,
    out: IO[str] | None = None,
) -> int:
    stream = out if out is not None else sys.stdout
    if args.payments < 1 or args.payments > 10_000_000:
        raise UsageError("--payments must be between 1 and 10,000,000")
    fake = FakeIamport(seed=SEED, clock=VirtualClock())  # backoff takes no real time
    records = fake.seed_payments(args.payments)
    layout = plan(records)
    faults: tuple[Answer, ...] = ("503",) * FAULTS  # type: ignore[assignment]
    fake.faults.script(*faults, operations=["GET /payments"])
    stream.write(_paragraph(intro(args.payments, layout)) + "\n")
    stream.flush()
    display = make_display(args.plain)
    seen = anyio.run(execute, fake, layout, display, progress_hook)
    problems = verdict(layout, seen)

    first, total = seen.requests_first, fake.stats.total_requests
    display.table(f"{len(layout.orders):,} orders", outcome_rows(layout, seen), stream, HEADERS)
    stream.write(
        "\n"
        + _paragraph(
            f"Requests: {first:,} in the first pass, {FAULTS} of them answered HTTP 503 as "
            f"scripted. The fewest possible is {fewest_requests(layout):,}: one per 100 ids "
            f"of each kind (imp_uid, merchant_uid), and one for the token."
        )
        + _paragraph(
            f"The {seen.failed_first:,} orders whose lookup failed were looked up again in a "
            f"second pass ({total - first:,} requests), as an operator would."
        )
        + "\n"
    )
    for problem in problems[:20]:
        stream.write(f"PROBLEM: {problem}\n")
    if problems:
        stream.write(f"FAILED: {len(problems)} problems\n")
        return EXIT_DIFFERS
    stream.write("OK: every planted discrepancy was found, and nothing else\n")
    return EXIT_OK
