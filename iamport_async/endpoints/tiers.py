"""Sub-merchants (tiers) of an agency account."""

from __future__ import annotations

import re

from iamport_async.endpoints._base import Endpoints, operation, path
from iamport_async.errors import InvalidInputError
from iamport_async.models.reference_data import Tier

_TIER_CODE = re.compile(r"[A-Z0-9]{3}")


class Tiers(Endpoints):
    """``client.tiers``: sub-merchant lookup."""

    @operation("GET", "/tiers/{tier_code}")
    async def get(self, tier_code: str) -> Tier:
        """The sub-merchant ``tier_code`` (NotFoundError if it is not registered)."""
        if not isinstance(tier_code, str) or not _TIER_CODE.fullmatch(tier_code):
            raise InvalidInputError("tier_code", "must be 3 uppercase letters or digits")
        return await self._call("GET", path("/tiers/{}", tier_code), Tier)
