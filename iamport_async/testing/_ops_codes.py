"""Reference data: card company and bank codes, sub-merchants (tiers), the PG settings."""

from __future__ import annotations

from iamport_async.testing._http import FakeRequest, Reply, fail, found, ok
from iamport_async.testing._records import BANKS, CARDS
from iamport_async.testing._router import route
from iamport_async.testing._state import FakeState

CARD_CODES = dict(CARDS)
BANK_CODES = dict(BANKS)
_NO_CODE = "해당되는 코드가 존재하지 않습니다."


def _codes(table: dict[str, str]) -> list[dict[str, str]]:
    return [{"code": code, "name": name} for code, name in table.items()]


@route("GET", "/cards")
def get_cards(state: FakeState, request: FakeRequest) -> Reply:
    return ok(_codes(CARD_CODES))


@route("GET", "/cards/{card_standard_code}")
def get_card(state: FakeState, request: FakeRequest) -> Reply:
    code = request.path_params["card_standard_code"]
    name = CARD_CODES.get(code)
    return found(None if name is None else {"code": code, "name": name}, _NO_CODE)


@route("GET", "/banks")
def get_banks(state: FakeState, request: FakeRequest) -> Reply:
    return ok(_codes(BANK_CODES))


@route("GET", "/banks/{bank_standard_code}")
def get_bank(state: FakeState, request: FakeRequest) -> Reply:
    code = request.path_params["bank_standard_code"]
    name = BANK_CODES.get(code)
    return found(None if name is None else {"code": code, "name": name}, _NO_CODE)


@route("GET", "/tiers/{tier_code}")
def get_tier(state: FakeState, request: FakeRequest) -> Reply:
    """A sub-merchant added with ``fake.add_tier(code, name)``; 404 for another."""
    code = request.path_params["tier_code"]
    name = state.tiers.get(code)
    if name is None:
        return fail(404, -1, f"하위가맹점({code})이 존재하지 않습니다.")
    return ok({"tier_code": code, "tier_name": name})


@route("GET", "/users/pg")
def get_pg_settings(state: FakeState, request: FakeRequest) -> Reply:
    """The account's PG settings: ``fake.pg_settings`` (one test channel by default)."""
    return ok([dict(setting) for setting in state.pg_settings])
