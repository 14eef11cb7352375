"""Cash receipts: i'mport payments, external sales, and sub-merchant lines."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import respx

from iamport_async import Iamport
from iamport_async.endpoints.receipts import PartnerReceiptLine, Receipts, UnsupportedPgError
from iamport_async.errors import (
    BadRequestError,
    BusinessError,
    InvalidInputError,
    NotFoundError,
    OutcomeUnknownError,
    RequestTimeout,
    ServerError,
)
from iamport_async.models.receipt import ExternalReceipt, Receipt, ReceiptType
from tests.conftest import envelope
from tests.endpoints._helpers import NOW, body_of

pytestmark = pytest.mark.anyio

IDENTIFIER = "010-1234-5678"


def receipt(key: str = "imp_uid", value: str = "imp_1", **fields: Any) -> dict[str, Any]:
    """A spec-shaped ``ReceiptAnnotation`` (``ExternalReceiptAnnotation`` with merchant_uid)."""
    return {
        key: value,
        "receipt_tid": "R0001",
        "apply_num": "123456789",
        "type": "person",
        "amount": 11000,
        "vat": 1000,
        "receipt_url": "https://receipt.example/1",
        "applied_at": NOW,
        "cancelled_at": 0,
        **fields,
    }


@pytest.fixture
def receipts(client: Iamport) -> Receipts:
    return Receipts(client._engine)


async def test_get_reads_the_receipt_of_a_payment(
    api: respx.MockRouter, receipts: Receipts
) -> None:
    api.get("/receipts/imp_1").respond(json=envelope(receipt()))
    result = await receipts.get("imp_1")
    assert isinstance(result, Receipt)
    assert result.imp_uid == "imp_1"
    assert result.amount == Decimal(11000)
    assert result.vat == Decimal(1000)
    assert result.type is ReceiptType.PERSON
    assert result.applied_at == datetime.fromtimestamp(NOW, UTC)
    assert result.cancelled_at is None
    assert not result.is_cancelled


async def test_get_of_a_payment_without_a_receipt_is_not_found(
    api: respx.MockRouter, receipts: Receipts
) -> None:
    api.get("/receipts/imp_none").respond(404, json=envelope(None, code=-1, message="없음"))
    with pytest.raises(NotFoundError):
        await receipts.get("imp_none")


async def test_issue_sends_only_the_identifier_when_nothing_else_is_given(
    api: respx.MockRouter, receipts: Receipts
) -> None:
    route = api.post("/receipts/imp_1").respond(json=envelope(receipt()))
    result = await receipts.issue("imp_1", identifier=IDENTIFIER)
    assert body_of(route) == {"identifier": IDENTIFIER}
    assert result.apply_num == "123456789"


async def test_issue_sends_every_field_by_the_spec_name(
    api: respx.MockRouter, receipts: Receipts
) -> None:
    route = api.post("/receipts/imp_1").respond(json=envelope(receipt(type="company")))
    result = await receipts.issue(
        "imp_1",
        identifier="123-45-67890",
        identifier_type="business",
        type=ReceiptType.COMPANY,
        product_type="digital",
        company_tel="02-123-4567",
        company_name="Shop",
        corp_reg_no="111-22-33333",
        buyer_name="Hong",
        buyer_email="hong@example.com",
        buyer_tel="010-0000-0000",
        tax_free=Decimal(1000),
        vat=500,
        vat_amount=Decimal("909.09"),
    )
    assert body_of(route) == {
        "identifier": "123-45-67890",
        "identifier_type": "business",
        "type": "company",
        "product_type": "digital",
        "company_tel": "02-123-4567",
        "company_name": "Shop",
        "corp_reg_no": "111-22-33333",
        "buyer_name": "Hong",
        "buyer_email": "hong@example.com",
        "buyer_tel": "010-0000-0000",
        "tax_free": 1000,
        "vat": 500,
        "vat_amount": 909.09,
    }
    assert result.type is ReceiptType.COMPANY


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"identifier": "010-abcd-5678"}, "identifier"),
        ({"identifier": "1234"}, "identifier"),
        ({"identifier": IDENTIFIER, "type": "personal"}, "type"),
        ({"identifier": IDENTIFIER, "identifier_type": "email"}, "identifier_type"),
        ({"identifier": IDENTIFIER, "tax_free": -1}, "tax_free"),
        ({"identifier": IDENTIFIER, "tax_free": Decimal("10.5")}, "tax_free"),
        ({"identifier": IDENTIFIER, "vat_amount": 1.5}, "vat_amount"),
    ],
)
async def test_issue_refuses_bad_input_before_sending(
    api: respx.MockRouter, receipts: Receipts, arguments: dict[str, Any], field: str
) -> None:
    route = api.post("/receipts/imp_1").respond(json=envelope(receipt()))
    with pytest.raises(InvalidInputError) as caught:
        await receipts.issue("imp_1", **arguments)
    assert caught.value.field == field
    assert route.call_count == 0


async def test_a_refused_identifier_is_not_echoed(receipts: Receipts) -> None:
    secret = "9001011234567x"  # a resident number with a typo
    with pytest.raises(InvalidInputError) as caught:
        await receipts.issue("imp_1", identifier=secret)
    assert secret not in str(caught.value)
    assert "9001011234567" not in repr(caught.value)


async def test_issue_for_a_payment_that_already_has_one_is_refused_once(
    api: respx.MockRouter, receipts: Receipts
) -> None:
    route = api.post("/receipts/imp_1").respond(
        400, json=envelope(None, code=1, message="이미 현금영수증 발행된 건입니다.")
    )
    with pytest.raises(BadRequestError) as caught:
        await receipts.issue("imp_1", identifier=IDENTIFIER)
    assert caught.value.code == 1
    assert route.call_count == 1


async def test_issue_is_guarded_so_a_5xx_is_retried(
    api: respx.MockRouter, receipts: Receipts
) -> None:
    route = api.post("/receipts/imp_1").mock(
        side_effect=[
            httpx.Response(502, text="bad gateway"),
            httpx.Response(200, json=envelope(receipt())),
        ]
    )
    result = await receipts.issue("imp_1", identifier=IDENTIFIER)
    assert route.call_count == 2
    assert result.imp_uid == "imp_1"


async def test_an_unsupported_pg_is_told_apart_and_not_retried(
    api: respx.MockRouter, receipts: Receipts
) -> None:
    route = api.post("/receipts/imp_1").respond(
        501, json=envelope(None, code=-1, message="지원하지 않는 PG사입니다.")
    )
    with pytest.raises(UnsupportedPgError) as caught:
        await receipts.issue("imp_1", identifier=IDENTIFIER)
    error = caught.value
    assert isinstance(error, ServerError)
    assert error.status == 501
    assert error.message == "지원하지 않는 PG사입니다."
    assert route.call_count == 1
    assert IDENTIFIER not in str(error)


async def test_other_server_errors_stay_server_errors(
    api: respx.MockRouter, receipts: Receipts
) -> None:
    api.delete("/receipts/imp_1").respond(500, json=envelope(None, code=-1, message="PG 실패"))
    api.get("/receipts/imp_1").respond(json=envelope(receipt()))  # still standing
    with pytest.raises(OutcomeUnknownError) as caught:
        await receipts.revoke("imp_1")
    cause = caught.value.cause
    assert isinstance(cause, ServerError)
    assert not isinstance(cause, UnsupportedPgError)
    assert cause.status == 500


async def test_revoke_answers_the_receipt_as_cancelled(
    api: respx.MockRouter, receipts: Receipts
) -> None:
    route = api.delete("/receipts/imp_1").respond(
        json=envelope(receipt(cancelled_at=str(NOW + 60)))  # documented as a string at times
    )
    result = await receipts.revoke("imp_1")
    assert route.calls.last.request.content == b""
    assert result.is_cancelled
    assert result.cancelled_at == datetime.fromtimestamp(NOW + 60, UTC)


async def test_a_business_refusal_is_raised_with_its_message(
    api: respx.MockRouter, receipts: Receipts
) -> None:
    api.delete("/receipts/imp_1").respond(
        json=envelope(None, code=1, message="발급된 현금영수증이 없습니다.")
    )
    with pytest.raises(BusinessError) as caught:
        await receipts.revoke("imp_1")
    assert caught.value.message == "발급된 현금영수증이 없습니다."


async def test_external_receipts_are_named_by_an_encoded_merchant_uid(
    api: respx.MockRouter, receipts: Receipts
) -> None:
    payload = receipt("merchant_uid", "cash/2024?1")
    get = api.get(url__regex=r"/receipts/external/cash%2F2024%3F1$").respond(json=envelope(payload))
    revoke = api.delete(url__regex=r"/receipts/external/cash%2F2024%3F1$").respond(
        json=envelope({**payload, "cancelled_at": NOW + 1})
    )
    found = await receipts.get_external("cash/2024?1")
    revoked = await receipts.revoke_external("cash/2024?1")
    assert isinstance(found, ExternalReceipt)
    assert found.merchant_uid == "cash/2024?1"
    assert revoked.is_cancelled
    assert (get.call_count, revoke.call_count) == (1, 1)


async def test_issue_external_sends_the_spec_fields(
    api: respx.MockRouter, receipts: Receipts
) -> None:
    route = api.post("/receipts/external/cash-1").respond(
        json=envelope(receipt("merchant_uid", "cash-1"))
    )
    result = await receipts.issue_external(
        "cash-1",
        channel_key="channel-key-1",
        name="Bread",
        amount=Decimal(11000),
        identifier=IDENTIFIER,
    )
    assert body_of(route) == {
        "channel_key": "channel-key-1",
        "name": "Bread",
        "amount": 11000,
        "identifier": IDENTIFIER,
    }
    assert result.merchant_uid == "cash-1"

    await receipts.issue_external(
        "cash-1",
        channel_key="channel-key-1",
        name="Bread",
        amount=11000,
        identifier=IDENTIFIER,
        identifier_type="phone",
        type="person",
        product_type="real",
        buyer_name="Hong",
        buyer_email="hong@example.com",
        buyer_tel="01000000000",
        tax_free=1000,
        vat_amount=909,
        corp_reg_no="111-22-33333",
        pay_method="trans",
    )
    assert body_of(route) == {
        "channel_key": "channel-key-1",
        "name": "Bread",
        "amount": 11000,
        "identifier": IDENTIFIER,
        "identifier_type": "phone",
        "type": "person",
        "product_type": "real",
        "buyer_name": "Hong",
        "buyer_email": "hong@example.com",
        "buyer_tel": "01000000000",
        "tax_free": 1000,
        "vat_amount": 909,
        "corp_reg_no": "111-22-33333",
        "pay_method": "trans",
    }


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"amount": Decimal("100.5")}, "amount"),
        ({"amount": 0}, "amount"),
        ({"amount": -100}, "amount"),
        ({"amount": 100.0}, "amount"),
        ({"tax_free": 20000}, "tax_free"),
        ({"vat_amount": 20000}, "vat_amount"),
        ({"pay_method": "card"}, "pay_method"),
        ({"channel_key": " "}, "channel_key"),
    ],
)
async def test_issue_external_refuses_bad_input_before_sending(
    api: respx.MockRouter, receipts: Receipts, arguments: dict[str, Any], field: str
) -> None:
    route = api.post("/receipts/external/cash-1").respond(json=envelope(None))
    base: dict[str, Any] = {
        "channel_key": "k",
        "name": "n",
        "amount": 11000,
        "identifier": IDENTIFIER,
    }
    with pytest.raises(InvalidInputError) as caught:
        await receipts.issue_external("cash-1", **{**base, **arguments})
    assert caught.value.field == field
    assert route.call_count == 0


async def test_partner_lines_are_sent_as_data(api: respx.MockRouter, receipts: Receipts) -> None:
    route = api.post("/partners/receipts/imp_1").respond(
        json=envelope({"receipt_url": "https://slip.example/imp_1"})
    )
    result = await receipts.register_partner_lines(
        "imp_1",
        data=[
            PartnerReceiptLine(
                business_registration_number="123-45-67890", company_name="A", amount=1000
            ),
            PartnerReceiptLine(
                business_registration_number="234-56-78901",
                company_name="B",
                amount=Decimal(2200),
                tax_free=0,
                vat_amount=200,
            ),
        ],
    )
    assert body_of(route) == {
        "data": [
            {"business_registration_number": "123-45-67890", "company_name": "A", "amount": 1000},
            {
                "business_registration_number": "234-56-78901",
                "company_name": "B",
                "amount": 2200,
                "tax_free": 0,
                "vat_amount": 200,
            },
        ]
    }
    assert result.receipt_url == "https://slip.example/imp_1"


def test_a_partner_line_is_checked_when_built() -> None:
    with pytest.raises(InvalidInputError) as caught:
        PartnerReceiptLine(business_registration_number="1", company_name="A", amount=-1)
    assert caught.value.field == "data.amount"
    with pytest.raises(InvalidInputError) as caught:
        PartnerReceiptLine(
            business_registration_number="1", company_name="A", amount=100, vat_amount=101
        )
    assert caught.value.field == "data.vat_amount"


@pytest.mark.parametrize("data", [[], "line", [{"company_name": "A"}]])
async def test_partner_lines_must_be_a_list_of_lines(
    api: respx.MockRouter, receipts: Receipts, data: Any
) -> None:
    route = api.post("/partners/receipts/imp_1").respond(json=envelope({}))
    with pytest.raises(InvalidInputError) as caught:
        await receipts.register_partner_lines("imp_1", data=data)
    assert caught.value.field == "data"
    assert route.call_count == 0


async def test_partner_lines_are_not_resent_after_a_timeout(
    api: respx.MockRouter, receipts: Receipts
) -> None:
    route = api.post("/partners/receipts/imp_1").mock(side_effect=httpx.ReadTimeout("slow"))
    line = PartnerReceiptLine(business_registration_number="1", company_name="A", amount=1)
    with pytest.raises(OutcomeUnknownError) as caught:
        await receipts.register_partner_lines("imp_1", data=[line])
    assert isinstance(caught.value.cause, RequestTimeout)
    assert route.call_count == 1


async def test_a_field_the_spec_lacks_is_kept_out_of_repr(
    api: respx.MockRouter, receipts: Receipts
) -> None:
    api.get("/receipts/imp_1").respond(json=envelope(receipt(identifier="01098765432")))
    result = await receipts.get("imp_1")
    assert result.unknown_fields == {"identifier": "01098765432"}
    assert "01098765432" not in repr(result)
