"""Every call that changes something declares here how its unknown outcome is settled.

``@mutation(...)`` marks an endpoint method with a :class:`Mutation`: whether it is resent,
how an answer lost after the server may have acted is resolved, and what the caller then
gets. The mark is also the behaviour: when the method ends in an error whose
``outcome_known`` is False, the declared ``read_back`` runs (it returns the resource the call
made, or None when the read cannot tell), and failing that the caller gets
:class:`OutcomeUnknownError` whose ``check`` is the declared text. ``docs/retries.md``'s table
is generated from these marks (``python -m iamport_async._mutations``), and a test keeps the
two equal.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Awaitable, Callable, Collection
from typing import Any, TypeVar, cast

import attrs

from iamport_async.errors import ClientClosedError, IamportError, OutcomeUnknownError, ServerError

MUTATION_ATTRIBUTE = "__iamport_mutation__"

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])

ReadBack = Callable[..., Awaitable[Any]]
"""``read_back(self, error, *args, **kwargs)``: the method's own arguments, after ``error``;
returns what the call made, or None when the read cannot tell."""


class Resent(enum.Enum):
    """Whether a failed attempt is sent again (the retry rule is ``_engine.retry``)."""

    READ = "yes: no side effect"
    QUERY = "only if never sent: it changes nothing, but a repeat would repeat a failed login"
    GUARDED = "yes: the API refuses a repeat"
    CHECKSUM = "with `checksum`: yes (the API refuses a repeat); without: only if never sent"
    NEVER_SENT = "only if it provably never reached the server (refused connection, 429, 401)"


@attrs.frozen
class Mutation:
    """What one mutating method declares (see the module docstring)."""

    resent: Resent
    resolved_by: str
    """How an unknown outcome is settled, for the docs' table."""
    check: str
    """What OutcomeUnknownError tells the caller to check, when reading back cannot tell."""
    read_back: ReadBack | None = attrs.field(default=None, repr=False)
    settles_itself: bool = False
    """The method reads back on its own (cancel, charges) instead of through ``read_back``."""
    refusals: Collection[int] = ()
    """5xx statuses the endpoint documents as its refusal (with the API's envelope)."""

    @property
    def changes_something(self) -> bool:
        return self.resent not in (Resent.READ, Resent.QUERY)

    @property
    def caller_gets(self) -> str:
        """What the caller gets when an attempt's answer was lost, for the docs' table."""
        if not self.changes_something:
            return "the answer, or the error"
        if self.read_back is None and not self.settles_itself:
            return "`OutcomeUnknownError` (see `check`)"
        return "what the call made, else `OutcomeUnknownError`"


def mutation(
    resent: Resent,
    resolved_by: str,
    check: str,
    read_back: ReadBack | None = None,
    *,
    settles_itself: bool = False,
    refusals: Collection[int] = (),
) -> Callable[[F], F]:
    """Declare (and enforce) how the decorated method's unknown outcome is settled."""
    spec = Mutation(resent, resolved_by, check, read_back, settles_itself, frozenset(refusals))

    def mark(function: F) -> F:
        @functools.wraps(function)
        async def settled(self: Any, /, *args: Any, **kwargs: Any) -> Any:
            try:
                return await function(self, *args, **kwargs)
            except IamportError as error:
                if (
                    not spec.changes_something
                    or error.outcome_known
                    or isinstance(error, OutcomeUnknownError | ClientClosedError)
                ):
                    raise
                if is_refusal(error, spec.refusals):
                    error.outcome_known = True
                    raise
                made = await _read_back(spec, error, self, args, kwargs)
                if made is None:
                    raise unknown(spec.check, error) from error
                return made

        setattr(settled, MUTATION_ATTRIBUTE, spec)
        return cast(F, settled)

    return mark


async def _read_back(
    declared: Mutation, error: IamportError, owner: Any, args: Any, kwargs: Any
) -> Any:
    if declared.read_back is None:
        return None
    try:
        return await declared.read_back(owner, error, *args, **kwargs)
    except ClientClosedError as closed:
        raise closed_while_settling(closed, error, declared.check) from error
    except IamportError as failed:
        error.add_note(f"reading back to settle it failed: {type(failed).__name__}")
        return None


def is_refusal(error: IamportError, refusals: Collection[int]) -> bool:
    """A 5xx the endpoint documents as its refusal, with the API's envelope (a ``code``), on
    a call with no earlier ambiguous attempt: an answer, not an unknown."""
    return (
        isinstance(error, ServerError)
        and error.status in refusals
        and error.code is not None
        and not error.after_ambiguous_failure
    )


def closed_while_settling(
    closed: ClientClosedError, error: BaseException, check: str
) -> ClientClosedError:
    """The error of a mutation whose outcome was open (``error``) when a close of the client
    ended its read-back: the server may have carried it out, so its outcome is not known.
    Names the mutation, and keeps ``error``'s notes and what to check."""
    method, where = getattr(error, "method", "?"), getattr(error, "path", "?")
    result = ClientClosedError(
        f"{method} {where}: the client was closed while reading back whether it was carried "
        f"out after {type(error).__name__}; the server may have: {check}",
        outcome_known=False,
    )
    for note in getattr(error, "__notes__", ()):
        result.add_note(note)
    return result


def unknown(check: str, error: BaseException) -> OutcomeUnknownError:
    """The outcome-unknown error for ``error`` (whose notes it keeps)."""
    result = OutcomeUnknownError(
        check,
        cause=error,
        method=getattr(error, "method", "?"),
        path=getattr(error, "path", "?"),
    )
    for note in getattr(error, "__notes__", ()):
        result.add_note(note)
    return result


def declared(function: Any) -> Mutation | None:
    """The :class:`Mutation` a method declares, if any."""
    mark: Mutation | None = getattr(function, MUTATION_ATTRIBUTE, None)
    return mark
