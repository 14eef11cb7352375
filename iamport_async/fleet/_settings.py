"""What ``RedisShared.from_url`` was told, once checked: one value the limiter and store read."""

from __future__ import annotations

import attrs


@attrs.frozen
class FleetSettings:
    """The options of :meth:`RedisShared.from_url <iamport_async.fleet.RedisShared.from_url>`
    that outlive connecting (their meaning is documented there)."""

    rate_limit: float | None
    burst: float
    adaptive: bool
    fallback_rate: float | None
    share_token: bool
    prefix: str
    retry_interval: float
    lock_timeout: float
