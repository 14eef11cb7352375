"""One chunk of ids, sent and matched back by id.

The batching layer never calls up into an endpoint. An endpoint hands it two things that
only describe: a :data:`Fetch`, one request for a chunk of keys (:func:`by_ids` makes it from
the endpoint's door with the path and model bound), and a :data:`Match`, the keys an item
answers (:func:`ids_of`: a payment answers its ``imp_uid`` *and* its ``merchant_uid``).

Results are matched by key, never by position: the API leaves unknown ids out (207) and does
not promise an order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from typing import Generic, TypeVar

import attrs

from iamport_async._batching.chunks import Key
from iamport_async._engine.query import QueryParams, id_params
from iamport_async.errors import IamportError, NotFoundError, UnauthorizedError

T = TypeVar("T")

Fetch = Callable[[Sequence[Key]], Awaitable[Sequence[T]]]
"""One request for a chunk of keys: the items the API found (none on a 404 that carries the
API's envelope)."""

Match = Callable[[T], Iterable[Key]]
"""The keys an item answers."""

Ready = Callable[[], Awaitable[object]]
"""Logs in (fetches the token) before the first request: see :func:`log_in_first`."""

FATAL = (UnauthorizedError,)
"""Errors that end a bulk lookup at once, raised rather than reported per id: the API refused
the credentials, so every other request would fail the same way."""


def by_ids(send: Callable[[QueryParams], Awaitable[Sequence[T]]]) -> Fetch[T]:
    """A :data:`Fetch` from ``send``, one multi-lookup through the endpoint's door (its path
    and model bound), given the query.

    The query spells the keys as the API does (:func:`id_params`). A 404
    is "none of these": 200 and 207 carry what was found, and a 404 is a NotFoundError only
    when it carries the API's envelope (a missing route or a proxy's page is not).
    """

    async def fetch(keys: Sequence[Key]) -> Sequence[T]:
        try:
            return await send(id_params(keys))
        except NotFoundError:
            return ()

    return fetch


def ids_of(*kinds: str) -> Match[object]:
    """A :data:`Match` that reads each kind of id from the item's attribute of that name
    (``ids_of("imp_uid", "merchant_uid")`` for payments): the kinds are the API's field
    names."""

    def match(item: object) -> Iterator[Key]:
        for kind in kinds:
            yield kind, getattr(item, kind)

    return match


async def log_in_first(ready: Ready) -> None:
    """Log in once before any chunk is sent, so that refused credentials end the work after
    one attempt: chunks started together would otherwise each try, one after another.

    A :data:`FATAL` error is raised; any other is left for the requests to meet again and
    report per id, after their own retries.
    """
    try:
        await ready()
    except FATAL:
        raise
    except IamportError:
        pass


@attrs.frozen
class ChunkAnswer(Generic[T]):
    """What the API answered for one chunk: the item for each key found, or the chunk's
    error (every key of the chunk failed alike)."""

    keys: Sequence[Key]
    found: dict[Key, T]
    error: IamportError | None = None


async def fetch_chunk(fetch: Fetch[T], match: Match[T], keys: Sequence[Key]) -> ChunkAnswer[T]:
    """Send one chunk and match its items back to the keys asked for.

    An API or transport failure (after the transport's retries) becomes the chunk's error, so
    that it cannot take other chunks down with it. An item that answers no key of the chunk is
    ignored; where several items answer one key (a merchant_uid shared by several payments),
    the first one the API returned is kept.
    """
    try:
        items = await fetch(keys)
    except IamportError as error:
        return ChunkAnswer(keys, {}, error)
    asked = set(keys)
    found: dict[Key, T] = {}
    for item in items:
        for key in match(item):
            if key in asked and key not in found:
                found[key] = item
    return ChunkAnswer(keys, found)
