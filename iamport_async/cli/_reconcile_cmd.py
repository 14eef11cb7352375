"""``iamport-async reconcile ORDERS.csv|ORDERS.jsonl``: the nightly job."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

import anyio
import httpx

from iamport_async.cli._common import (
    EXIT_DIFFERS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    Connection,
    UsageError,
    add_connection_options,
    connect,
)
from iamport_async.cli._display import (
    MONEY_HEADERS,
    SUMMARY_HEADERS,
    make_display,
    money_rows,
    summary_rows,
)
from iamport_async.cli._orders import BadRow, InputFileError, OrderFile, count_rows
from iamport_async.cli._report import ReportWriter, bad_row, result_row
from iamport_async.errors import InvalidInputError
from iamport_async.reconcile import Progress, Reconciliation, reconcile

SHOWN_BAD_ROWS = 20
"""Bad rows echoed to stderr; all of them are in the report."""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "reconcile",
        help="compare your orders (CSV or JSON Lines) with the payments i'mport recorded",
        description=(
            "Columns/keys: imp_uid and/or merchant_uid, amount (required); status (default "
            "paid), currency, cancel_amount (optional). Credentials come from "
            "IAMPORT_API_KEY and IAMPORT_API_SECRET. Exit status: 0 all matched, 1 something "
            "differs or a row was bad, 2 usage or input error, 3 the API refused the "
            "credentials (the report is partial), 130 interrupted."
        ),
    )
    parser.add_argument("orders", help="ORDERS.csv or ORDERS.jsonl")
    parser.add_argument("--out", help="report file, .csv or .jsonl (default: CSV on stdout)")
    parser.add_argument(
        "--concurrency", type=int, default=8, help="requests in flight per id kind (default 8)"
    )
    parser.add_argument(
        "--check-duplicates",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="catch an id repeated anywhere in the file (remembers every id: ~100 bytes each)",
    )
    parser.add_argument("--plain", action="store_true", help="plain progress lines, no rich")
    add_connection_options(parser)


def run(
    args: argparse.Namespace,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    progress_hook: Callable[[Progress], None] | None = None,
) -> int:
    err = sys.stderr
    if args.concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    try:
        connection = connect(args, transport)
    except InvalidInputError as error:
        raise UsageError(str(error)) from None
    bad_rows = 0
    writer: ReportWriter | None = None

    def on_bad(bad: BadRow) -> None:
        nonlocal bad_rows
        bad_rows += 1
        if bad_rows <= SHOWN_BAD_ROWS:
            err.write(f"{args.orders}: line {bad.line}: {bad.problem}\n")
        elif bad_rows == SHOWN_BAD_ROWS + 1:
            err.write("more bad rows: see the report\n")
        assert writer is not None
        writer.write(bad_row(bad))

    try:
        orders = OrderFile(args.orders, on_bad)
        total = count_rows(args.orders)
    except InputFileError as error:
        err.write(f"iamport-async: {error}\n")
        return EXIT_USAGE
    try:
        writer = ReportWriter(args.out)
    except OSError as error:
        orders.close()
        err.write(f"iamport-async: {args.out}: {error.strerror}\n")
        return EXIT_USAGE
    display = make_display(args.plain)

    def on_progress(progress: Progress) -> None:
        display.update(progress, connection.activity.describe())
        if progress_hook is not None:
            progress_hook(progress)

    job = reconcile(
        connection.client,
        orders,
        concurrency=args.concurrency,
        total=total,
        on_progress=on_progress,
        check_duplicates=args.check_duplicates,
    )
    complete = False
    display.start("reconciling", total)
    try:
        anyio.run(_consume, connection, job, writer)
        complete = True
    except KeyboardInterrupt:
        pass
    finally:
        display.stop()
        orders.close()
        writer.finish(complete=complete, orders=job.summary.total, bad_rows=bad_rows)
    rows = [*summary_rows(job.summary), ("bad rows", f"{bad_rows:,}", "lines not read (stderr)")]
    title = "Reconciliation" + ("" if complete else " (PARTIAL)")
    display.table(title, rows, err, SUMMARY_HEADERS)
    display.table("Money", money_rows(job.summary), err, MONEY_HEADERS)
    if not complete:
        err.write(f"interrupted: the report is partial ({job.summary.total:,} orders)\n")
        return EXIT_INTERRUPTED
    return EXIT_OK if job.summary.all_matched and bad_rows == 0 else EXIT_DIFFERS


async def _consume(connection: Connection, job: Reconciliation, writer: ReportWriter) -> None:
    async with connection, job as results:
        async for result in results:
            writer.write(result_row(result))
