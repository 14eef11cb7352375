"""Hostile input to every public method of every endpoint group (83 of them).

Each example starts from arguments that the contract test's machinery makes valid for the
method, puts one hostile value in one argument, and calls. The outcome must be one of two:

- refused: InvalidInputError, and no request at all (not even the token) reached the
  transport;
- accepted: the request went out (the transport answers 418, so the call ends in an
  IamportError, or in a result that reports the failure).

Never a TypeError, ValueError, OSError or UnicodeError from inside, and never a request for an
input that must be refused (empty ids, ``.``/``..`` as a path segment, broken Unicode, NaN,
infinities, 1E-400, floats or bools as amounts, naive datetimes, milliseconds).
"""

from __future__ import annotations

import collections.abc
import enum
import inspect
import types
import typing
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import anyio
import attrs
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iamport_async import Iamport
from iamport_async._operations import _groups, _methods
from iamport_async.endpoints._base import OPERATIONS_ATTRIBUTE
from iamport_async.errors import IamportError, InvalidInputError
from iamport_async.testing.clock import VirtualClock
from tests.conftest import envelope
from tests.contract.calling import ArgumentMaker, consume
from tests.contract.router import FULL
from tests.contract.test_contract import ANSWERS, ARGUMENT_OVERRIDES, SPEC

SURROGATES = ["\ud83d", "a\udfffb", "결제\ud800"]
NOT_TEXT = [123, 1.5, b"imp_1", ["imp_1"]]
NOT_SEGMENTS = ["", "   ", ".", ".."]
ODD_BUT_FINE = ["/", "?", "#", "%", "a/../b", "imp?x=1#f", "x" * 300, "\u200b", "🙂"]

BAD_AMOUNTS = [
    -1,
    Decimal(-1),
    Decimal("-0.01"),
    Decimal("NaN"),
    Decimal("sNaN"),
    Decimal("Infinity"),
    Decimal("-Infinity"),
    Decimal("1E-400"),
    Decimal("0.001"),
    Decimal("1E+30"),
    10**30,
    1.5,
    1000.0,
    float("nan"),
    float("inf"),
    True,
    "1000",
    b"1000",
]
BAD_TIMES = [
    datetime(2024, 1, 1),  # naive
    "2024-01-01",
    True,
    -5,
    1.7e9,
    1_767_225_600_000,  # 2026-01-01 in milliseconds
    10**18,
    datetime(9999, 12, 31, tzinfo=UTC),
]
BAD_FLAGS = ["true", "false", 1, 0, "yes"]
BAD_COUNTS = [True, "1", 1.5, float("nan")]


@attrs.frozen
class Target:
    """One public method: its dotted name, and the spec operation its valid arguments follow."""

    name: str
    operation: tuple[str, str] | None


UNMARKED = {"payments.cancel_safely": ("POST", "/payments/cancel"), "payments.coalescing": None}


def _targets() -> list[Target]:
    client = Iamport(imp_key="k", imp_secret="s")
    found = []
    for owner, cls in _groups(client):
        for name, function in _methods(cls):
            dotted = f"{owner}.{name}"
            marks = getattr(function, OPERATIONS_ATTRIBUTE, ())
            found.append(Target(dotted, marks[0] if marks else UNMARKED[dotted]))
    return found


TARGETS = _targets()


def test_every_public_method_is_a_target() -> None:
    assert len(TARGETS) >= 83


def _core(hint: Any) -> list[Any]:
    """The members of ``hint`` (``X | Y | None`` -> ``[X, Y]``), Annotated unwrapped."""
    if typing.get_origin(hint) is typing.Annotated:
        return _core(typing.get_args(hint)[0])
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return [m for a in typing.get_args(hint) if a is not type(None) for m in _core(a)]
    return [hint]


def _kind(hint: Any, name: str, segments: set[str]) -> str | None:
    """What sort of hostile values an argument gets, from its type (and whether it is a
    path segment)."""
    members = _core(hint)
    origins = {typing.get_origin(m) or m for m in members}
    if Decimal in members:
        return "amount"
    if datetime in members:
        return "time"
    if members == [bool]:
        return "flag"
    if members == [int]:
        return "count"
    if members == [float]:
        return "seconds"
    if str in members and any(o in (collections.abc.Sequence,) for o in origins):
        return "text-or-list"
    if any(o in (collections.abc.Iterable, collections.abc.AsyncIterable) for o in origins):
        return "ids"
    if any(o is collections.abc.Mapping for o in origins):
        return "map"
    texty = [m for m in members if m is str or (isinstance(m, type) and issubclass(m, enum.Enum))]
    if texty or typing.get_origin(hint) is typing.Literal:
        return "segment" if name in segments else "text"
    return None  # attrs request objects, Any: their own checks are tested where they live


