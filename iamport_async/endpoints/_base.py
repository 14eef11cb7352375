"""What every endpoint group shares: the engine, the converter and the operation marks.

An endpoint method checks its arguments (``_checks``: InvalidInputError before anything is
sent), describes the request, and names the model of the answer. It does no I/O of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

from iamport_async._engine import Answer, Engine, Idempotency
from iamport_async._engine.query import QueryParams
from iamport_async._engine.wire import check_path, sendable
from iamport_async.errors import IamportError
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


class Endpoints:
    """Base of an API group (``client.payments``, ``client.receipts``, ...)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def _log_in(self) -> None:
        """Have a valid token (bulk work logs in once before its requests start)."""
        await self._engine.tokens.get()

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
        answer = await self._answer(method, path, params=params, json=json, idempotency=idempotency)
        if model is None:
            return answer.payload
        try:
            return structure(answer.payload, model, status=answer.status, method=method, path=path)
        except IamportError as error:  # a 2xx we cannot read: a mutation did happen
            error.outcome_known = idempotency is Idempotency.READ
            raise

    async def _answer(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams | None = None,
        json: Mapping[str, Any] | None = None,
        idempotency: Idempotency = Idempotency.READ,
    ) -> Answer:
        """The answer (HTTP status and payload), for a caller that structures it itself."""
        return await self._engine.answer(
            method, path, params=params, json=json, idempotency=idempotency
        )


def path(template: str, *segments: str) -> str:
    """Fill ``{}`` slots in ``template`` with URL-encoded ``segments``: a ``/`` or ``?``
    inside an id can never change which endpoint is called, and a segment that would (``.``,
    ``..``, broken Unicode) is refused, for every endpoint, before anything is sent."""
    return check_path(template.format(*(quote(sendable("path", s), safe="") for s in segments)))


def drop_none(body: Mapping[str, Any]) -> dict[str, Any]:
    """``body`` without the keys left at None: optional fields are not sent at all."""
    return {key: value for key, value in body.items() if value is not None}
