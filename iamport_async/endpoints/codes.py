"""Card company and bank codes (KFTC standard codes) and their names."""

from __future__ import annotations

import builtins

from iamport_async.endpoints._base import Endpoints, operation, path
from iamport_async.endpoints._checks import require_id
from iamport_async.models.reference_data import StandardCode


class Codes(Endpoints):
    """``client.codes``: standard codes, e.g. to show a bank name for a ``bank_code``."""

    @operation("GET", "/cards")
    async def cards(self) -> list[StandardCode]:
        """Every card company."""
        return await self._call("GET", "/cards", builtins.list[StandardCode])

    @operation("GET", "/cards/{card_standard_code}")
    async def card(self, card_standard_code: str) -> StandardCode:
        """One card company by code (NotFoundError if there is none)."""
        url = path("/cards/{}", require_id("card_standard_code", card_standard_code))
        return await self._call("GET", url, StandardCode)

    @operation("GET", "/banks")
    async def banks(self) -> list[StandardCode]:
        """Every bank."""
        return await self._call("GET", "/banks", builtins.list[StandardCode])

    @operation("GET", "/banks/{bank_standard_code}")
    async def bank(self, bank_standard_code: str) -> StandardCode:
        """One bank by code (NotFoundError if there is none)."""
        url = path("/banks/{}", require_id("bank_standard_code", bank_standard_code))
        return await self._call("GET", url, StandardCode)