def _hostile(kind: str) -> st.SearchStrategy[tuple[Any, bool]]:
    """``(value, must_refuse)`` for an argument of ``kind``."""

    def must(values: list[Any]) -> st.SearchStrategy[tuple[Any, bool]]:
        return st.sampled_from(values).map(lambda v: (v, True))

    def may(values: list[Any]) -> st.SearchStrategy[tuple[Any, bool]]:
        return st.sampled_from(values).map(lambda v: (v, False))

    broken = st.text(max_size=8).map(lambda s: (s + "\udc80" + s, True))
    free = st.text(max_size=20).map(lambda s: (s, False))
    if kind == "segment":
        return must(SURROGATES + NOT_TEXT + NOT_SEGMENTS) | may(ODD_BUT_FINE) | broken | free
    if kind == "text":
        return must(SURROGATES + NOT_TEXT) | may(ODD_BUT_FINE + NOT_SEGMENTS) | broken | free
    if kind == "text-or-list":
        lists = [["ok", s] for s in SURROGATES] + [["ok", 5]]
        return must(SURROGATES + lists) | may([*ODD_BUT_FINE, []]) | broken
    if kind == "ids":
        bad = [["ok", s] for s in [*SURROGATES, "", "  ", 5, None]] + ["imp_1", 5]
        return must(bad) | may([*([s] for s in ODD_BUT_FINE), [], ["."]])
    if kind == "map":
        return must([{"k": s} for s in SURROGATES] + [{"k": 5}, {5: "v"}, "k=v"]) | may([{}])
    if kind == "amount":
        return must(BAD_AMOUNTS) | may([0, Decimal("0.01"), Decimal("9999999999999.99")])
    if kind == "time":
        return must(BAD_TIMES) | may([1, datetime(2099, 1, 1, tzinfo=UTC)])
    if kind == "flag":
        return must(BAD_FLAGS)
    if kind == "count":
        return must(BAD_COUNTS) | may([-1, 0, 10**9])
    if kind == "seconds":
        return must([float("nan"), -1.0, "1", True])
    raise AssertionError(kind)


def _client(sent: list[str]) -> Iamport:
    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(f"{request.method} {request.url.path}")
        return httpx.Response(418, json=envelope(None, code=-1, message="test: sent"))

    return Iamport(
        imp_key="k",
        imp_secret="s",
        transport=httpx.MockTransport(handler),
        clock=VirtualClock(),
        max_retries=0,
    )


def _valid_arguments(
    target: Target, function: Any
) -> tuple[list[Any], dict[str, Any], set[str], Any]:
    """Arguments that make a valid call, the names of path segments, and the signature."""
    signature = inspect.signature(function)
    if target.operation is None:
        return [], {}, set(), signature
    op = SPEC.operations[target.operation]
    args, kwargs = ArgumentMaker(op, ARGUMENT_OVERRIDES, ANSWERS, FULL).arguments(function)
    segments = {p.name for p in op.parameters if p.location == "path"}
    segments |= {n.rstrip("s") for n in segments}
    return args, kwargs, segments, signature


async def _outcome(target: Target, draw: Any) -> None:
    sent: list[str] = []
    async with _client(sent) as client:
        group, method = target.name.split(".")
        function = getattr(getattr(client, group), method)
        args, kwargs, segments, signature = _valid_arguments(target, function)
        bound = signature.bind_partial(*args, **kwargs).arguments
        hints = typing.get_type_hints(function)
        choices = {
            name: kind
            for name in signature.parameters
            if (kind := _kind(hints.get(name, Any), name, segments)) is not None
        }
        if not choices:
            return
        name = draw(st.sampled_from(sorted(choices)), label="argument")
        value, must_refuse = draw(_hostile(choices[name]), label="value")
        bound[name] = value
        call = signature.bind_partial(**bound)
        try:
            with anyio.fail_after(5):
                await consume(function(*call.args, **call.kwargs))
        except InvalidInputError as error:
            refused: InvalidInputError | None = error
        except IamportError:
            refused = None  # accepted, and the test transport's 418 came back
        else:
            refused = None
        if refused is not None:
            assert not sent, f"{target.name}({name}=...) refused after sending {sent}: {refused}"
            assert refused.field, refused
            return
        # anything else propagates: a TypeError, ValueError, OSError or UnicodeError leaked
        assert not must_refuse, f"{target.name}({name}={value!r}) was accepted and sent {sent}"
        assert sent or value == [], f"{target.name}({name}={value!r}) neither refused nor sent"


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(data=st.data())
def test_hostile_input_is_refused_before_any_request_or_sent(
    target: Target, data: st.DataObject
) -> None:
    anyio.run(_outcome, target, data.draw)
