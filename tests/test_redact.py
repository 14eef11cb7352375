"""What errors and log lines may show of a body or a URL: ids, codes and messages; never
credentials, card data or personal data."""

from __future__ import annotations

import json
import logging
import time

import pytest

from iamport_async._redact import (
    REDACTED,
    RedactQueryFilter,
    install_log_redaction,
    redact_body,
    redact_query,
    redact_text,
    sensitive,
)
from iamport_async.errors import BODY_EXCERPT_LIMIT, excerpt

PAYMENT = {
    "imp_uid": "imp_123412341234",
    "merchant_uid": "order-77",
    "status": "paid",
    "amount": 15000,
    "card_code": "361",
    "card_quota": 0,
    "customer_uid": "billing-9",
    "buyer_name": "홍길동",
    "buyer_email": "gildong@example.kr",
    "buyer_tel": "010-1234-5678",
    "buyer_addr": "서울특별시 강남구 테헤란로 1",
    "buyer_postcode": "06236",
    "card_number": "409202*******567",
    "vbank_num": "56211402012345",
    "custom_data": '{"member_phone": "01099998888"}',
    "cancel_history": [{"pg_tid": "tid-1", "amount": 1000, "reason": "고객 요청"}],
}
PERSONAL = [
    "홍길동",
    "gildong@example.kr",
    "010-1234-5678",
    "서울특별시",
    "06236",
    "409202*******567",
    "56211402012345",
    "01099998888",
]
READABLE = [
    "imp_123412341234",
    "order-77",
    "paid",
    "15000",
    "361",
    "billing-9",
    "tid-1",
    "고객 요청",
]


def body(response: object, message: str | None = None) -> str:
    envelope = {"code": 0, "message": message, "response": response}
    return json.dumps(envelope, ensure_ascii=False)


@pytest.mark.parametrize(
    "name",
    ["buyer_name", "card_number", "expiry", "birth", "pwd_2digit", "cvc", "customer_tel",
     "bank_num", "refund_account", "vbank_num", "phone", "email", "addr", "postcode", "name",
     "access_token", "imp_secret", "pg_api_key", "escrow_password", "unique_key", "BUYER_TEL"],
)  # fmt: skip
def test_personal_card_and_credential_fields_are_sensitive(name: str) -> None:
    assert sensitive(name)


@pytest.mark.parametrize(
    "name",
    ["imp_uid", "merchant_uid", "customer_uid", "customer_uid[]", "imp_uid[]", "code",
     "message", "status", "amount", "card_code", "bank_code", "pg_tid", "page"],
)  # fmt: skip
def test_ids_codes_and_messages_are_not(name: str) -> None:
    assert not sensitive(name)


def test_a_json_body_keeps_ids_codes_and_messages_and_loses_personal_data() -> None:
    shown = redact_body(body(PAYMENT, message="결제 정보"))
    assert [value for value in PERSONAL if value in shown] == []
    assert [value for value in READABLE if value not in shown] == []
    assert "결제 정보" in shown
    assert json.loads(shown)["response"]["buyer_name"] == REDACTED


def test_empty_and_null_values_stay_as_they_are() -> None:
    shown = json.loads(redact_body(body({"buyer_name": None, "buyer_tel": ""})))
    assert shown["response"] == {"buyer_name": None, "buyer_tel": ""}


@pytest.mark.parametrize("cut", range(20, 420, 7))
def test_a_truncated_json_body_wherever_it_is_cut_shows_nothing_personal(cut: int) -> None:
    text = body(PAYMENT)[:cut]
    shown = redact_body(text)
    for value in PERSONAL:
        for length in range(4, len(value) + 1):  # not even the start of a value
            assert value[:length] not in shown or value[:length] in "".join(READABLE)


def test_a_truncated_nested_sensitive_object_is_hidden_to_its_end() -> None:
    text = '{"code":0,"response":{"shipping_address":{"city":"Seoul","street":"Teheran-ro'
    assert redact_body(text) == '{"code":0,"response":{"shipping_address":"[redacted]"'


def test_a_form_body_is_redacted_by_name() -> None:
    assert redact_body("access_token=abc123&now=1&imp_uid=imp_1") == (
        f"access_token={REDACTED}&now=1&imp_uid=imp_1"
    )


def test_a_page_with_no_fields_is_left_as_it_is() -> None:
    page = "<html><body>Bad Gateway</body></html>"
    assert redact_body(page) == page


def test_query_values_of_sensitive_names_are_hidden_in_a_log_line() -> None:
    line = 'HTTP Request: GET https://x/vbanks/holder?bank_code=004&bank_num=110-4987 "200 OK"'
    assert redact_query(line) == (
        f'HTTP Request: GET https://x/vbanks/holder?bank_code=004&bank_num={REDACTED} "200 OK"'
    )
    ids = "GET https://x/payments?imp_uid[]=imp_1&imp_uid[]=imp_2"
    assert redact_query(ids) == ids


@pytest.mark.parametrize("logger_name", ["httpx", "httpcore", "httpcore.http11"])
@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO, logging.WARNING])
def test_the_installed_filter_rewrites_every_http_log_record_before_any_handler(
    caplog: pytest.LogCaptureFixture, logger_name: str, level: int
) -> None:
    install_log_redaction()
    install_log_redaction()  # idempotent
    log = logging.getLogger(logger_name)
    assert sum(isinstance(f, RedactQueryFilter) for f in log.filters) == 1
    with caplog.at_level(logging.DEBUG, logger=logger_name):
        log.log(level, "%s %s", "GET", "https://x/vbanks/holder?bank_code=004&bank_num=1234567")
    assert caplog.records[-1].getMessage() == (
        f"GET https://x/vbanks/holder?bank_code=004&bank_num={REDACTED}"
    )
    assert "1234567" not in caplog.text


