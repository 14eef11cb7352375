"""Every default of the client, each with why it is what it is.

One place, so that ``Iamport(...)``, the engine and the batch layer cannot disagree; each is
a plain number (no httpx here), and the module imports nothing of the package.
"""

from __future__ import annotations

API_URL = "https://api.iamport.kr"
"""The API's host, the default ``base_url``."""
STATIC_API_URL = "https://static-api.iamport.kr"
"""The host with fixed outbound addresses, for networks that allow-list by IP."""

# -- time ----------------------------------------------------------------------------------

TIMEOUT = 30.0
"""Seconds per attempt (each read, write, pool wait): the API answers in well under a
second, and a PG behind a payment call may take tens of seconds."""
CONNECT_TIMEOUT = 10.0
"""Seconds to connect: a host that takes longer is better given up and retried."""
TOTAL_TIMEOUT = 60.0
"""Seconds for a whole call, its retries and their waits included: a web request is not left
hanging for minutes, and a slow attempt still leaves room for one retry."""

# -- retries ---------------------------------------------------------------------------------

MAX_RETRIES = 3
"""Retries after the first attempt: enough to ride out a restart or a dropped connection,
few enough that an outage fails within ``TOTAL_TIMEOUT``."""
RETRY_BASE_DELAY = 0.5
"""Seconds of the first backoff ceiling (full jitter: a wait is uniform below it, doubled
each retry)."""
RETRY_MAX_DELAY = 8.0
"""The backoff ceiling's cap in seconds: later retries do not wait longer than this."""
MAX_RETRY_AFTER = 60.0
"""The longest ``Retry-After`` obeyed, in seconds; a longer one ends the call instead (the
caller decides, rather than a request handler sleeping for minutes)."""
RETRY_BUDGET_CAPACITY = 500
"""Retry tokens a client holds (AWS SDK retry quota): 100 retries in a row, then calls fail
on their first error until successes refill it, so an outage does not become a retry storm."""
RETRY_COST = 5
"""What one retry takes from the budget (a first-try success gives back 1)."""
TIMEOUT_RETRY_COST = 10
"""What a retry after a timeout takes: a slow server is not asked twice as often."""

# -- concurrency and the pool ------------------------------------------------------------------

MAX_CONCURRENCY = 64
"""Requests in flight at once, per client: above the API's comfortable rate for one account,
below what makes a worker's event loop the bottleneck."""
POOL_SIZE_UNCAPPED = 100
"""Connections in the pool when ``max_concurrency`` is None (no cap): httpx's own default."""
POOL_SIZE_MIN = 10
"""The smallest pool, whatever ``max_concurrency`` says: the token request and a few calls
never wait for a connection behind one another."""

# -- the token -------------------------------------------------------------------------------

TOKEN_REFRESH_MARGIN = 30.0
"""Seconds before expiry at which a token stops being used. Below 60 s on purpose: earlier,
the server would return the same token with the same expiry."""

# -- batching --------------------------------------------------------------------------------

BATCH_CONCURRENCY = 8
"""Chunk requests (100 ids each) in flight for one multi-lookup: 800 ids at a time, a tenth
of the client's cap, so one bulk job leaves room for the calls beside it."""
COALESCING_WINDOW = 0.005
"""Seconds a coalescing ``get`` waits for others to join its multi-lookup: well under a
request's own latency, long enough for a burst of handlers to share one request."""
