"""Batching: many ids in few requests, between the endpoints and the engine.

A multi-lookup (``GET /payments`` by imp_uid or merchant_uid, ``GET /subscribe/customers``)
takes at most 100 ids. This layer splits any number of ids into such chunks
(:mod:`.chunks`), sends each through the one door every endpoint uses and matches the items
back to the ids asked, by id (:mod:`.fetch`), with bounded concurrency and a stream's flat
memory (:mod:`.stream`), or gathers concurrent single lookups into one request
(:mod:`.coalesce`).

It knows kinds of id and ids, never what a payment or a billing key is, and never calls up
into an endpoint: the endpoint hands it a fetch (its door, path and model bound) and the
names of the id fields. A ``get_many`` reads top-down::

    Payments.get_many            endpoints/payments.py: check the ids, pick the door
      lookup_all                 stream.py: dedupe, chunk, concurrency, FATAL errors
        fetch_chunk              fetch.py: one chunk through the door, matched by id
          Endpoints._call        the door: the engine sends, the converter structures
      IdResults / PaymentLookups results.py: the public views over the answers

The public types it hands out (``IdResults``, ``Lookup``, ``BatchStream``, ``Paged`` ...)
live in :mod:`iamport_async.results`.
"""

from iamport_async._batching.chunks import MAX_IDS, MAX_QUERY_LENGTH, ChunkBuilder, Key
from iamport_async._batching.coalesce import Coalescer
from iamport_async._batching.fetch import (
    FATAL,
    ChunkAnswer,
    Fetch,
    Match,
    by_ids,
    fetch_chunk,
    ids_of,
    log_in_first,
)
from iamport_async._batching.stream import (
    DEFAULT_CONCURRENCY,
    Answers,
    ChunkReceiver,
    ChunkStream,
    lookup_all,
)

__all__ = [
    "DEFAULT_CONCURRENCY",
    "FATAL",
    "MAX_IDS",
    "MAX_QUERY_LENGTH",
    "Answers",
    "ChunkAnswer",
    "ChunkBuilder",
    "ChunkReceiver",
    "ChunkStream",
    "Coalescer",
    "Fetch",
    "Key",
    "Match",
    "by_ids",
    "fetch_chunk",
    "ids_of",
    "log_in_first",
    "lookup_all",
]
