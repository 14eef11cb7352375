"""What every endpoint group shares: the transport, the converter, and input checks.

An endpoint method checks its arguments (raising InvalidInputError before anything is sent),
describes the request, and names the model of the answer. It does no I/O of its own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import quote

from iamport_async._transport import Idempotency, Transport
from iamport_async._transport.engine import QueryParams
from iamport_async.errors import InvalidInputError
from iamport_async.models._converter import structure

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

OPERATIONS_ATTRIBUTE = "__iamport_operations__"


def operation(method: str, path_template: str) -> Callable[[F], F]:
    """Mark an endpoint method as the client's form of the spec operation ``method path``.

    The contract test and the docs' operation table read these marks, so an operation of the
    spec without a marked method is found at once. A method may carry several marks (one
    method serving two paths that do the same thing).
    """

    def mark(function: F) -> F:
        marks = getattr(function, OPERATIONS_ATTRIBUTE, ())
        setattr(function, OPERATIONS_ATTRIBUTE, (*marks, (method.upper(), path_template)))
        return function

    return mark


MAX_ID_LENGTH = 256
"""Longest id accepted (the docs give merchant_uid <= 40, customer_uid <= 80)."""


_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")


class Endpoints:
    """Base of an API group (``client.payments``, ``client.receipts``, ...)."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    async def _call(
        self,
        method: str,
        path: str,
        model: Any,
        *,
        params: QueryParams | None = None,
        json: Mapping[str, Any] | None = None,
        idempotency: Idempotency = Idempotency.READ,
    ) -> Any:
        """Send the request and structure its ``response`` payload as ``model``.

        ``model`` is a class or a type expression such as ``list[Payment]``; ``None`` returns
        the payload as decoded JSON.
        """
        payload = await self._transport.request(
            method, path, params=params, json=json, idempotency=idempotency
        )
        if model is None:
            return payload
        return structure(payload, model, method=method, path=path)


def path(template: str, *segments: str) -> str:
    """Fill ``{}`` slots in ``template`` with URL-encoded ``segments`` (a ``/`` or ``?``
    inside an id can never change which endpoint is called)."""
    return template.format(*(quote(segment, safe="") for segment in segments))


def require_id(field: str, value: object) -> str:
    """``value`` if it is a usable id; InvalidInputError naming ``field`` otherwise."""
    if not isinstance(value, str):
        raise InvalidInputError(field, f"must be a string, got {type(value).__name__}")
    if not value.strip():
        raise InvalidInputError(field, "must not be empty")
    if len(value) > MAX_ID_LENGTH:
        raise InvalidInputError(field, f"is {len(value)} characters; at most {MAX_ID_LENGTH}")
    if _CONTROL_CHARACTER.search(value):
        raise InvalidInputError(field, "contains control characters")
    return value


def require_amount(field: str, value: object, *, positive: bool = False) -> int | Decimal:
    """An amount as int or Decimal (never float); negative (or zero, if ``positive``) refused."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise InvalidInputError(field, f"must be an int or Decimal, got {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise InvalidInputError(field, "must be a finite number")
    if value < 0 or (positive and value == 0):
        raise InvalidInputError(field, f"must be {'above' if positive else 'at least'} 0")
    return value


def money_json(value: int | Decimal) -> int | float:
    """An amount as a JSON number: exact for whole amounts, the nearest double otherwise."""
    if isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else float(value)


def drop_none(body: Mapping[str, Any]) -> dict[str, Any]:
    """``body`` without the keys left at None: optional fields are not sent at all."""
    return {key: value for key, value in body.items() if value is not None}


def require_finite(field: str, value: float) -> float:
    if not math.isfinite(value):
        raise InvalidInputError(field, "must be a finite number")
    return value
