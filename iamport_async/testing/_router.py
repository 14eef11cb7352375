"""A tiny router: an operation is one handler registered by method and path template.

Adding an operation to the fake is one function::

    @route("GET", "/tiers/{tier_code}")
    def get_tier(state: FakeState, request: FakeRequest) -> Reply: ...
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

from iamport_async.testing._http import FakeRequest, Reply, found, path_segment

if TYPE_CHECKING:
    from iamport_async.testing._state import FakeState

OperationHandler: TypeAlias = "Callable[[FakeState, FakeRequest], Reply]"
"""One operation's handler: the fake's state and the request in, the answer out."""

TOKEN_PATH = "/users/getToken"  # noqa: S105 (a path, not a secret)
"""The one operation served without a token; the fake's only spelling of its path."""
TOKEN_OPERATION = f"POST {TOKEN_PATH}"


class Route:
    __slots__ = ("handler", "method", "operation", "optional_tail", "segments", "template")

    def __init__(
        self, method: str, template: str, handler: OperationHandler, optional_tail: bool
    ) -> None:
        self.method = method
        self.template = template
        self.operation = f"{method} {template}"
        self.segments = tuple(template.strip("/").split("/"))
        self.handler = handler
        self.optional_tail = optional_tail
        """The last path parameter may be left out with its slash (the spec's find)."""

    def match(self, parts: list[str]) -> dict[str, str] | None:
        segments = self.segments
        if self.optional_tail and len(parts) == len(segments) - 1:
            segments = segments[:-1]
        if len(parts) != len(segments):
            return None
        params: dict[str, str] = {}
        for pattern, part in zip(segments, parts, strict=True):
            if pattern.startswith("{"):
                if not part:
                    return None
                params[pattern[1:-1]] = path_segment(part)
            elif pattern != part:
                return None
        return params


class Router:
    """Routes by method and path; templates with more literal segments win ties, so
    ``/payments/status/{payment_status}`` is tried before ``/payments/{imp_uid}``."""

    def __init__(self) -> None:
        self._routes: dict[str, list[Route]] = {}
        self.operations: dict[str, Route] = {}

    def route(
        self, method: str, template: str, *, optional_tail: bool = False
    ) -> Callable[[OperationHandler], OperationHandler]:
        def register(handler: OperationHandler) -> OperationHandler:
            added = Route(method.upper(), template, handler, optional_tail)
            if added.operation in self.operations:
                raise ValueError(f"{added.operation} is registered twice")
            self.operations[added.operation] = added
            routes = self._routes.setdefault(added.method, [])
            routes.append(added)
            routes.sort(key=lambda r: -sum(not s.startswith("{") for s in r.segments))
            return handler

        return register

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        parts = path.strip("/").split("/")
        for candidate in self._routes.get(method, ()):
            params = candidate.match(parts)
            if params is not None:
                return candidate, params
        return None


ROUTER = Router()
route = ROUTER.route
"""``@route("GET", "/tiers/{tier_code}")``: register a handler taking ``(state, request)`` and
returning ``ok(payload)`` or ``fail(...)``, for an operation the fake does not serve yet."""


def lookup(
    template: str, table: Callable[[FakeState], Mapping[str, Any]], missing: str
) -> OperationHandler:
    """Register ``GET template`` as a plain lookup: the record ``table(state)`` holds under the
    template's one path parameter, or the API's 404 saying ``missing``."""
    key = template[template.index("{") + 1 : template.index("}")]

    def handler(state: FakeState, request: FakeRequest) -> Reply:
        return found(table(state).get(request.path_params[key]), missing)

    return route("GET", template)(handler)
