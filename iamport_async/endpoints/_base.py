"""What every endpoint group shares: the engine, the converter and the operation marks.

An endpoint method checks its arguments (``_checks``: InvalidInputError before anything is
sent), describes the request, and names the model of the answer. It does no I/O of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar
from urllib.parse import quote

import attrs

from iamport_async._engine import Answer, Engine, Request
from iamport_async._engine.query import QueryParams
from iamport_async._engine.wire import check_path, sendable
from iamport_async.clock import Clock
from iamport_async.errors import IamportError
from iamport_async.models._converter import structure
from iamport_async.retry import Idempotency

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


@attrs.frozen
class Cast(Generic[T]):
    """A type expression that is no class (a union such as ``Customer | SuperBillingKey``),
    typed for :meth:`Endpoints._call`: ``Cast[Customer | SuperBillingKey](BillingKey)``."""

    form: Any


@attrs.frozen
class Read(Generic[T]):
    """A reader of the whole answer, for a payload the endpoint shapes itself (schedules come
    as an array or as a page): ``Read(schedule_list)``, called with the answer, the method and
    the path. It runs where a model is structured, so an answer it cannot read is treated
    alike: for a mutation, the server acted and the outcome is not known."""

    read: Callable[[Answer, str, str], T]


class Endpoints:
    """Base of an API group (``client.payments``, ``client.receipts``, ...).

    Its one door to the engine is :meth:`_call`; no endpoint module touches the engine.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def _call(
        self,
        method: str,
        path: str,
        cast_to: type[T] | Cast[T] | Read[T],
        *,
        params: QueryParams | None = None,
        json: Mapping[str, Any] | None = None,
        idempotency: Idempotency = Idempotency.READ,
    ) -> T:
        """Send the request and return its ``response`` payload structured as ``cast_to``.

        ``cast_to`` is a model class, a type expression such as ``list[Payment]``, a
        :class:`Cast` of a union, or a :class:`Read` for a payload the endpoint shapes itself;
        given :class:`Answer`, the answer itself (HTTP status and decoded payload) is returned,
        for an endpoint that needs no payload.
        """
        request = Request(method, path, params, json, idempotency)
        answer = await self._engine.send(request)
        if cast_to is Answer:
            return answer  # type: ignore[return-value]  # T is Answer here
        try:
            if isinstance(cast_to, Read):
                return cast_to.read(answer, method, path)
            form = cast_to.form if isinstance(cast_to, Cast) else cast_to
            result: T = structure(
                answer.payload, form, status=answer.status, method=method, path=path
            )
        except IamportError as error:  # a 2xx we cannot read: a mutation did happen
            error.outcome_known = idempotency is Idempotency.READ
            raise
        return result

    async def _log_in(self) -> None:
        """Have a valid token (bulk work logs in once before its requests start)."""
        await self._engine.log_in()

    @property
    def _clock(self) -> Clock:
        """The client's clock (injected in tests)."""
        return self._engine.clock

    def _server_time(self, monotonic: float) -> float | None:
        """The server's UNIX time at the clock's instant ``monotonic``, once known."""
        return self._engine.server_time(monotonic)

    @property
    def _scope(self) -> object:
        """What every group of one client and of all its ``with_options`` copies shares (the
        token manager: one account): the key of memory kept per client."""
        return self._engine.tokens


def path(template: str, *segments: str) -> str:
    """Fill ``{}`` slots in ``template`` with URL-encoded ``segments``: a ``/`` or ``?``
    inside an id can never change which endpoint is called, and a segment that would (``.``,
    ``..``, broken Unicode) is refused, for every endpoint, before anything is sent."""
    return check_path(template.format(*(quote(sendable("path", s), safe="") for s in segments)))


def drop_none(body: Mapping[str, Any]) -> dict[str, Any]:
    """``body`` without the keys left at None: optional fields are not sent at all."""
    return {key: value for key, value in body.items() if value is not None}