def test_an_escaped_lone_surrogate_stays_escaped_so_the_text_can_be_written() -> None:
    """A JSON escape the server sent (``\\ud800``) must not become a raw surrogate: a UTF-8 log
    file or ``print(error)`` would fail on it and the error would be lost."""
    shown = redact_body('{"code":1,"message":"\\ud800 PG error","response":null}')
    shown.encode("utf-8")
    assert json.loads(shown)["message"] == "\ud800 PG error"


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(json.dumps({"buyer_name": "홍길동", "imp_uid": "imp_1"})),  # JSON in a string
        body(None, message='PG: {"buyer_tel": "010-1234-5678"} refused'),
        body(None, message="PG said card_number=4092021234567&result=F"),
    ],
)
def test_personal_data_inside_a_string_of_a_json_body_is_hidden(text: str) -> None:
    shown = redact_body(text)
    assert "홍길동" not in shown
    assert "010-1234-5678" not in shown
    assert "4092021234567" not in shown
    assert REDACTED in shown


@pytest.mark.parametrize(
    "text",
    [
        '"' + '\\"' * (1 << 19),  # a quote after every backslash: each one a key's start
        '"name":' * (1 << 17),  # every key sensitive
        ('{"buyer_name":"' + "x" * 60) * (1 << 14),
    ],
)
def test_a_megabyte_body_is_excerpted_in_bounded_time(text: str) -> None:
    """An error keeps 500 characters: a broken proxy's megabyte must not stall the event
    loop for seconds (it took 2-12 s before; a generous bound for a loaded machine)."""
    started = time.perf_counter()
    shown = excerpt(text)
    assert time.perf_counter() - started < 1.0
    assert shown.endswith(f"... [{len(text) - BODY_EXCERPT_LIMIT} more characters]")
    assert "x" * 20 not in shown


TOKEN = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.x9A-_b"


@pytest.mark.parametrize(
    "text",
    [
        f"<html><pre>GET /payments HTTP/1.1\r\nAuthorization: Bearer {TOKEN}\r\n</pre>",
        f"<pre>authorization:Bearer {TOKEN}</pre>",
        f"upstream said: Bearer {TOKEN} refused",
        f"Proxy-Authorization: Basic {TOKEN}\nHost: x",
        f"Cookie: session={TOKEN}; theme=dark\r\nAccept: */*",
        f"Set-Cookie: sid={TOKEN}; Path=/",
        f'{{"headers": {{"Authorization": "Bearer {TOKEN}"}}}}',  # JSON: by name
        f'{{"message": "forwarded Authorization: Bearer {TOKEN}"}}',  # inside a message
        f"X-Api-Key: {TOKEN}",
    ],
)
def test_header_lines_and_bearer_tokens_are_hidden(text: str) -> None:
    for shown in (redact_body(text), excerpt(text), redact_text(text)):
        assert TOKEN not in shown
        assert TOKEN[:12] not in shown
        assert REDACTED in shown


def test_authorization_and_cookies_are_sensitive_names() -> None:
    assert all(map(sensitive, ["authorization", "Authorization", "cookie", "set-cookie"]))


def test_harmless_header_lines_stay_readable() -> None:
    text = "HTTP/1.1 502 Bad Gateway\r\nServer: nginx\r\nContent-Type: text/html\r\n"
    assert redact_body(text) == text


ESCAPED = (
    '<html><body>PG error: {\\"card_number\\":\\"4092-0230-1234-5678\\",'
    '\\"buyer_name\\":\\"홍길동\\",\\"imp_uid\\":\\"imp_1\\"}</body></html>'
)


@pytest.mark.parametrize(
    "text",
    [
        ESCAPED,
        ESCAPED.replace('\\"', '\\\\\\"'),  # escaped twice
        json.dumps({"message": json.dumps({"card_number": "4092-0230-1234-5678"})})[:-2],
    ],
    ids=["escaped", "twice", "cut"],
)
def test_escaped_json_inside_a_body_that_is_not_json_is_redacted(text: str) -> None:
    for shown in (redact_body(text), excerpt(text)):
        assert "4092-0230" not in shown
        assert "홍길동" not in shown
    assert "imp_1" in redact_body(ESCAPED)


def test_a_json_body_over_64_kib_is_redacted_too() -> None:
    quoted = json.dumps({"card_number": "4092-0230-1234-5678", "buyer_tel": "010-1234-5678"})
    text = body({"pad": "x" * 70_000}, message=f"PG answered {quoted}")
    text = text.replace('"response"', f'"buyer_name":"홍길동","pg":{quoted},"response"')
    assert len(text) > 1 << 16
    for shown in (redact_body(text), excerpt(text)):
        assert [value for value in ("4092-0230", "010-1234", "홍길동") if value in shown] == []


@pytest.mark.parametrize("depth", [450, 1_000, 100_000])
def test_a_deeply_nested_body_is_redacted_without_recursion_error(depth: int) -> None:
    text = '{"buyer_name":"홍길동","x":' + "[" * depth + "]" * depth + "}"
    for shown in (redact_body(text), excerpt(text)):
        assert "홍길동" not in shown
