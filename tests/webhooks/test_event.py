"""Parsing webhook bodies: both content types give the same event; bad bodies are refused."""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import urlencode

import pytest

from iamport_async.errors import InvalidInputError
from iamport_async.models.payment import PaymentStatus
from iamport_async.webhooks import MAX_BODY_BYTES, InvalidWebhookError, WebhookEvent, parse_event

FIELDS = {
    "imp_uid": "imp_1234567890",
    "merchant_uid": "order-주문-1",
    "status": "cancelled",
    "cancellation_id": "cancel_77",
}
JSON_TYPE = "application/json"
FORM_TYPE = "application/x-www-form-urlencoded"


def as_json(fields: Mapping[str, object]) -> bytes:
    return json.dumps(fields).encode()


def as_form(fields: dict[str, str], encoding: str = "utf-8") -> bytes:
    return urlencode(fields, encoding=encoding).encode("ascii")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (as_json(FIELDS), JSON_TYPE),
        (as_json(FIELDS), "Application/JSON; charset=UTF-8"),
        (json.dumps(FIELDS, ensure_ascii=False).encode("utf-8"), JSON_TYPE),
        (as_form(FIELDS), FORM_TYPE),
        (as_form(FIELDS), f"{FORM_TYPE}; charset=utf-8"),
        (as_form(FIELDS, "euc-kr"), f"{FORM_TYPE}; charset=EUC-KR"),
    ],
)
def test_json_and_form_bodies_give_the_same_event(body: bytes, content_type: str) -> None:
    event = parse_event(body, content_type)

    assert event == WebhookEvent(
        imp_uid="imp_1234567890",
        merchant_uid="order-주문-1",
        status=PaymentStatus.CANCELLED,
        cancellation_id="cancel_77",
    )
    assert event.status is PaymentStatus.CANCELLED


def test_only_imp_uid_is_required_and_blank_fields_are_none() -> None:
    event = parse_event(as_form({"imp_uid": "imp_1", "merchant_uid": "", "status": ""}), FORM_TYPE)

    assert (event.imp_uid, event.merchant_uid, event.status, event.cancellation_id) == (
        "imp_1",
        None,
        None,
        None,
    )


def test_an_unknown_status_and_unknown_fields_are_kept() -> None:
    body = as_json({"imp_uid": "imp_1", "status": "partial_refunded", "tier": "A01"})

    event = parse_event(body, JSON_TYPE)

    assert event.status == "partial_refunded"
    assert not isinstance(event.status, PaymentStatus)
    assert event.extra == {"tier": "A01"}


@pytest.mark.parametrize(
    ("body", "content_type", "field"),
    [
        (as_json(FIELDS), "text/plain", "content_type"),
        (as_json(FIELDS), "", "content_type"),
        (as_json(FIELDS), f"{JSON_TYPE}; charset=no-such-charset", "content_type"),
        (as_json({"merchant_uid": "order-1", "status": "paid"}), JSON_TYPE, "imp_uid"),
        (as_json({"imp_uid": "   "}), JSON_TYPE, "imp_uid"),
        (as_json({"imp_uid": None}), JSON_TYPE, "imp_uid"),
        (as_json({"imp_uid": 12345}), JSON_TYPE, "imp_uid"),
        (as_json({"imp_uid": "imp_1", "merchant_uid": ["a"]}), JSON_TYPE, "merchant_uid"),
        (as_json({"imp_uid": "imp_1\nX-Injected: 1"}), JSON_TYPE, "imp_uid"),
        (as_json({"imp_uid": "i" * 300}), JSON_TYPE, "imp_uid"),
        (b"[1, 2]", JSON_TYPE, "body"),
        (b"{not json", JSON_TYPE, "body"),
        (b'{"imp_uid": "imp_\xff"}', JSON_TYPE, "body"),
        (b"imp_uid=imp_%FF%FE", FORM_TYPE, "body"),
        (b"imp_uid=imp_1&imp_uid=imp_2", FORM_TYPE, "imp_uid"),
        (b"merchant_uid=order-1&status=paid", FORM_TYPE, "imp_uid"),
        (b"imp_uid=" + b"x" * MAX_BODY_BYTES, FORM_TYPE, "body"),
    ],
)
def test_unreadable_bodies_are_refused_naming_the_field(
    body: bytes, content_type: str, field: str
) -> None:
    with pytest.raises(InvalidWebhookError) as caught:
        parse_event(body, content_type)

    assert caught.value.field == field
    assert isinstance(caught.value, InvalidInputError)
    assert isinstance(caught.value, ValueError)


def test_the_error_never_quotes_the_body() -> None:
    secret_looking = "imp_uid=imp_1&imp_uid=buyer-phone-01012345678"

    with pytest.raises(InvalidWebhookError) as caught:
        parse_event(secret_looking.encode(), FORM_TYPE)

    assert "01012345678" not in str(caught.value)
