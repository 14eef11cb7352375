"""A Celery task that reconciles the day's orders against i'mport."""

from collections.abc import Iterator

from celery import Celery

from iamport_async.sync import (
    Iamport,
    Order,
    Progress,
    ReconcileOutcome,
    reconcile,
)

app = Celery("shop")
client = Iamport()  # a prefork child makes its own loop thread and token


def todays_orders() -> Iterator[Order]:
    """Stands in for a database cursor (read in the task's thread)."""
    for number in range(1, 301):
        yield Order(merchant_uid=f"order-{number}", amount=1000)


@app.task
def reconcile_orders() -> dict[str, int]:
    def report(progress: Progress) -> None:
        print(f"{progress.done} orders reconciled")

    with reconcile(client, todays_orders(), on_progress=report) as results:
        differing = [
            result.order.merchant_uid
            for result in results
            if result.outcome is not ReconcileOutcome.MATCHED
        ]
    summary = results.summary
    return {"total": summary.total, "differing": len(differing)}
