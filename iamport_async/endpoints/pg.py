"""The PG settings (MIDs and channels) configured in the console."""

from __future__ import annotations

import builtins

from iamport_async.endpoints._base import Endpoints, operation
from iamport_async.models.reference_data import PgSetting


class PgSettings(Endpoints):
    """``client.pg``: PG settings."""

    @operation("GET", "/users/pg")
    async def settings(self) -> list[PgSetting]:
        """Every PG setting of the account: provider, MID, sandbox flag and channel key."""
        return await self._call("GET", "/users/pg", builtins.list[PgSetting])
