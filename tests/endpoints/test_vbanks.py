"""Virtual accounts: issue (never resent), modify, revoke, and the account holder lookup."""

from __future__ import annotations

import http.server
import json
import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints.vbanks import Vbanks
from iamport_async.errors import (
    BadRequestError,
    InvalidInputError,
    NotFoundError,
    OutcomeUnknownError,
    RequestTimeout,
    ServerError,
)
from iamport_async.models.payment import Payment, PaymentStatus
from tests.conftest import envelope
from tests.endpoints._helpers import NOW, body_of, payment, query_of

pytestmark = pytest.mark.anyio

KST = timezone(timedelta(hours=9))
DUE = datetime(2030, 1, 31, 23, 59, 59, tzinfo=KST)


@pytest.fixture
def vbanks(client: Iamport) -> Vbanks:
    return Vbanks(client._engine)


def required(**extra: Any) -> dict[str, Any]:
    return {
        "channel_key": "channel-key-1",
        "merchant_uid": "order-1",
        "amount": 15000,
        "vbank_code": "004",
        "vbank_due": DUE,
        **extra,
    }


async def test_issue_sends_the_required_fields_and_returns_the_ready_payment(
    api: respx.MockRouter, vbanks: Vbanks
) -> None:
    route = api.post("/vbanks").respond(json=envelope(payment()))
    result = await vbanks.issue(**required())
    assert body_of(route) == {
        "channel_key": "channel-key-1",
        "merchant_uid": "order-1",
        "amount": 15000,
        "vbank_code": "004",
        "vbank_due": int(DUE.timestamp()),
    }
    assert route.calls.last.request.url.query == b""
    assert isinstance(result, Payment)
    assert result.status is PaymentStatus.READY
    assert result.vbank_date == datetime.fromtimestamp(NOW + 86_400, UTC)
    assert "12345678901234" not in repr(result)


async def test_issue_sends_the_optional_fields_by_the_spec_names(
    api: respx.MockRouter, vbanks: Vbanks
) -> None:
    route = api.post("/vbanks").respond(json=envelope(payment()))
    await vbanks.issue(
        **required(amount=Decimal(15000), vbank_due=1_900_000_000),
        vbank_holder="Shop",
        name="Order 1",
        buyer_name="Hong",
        buyer_email="hong@example.com",
        buyer_tel="01012345678",
        buyer_addr="Seoul",
        buyer_postcode="06236",
        business_registration_number="1234567890",
        product_type="real",
        vbank_num="5550001112",
        vbank_key="key-1",
        notice_url="https://shop.example/hook",
        custom_data='{"cart": 7}',
        tax_free=1000,
        vat_amount=Decimal("1272.72"),
        product_count=2,
        escrow_password="escrow-secret",
        fixed_unlimited_vbank=True,
        pg_api_key="inicis-api-key",
    )
    assert body_of(route) == {
        "channel_key": "channel-key-1",
        "merchant_uid": "order-1",
        "amount": 15000,
        "vbank_code": "004",
        "vbank_due": 1_900_000_000,
        "vbank_holder": "Shop",
        "name": "Order 1",
        "buyer_name": "Hong",
        "buyer_email": "hong@example.com",
        "buyer_tel": "01012345678",
        "buyer_addr": "Seoul",
        "buyer_postcode": "06236",
        "business_registration_number": "1234567890",
        "product_type": "real",
        "vbank_num": "5550001112",
        "vbank_key": "key-1",
        "notice_url": ["https://shop.example/hook"],
        "custom_data": '{"cart": 7}',
        "tax_free": 1000,
        "vat_amount": 1272.72,
        "product_count": 2,
        "escrow_password": "escrow-secret",
        "fixed_unlimited_vbank": True,
    }
    assert query_of(route) == {"pg_api_key": "inicis-api-key"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"vbank_due": datetime(2030, 1, 31)}, "vbank_due"),  # naive: refused
        ({"vbank_due": "2030-01-31"}, "vbank_due"),
        ({"amount": 0}, "amount"),
        ({"amount": 1500.0}, "amount"),
        ({"merchant_uid": "x" * 41}, "merchant_uid"),
        ({"vbank_holder": "x" * 17}, "vbank_holder"),
        ({"tax_free": 20000}, "tax_free"),
        ({"tax_free": Decimal("1.5")}, "tax_free"),
        ({"product_type": "virtual"}, "product_type"),
        ({"notice_url": []}, "notice_url"),
        ({"escrow_password": ""}, "escrow_password"),
    ],
)
async def test_issue_refuses_bad_input_before_sending(
    api: respx.MockRouter, vbanks: Vbanks, changes: dict[str, Any], field: str
) -> None:
    route = api.post("/vbanks").respond(json=envelope(payment()))
    with pytest.raises(InvalidInputError) as caught:
        await vbanks.issue(**required(**changes))
    assert caught.value.field == field
    assert route.call_count == 0


