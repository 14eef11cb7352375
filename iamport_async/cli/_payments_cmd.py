"""``iamport-async payments get ID...``: look payments up by imp_uid, as a table or JSON."""

from __future__ import annotations

import argparse
import enum
import json
import sys
from datetime import datetime
from decimal import Decimal
from typing import Any

import anyio
import attrs
import httpx

from iamport_async.cli._common import (
    EXIT_DIFFERS,
    EXIT_OK,
    UsageError,
    add_connection_options,
    connect,
)
from iamport_async.cli._display import make_display
from iamport_async.errors import InvalidInputError
from iamport_async.models.payment import Payment
from iamport_async.results import IdResults

SHOWN = ("merchant_uid", "status", "amount", "cancel_amount", "currency", "pay_method", "paid_at")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    payments = commands.add_parser("payments", help="look payments up")
    actions = payments.add_subparsers(dest="action", required=True, metavar="ACTION")
    get = actions.add_parser(
        "get",
        help="payments by imp_uid (100 to a request)",
        description="Exit status: 0 all found, 1 some missing or failed, 2 usage error, "
        "3 the API refused the credentials.",
    )
    get.add_argument("imp_uids", nargs="+", metavar="IMP_UID")
    get.add_argument("--json", action="store_true", help="a JSON array, for scripts")
    get.add_argument("--plain", action="store_true", help="a plain table, no rich")
    add_connection_options(get)


def run(args: argparse.Namespace, *, transport: httpx.AsyncBaseTransport | None = None) -> int:
    try:
        connection = connect(args, transport)
    except InvalidInputError as error:
        raise UsageError(str(error)) from None

    async def fetch() -> IdResults[Payment]:
        async with connection as client:
            return await client.payments.get_many(imp_uids=args.imp_uids)

    try:
        lookups = anyio.run(fetch)
    except InvalidInputError as error:
        raise UsageError(str(error)) from None
    found = [lookup.item for lookup in lookups if lookup.item is not None]
    for lookup in lookups:
        if lookup.failed:
            sys.stderr.write(f"{lookup.id}: lookup failed: {lookup.error}\n")
        elif lookup.missing:
            sys.stderr.write(f"{lookup.id}: not found\n")
    if args.json:
        json.dump([to_json(payment) for payment in found], sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        display = make_display(args.plain, sys.stderr)
        for payment in found:
            rows = [(name, _text(getattr(payment, name))) for name in SHOWN]
            display.table(payment.imp_uid, rows, sys.stdout, ("field", "value"))
    return EXIT_OK if len(found) == len(lookups) else EXIT_DIFFERS


def to_json(payment: Payment) -> dict[str, Any]:
    """The payment's fields as JSON values, leaving out those kept out of its repr (buyer
    details, card and account numbers): a script's output ends up in logs."""
    out: dict[str, Any] = {}
    for field in attrs.fields(Payment):
        if field.repr is False or field.name == "unknown_fields":
            continue
        out[field.name] = _json_value(getattr(payment, field.name))
    return out


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    if attrs.has(type(value)):
        return {
            f.name: _json_value(getattr(value, f.name))
            for f in attrs.fields(type(value))
            if f.repr is not False and f.name != "unknown_fields"
        }
    return value


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)
