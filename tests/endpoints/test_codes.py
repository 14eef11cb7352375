"""Card and bank codes: reads that return small models."""

from __future__ import annotations

import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints.codes import Codes
from iamport_async.errors import InvalidInputError, NotFoundError
from iamport_async.models.reference_data import StandardCode
from tests.conftest import envelope

pytestmark = pytest.mark.anyio


BANKS = [{"code": "004", "name": "KB국민은행"}, {"code": "088", "name": "신한은행"}]


async def test_banks_and_cards_are_lists_of_code_and_name(
    api: respx.MockRouter, client: Iamport
) -> None:
    api.get("/banks").respond(json=envelope(BANKS))
    api.get("/cards").respond(json=envelope([{"code": "361", "name": "BC카드"}]))
    codes = Codes(client._engine)
    banks = await codes.banks()
    assert banks == [StandardCode(code=b["code"], name=b["name"]) for b in BANKS]
    assert [card.code for card in await codes.cards()] == ["361"]


async def test_one_bank_and_one_card(api: respx.MockRouter, client: Iamport) -> None:
    api.get("/banks/088").respond(json=envelope(BANKS[1]))
    api.get("/cards/361").respond(json=envelope({"code": "361", "name": "BC카드"}))
    codes = Codes(client._engine)
    assert (await codes.bank("088")).name == "신한은행"
    assert (await codes.card("361")).name == "BC카드"


async def test_an_unknown_code_is_not_found(api: respx.MockRouter, client: Iamport) -> None:
    api.get("/banks/999").respond(404, json=envelope(None, code=-1, message="없음"))
    with pytest.raises(NotFoundError):
        await Codes(client._engine).bank("999")


async def test_reads_are_retried_on_a_server_error(api: respx.MockRouter, client: Iamport) -> None:
    route = api.get("/cards")
    route.side_effect = [httpx.Response(503), httpx.Response(200, json=envelope([]))]
    assert await Codes(client._engine).cards() == []
    assert route.call_count == 2


async def test_an_empty_code_is_refused(api: respx.MockRouter, client: Iamport) -> None:
    with pytest.raises(InvalidInputError) as caught:
        await Codes(client._engine).card("")
    assert caught.value.field == "card_standard_code"
    assert len(api.calls) == 0