@pytest.mark.parametrize(
    "failure",
    [httpx.ReadTimeout("slow"), httpx.Response(502, text="bad gateway")],
    ids=["timeout", "502"],
)
async def test_issue_is_never_resent_once_it_may_have_reached_the_server(
    api: respx.MockRouter, vbanks: Vbanks, failure: Any
) -> None:
    route = api.post("/vbanks").mock(side_effect=[failure, httpx.Response(200, json={})])
    with pytest.raises(OutcomeUnknownError) as caught:
        await vbanks.issue(**required(escrow_password="escrow-secret", pg_api_key="api-key"))
    assert isinstance(caught.value.cause, RequestTimeout | ServerError)
    assert route.call_count == 1
    assert "escrow-secret" not in str(caught.value)
    assert "api-key" not in str(caught.value)


async def test_issue_is_resent_when_the_connection_was_refused(
    api: respx.MockRouter, vbanks: Vbanks
) -> None:
    route = api.post("/vbanks").mock(
        side_effect=[httpx.ConnectError("refused"), httpx.Response(200, json=envelope(payment()))]
    )
    result = await vbanks.issue(**required())
    assert route.call_count == 2
    assert result.imp_uid == "imp_100000000001"


async def test_modify_sends_only_what_changes(api: respx.MockRouter, vbanks: Vbanks) -> None:
    route = api.put("/vbanks/imp_1").respond(json=envelope(payment(amount=20000)))
    result = await vbanks.modify("imp_1", amount=Decimal(20000))
    assert body_of(route) == {"amount": 20000}
    assert result.amount == Decimal(20000)

    await vbanks.modify("imp_1", vbank_due=DUE)
    assert body_of(route) == {"vbank_due": int(DUE.timestamp())}


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"amount": Decimal("100.50")}, "amount"),
        ({"amount": -1}, "amount"),
        ({"vbank_due": datetime(2030, 1, 1)}, "vbank_due"),
    ],
)
async def test_modify_refuses_bad_input(
    api: respx.MockRouter, vbanks: Vbanks, arguments: dict[str, Any], field: str
) -> None:
    route = api.put("/vbanks/imp_1").respond(json=envelope(payment()))
    with pytest.raises(InvalidInputError) as caught:
        await vbanks.modify("imp_1", **arguments)
    assert caught.value.field == field
    assert route.call_count == 0


async def test_modify_of_a_paid_account_is_refused(api: respx.MockRouter, vbanks: Vbanks) -> None:
    api.put("/vbanks/imp_1").respond(400, json=envelope(None, code=-1, message="ready 아님"))
    with pytest.raises(BadRequestError):
        await vbanks.modify("imp_1", amount=1000)


async def test_revoke_sends_the_pg_api_key_in_the_query_only_when_given(
    api: respx.MockRouter, vbanks: Vbanks
) -> None:
    route = api.delete("/vbanks/imp_1").respond(
        json=envelope(payment(status="cancelled", cancelled_at=NOW + 5))
    )
    result = await vbanks.revoke("imp_1")
    assert route.calls.last.request.url.query == b""
    assert result.status is PaymentStatus.CANCELLED

    await vbanks.revoke("imp_1", pg_api_key="inicis-api-key")
    assert query_of(route) == {"pg_api_key": "inicis-api-key"}


async def test_revoke_is_guarded_so_a_timeout_is_retried(
    api: respx.MockRouter, vbanks: Vbanks
) -> None:
    route = api.delete("/vbanks/imp_1").mock(
        side_effect=[httpx.ReadTimeout("slow"), httpx.Response(200, json=envelope(payment()))]
    )
    await vbanks.revoke("imp_1")
    assert route.call_count == 2


async def test_revoke_of_an_unknown_account_is_not_found(
    api: respx.MockRouter, vbanks: Vbanks
) -> None:
    api.delete("/vbanks/imp_x").respond(404, json=envelope(None, code=-1, message="유효하지 않은"))
    with pytest.raises(NotFoundError):
        await vbanks.revoke("imp_x")


async def test_holder_reads_the_account_holder(api: respx.MockRouter, vbanks: Vbanks) -> None:
    route = api.get("/vbanks/holder").respond(json=envelope({"bank_holder": "홍길동"}))
    result = await vbanks.holder(bank_code="004", bank_num="123-456-7890")
    assert query_of(route) == {"bank_code": "004", "bank_num": "123-456-7890"}
    assert result.bank_holder == "홍길동"
    assert "홍길동" not in repr(result)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"bank_code": "KB", "bank_num": "1234567890"}, "bank_code"),
        ({"bank_code": "0004", "bank_num": "1234567890"}, "bank_code"),
        ({"bank_code": "004", "bank_num": "12ab567890"}, "bank_num"),
        ({"bank_code": "004", "bank_num": ""}, "bank_num"),
    ],
)
async def test_holder_refuses_bad_input_without_echoing_it(
    api: respx.MockRouter, vbanks: Vbanks, arguments: dict[str, str], field: str
) -> None:
    route = api.get("/vbanks/holder").respond(json=envelope({"bank_holder": "x"}))
    with pytest.raises(InvalidInputError) as caught:
        await vbanks.holder(**arguments)
    assert caught.value.field == field
    assert arguments["bank_num"] not in str(caught.value) or not arguments["bank_num"]
    assert route.call_count == 0


async def test_holder_of_an_unknown_account_is_not_found(
    api: respx.MockRouter, vbanks: Vbanks
) -> None:
    api.get("/vbanks/holder").respond(404, json=envelope(None, code=-1, message="조회 실패"))
    with pytest.raises(NotFoundError) as caught:
        await vbanks.holder(bank_code="004", bank_num="1234567890")
    assert "1234567890" not in str(caught.value)


ACCOUNT = "110-498-765432"


@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO])
async def test_holder_keeps_the_account_number_out_of_httpxs_log_line(
    api: respx.MockRouter, vbanks: Vbanks, caplog: pytest.LogCaptureFixture, level: int
) -> None:
    api.get("/vbanks/holder").respond(json=envelope({"bank_holder": "홍길동"}))
    with caplog.at_level(level):
        await vbanks.holder(bank_code="004", bank_num=ACCOUNT)
    lines = [record.getMessage() for record in caplog.records]
    assert any("/vbanks/holder?bank_code=004&bank_num=[redacted]" in line for line in lines)
    assert [line for line in lines if "765432" in line] == []


class _HolderHandler(http.server.BaseHTTPRequestHandler):
    """A loopback API that answers a token and any GET, so httpcore runs for real."""

    def do_POST(self) -> None:
        self._answer({"access_token": "tok-loopback", "now": 0, "expired_at": 1800})

    def do_GET(self) -> None:
        self._answer({"bank_holder": "홍길동"})

    def _answer(self, response: dict[str, Any]) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        body = json.dumps(envelope(response)).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the server's own access log is not the client's."""


@pytest.fixture
def loopback() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HolderHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


async def test_holder_over_a_real_socket_logs_no_account_number_at_debug(
    loopback: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        for name in ("httpx", "httpcore", "iamport_async"):
            caplog.set_level(logging.DEBUG, logger=name)
        async with Iamport(imp_key="k", imp_secret="s", base_url=loopback) as client:
            holder = await client.vbanks.holder(bank_code="004", bank_num=ACCOUNT)
    assert holder.bank_holder == "홍길동"
    names = {record.name for record in caplog.records}
    assert {"httpx", "httpcore.http11", "httpcore.connection"} <= names
    lines = [logging.Formatter().format(record) for record in caplog.records]
    assert [line for line in lines if "765432" in line] == []
