"""Where the fake knowingly departs from the letter of the official spec: the ONE list.

Swagger 2.0 cannot say "nullable", has a few plain mistakes, and leaves statuses out. Each
entry names the section of the API facts (``tests/contract/spec/facts.md``) that justifies
it. ``test_schema_fidelity`` applies these and nothing else; add here, with a reason, or fix
the fake.
"""

from __future__ import annotations

NULLABLE: dict[tuple[str, str], str] = {
    ("ResponseAnnotation", "message"): "§1, §2: message is null on success (ENDOCS example).",
    ("PaymentAnnotation", "card_type"): "§12: card_type is int or null (null for some PGs).",
    ("PaymentAnnotation", "customer_uid_usage"): "§12: null for an ordinary payment.",
    ("PaymentAnnotation", "customer_uid"): "§12: with customer_uid_usage null, no billing key.",
    **{
        ("PaymentAnnotation", field): (
            "§12 [O]: a field that does not apply to the payment method or status (card fields "
            "of a transfer, vbank fields of a card payment, fail_reason of a paid one) is sent "
            "as null; 'some optional fields may be missing entirely'."
        )
        for field in [
            "emb_pg_provider",
            "apply_num",
            "bank_code",
            "bank_name",
            "card_code",
            "card_name",
            "card_issuer_code",
            "card_issuer_name",
            "card_publisher_code",
            "card_publisher_name",
            "card_number",
            "vbank_code",
            "vbank_name",
            "vbank_num",
            "vbank_holder",
            "custom_data",
            "fail_reason",
            "cancel_reason",
            "receipt_url",
            "promotion",
        ]
    },
    ("CustomerAnnotation", "card_type"): "§12: CustomerAnnotation card_type is int or null.",
    **{
        ("CustomerAnnotation", field): "§12 [O]: customer details not given at issue are null."
        for field in [
            "customer_id",
            "customer_name",
            "customer_tel",
            "customer_email",
            "customer_addr",
            "customer_postcode",
        ]
    },
    ("ScheduleResultAnnotation", "imp_uid"): "§12: null until the schedule is executed.",
    ("ScheduleResultAnnotation", "payment_status"): "§12: JSON null until executed.",
    **{
        ("ScheduleResultAnnotation", field): "§12 [O]: optional schedule fields not given are null."
        for field in [
            "customer_id",
            "fail_reason",
            "promotion_id",
            "buyer_name",
            "buyer_email",
            "buyer_tel",
            "buyer_addr",
            "buyer_postcode",
            "custom_data",
        ]
    },
}
"""(definition, property) -> why the real API may send null there."""

FAILURE_ENVELOPE = (
    "§2: a refusal (code != 0) carries response: null whatever the success schema says, "
    "including at HTTP 200 (e.g. a ScheduleResponse array); only the envelope is checked."
)
"""Bodies with ``code != 0`` are checked against ``ResponseAnnotation`` alone."""

NOT_REQUIRED: dict[tuple[str, str], str] = {
    **{
        ("PaymentPrepareAnnotation", field): (
            "§11: a schema mistake; PaymentPrepareAnnotation is {merchant_uid, amount, currency} "
            "but lists required: [total, previous, next]."
        )
        for field in ("total", "previous", "next")
    },
    ("BenepiaPointAnnotation", "bank_holder"): (
        "§12: required list copied from VbankHolderAnnotation; the answer is {point}."
    ),
}
"""(definition, property) the spec marks required that the real answer does not carry."""

SCHEMA_OVERRIDES: dict[tuple[str, int], tuple[str, str]] = {
    (op, 200): (
        "CustomerResponse",
        "§12: the spec's 200 schema is an object whose properties are the two possible answers "
        "(its description: a normal billing key returns CustomerResponse); the fake issues "
        "normal billing keys only.",
    )
    for op in (
        "GET /subscribe/customers/{customer_uid}",
        "POST /subscribe/customers/{customer_uid}",
        "DELETE /subscribe/customers/{customer_uid}",
    )
}
SCHEMA_OVERRIDES.update(
    {
        (op, 200): (
            "PagedScheduleResponse",
            "§4: typed as an array (ScheduleResponse) but served as the page {total, previous, "
            "next, list}, as the official clients parse it.",
        )
        for op in (
            "GET /subscribe/payments/schedule",
            "GET /subscribe/payments/schedule/customers/{customer_uid}",
            "GET /subscribe/customers/{customer_uid}/schedules",
        )
    }
)
"""(operation, status) -> (definition to validate against instead, why)."""

EXTRA_DEFINITIONS: dict[str, tuple[dict[str, object], str]] = {
    "PagedScheduleResponse": (
        {"properties": {"response": {"$ref": "#/definitions/PagedScheduleAnnotation"}}},
        "§4: the envelope of a schedule page.",
    ),
    "PagedScheduleAnnotation": (
        {
            "type": "object",
            "required": ["total", "previous", "next", "list"],
            "properties": {
                "total": {"type": "integer"},
                "previous": {"type": "integer"},
                "next": {"type": "integer"},
                "list": {
                    "type": "array",
                    "items": {"$ref": "#/definitions/ScheduleResultAnnotation"},
                },
            },
        },
        "§4: the paged shape of the schedule listings, which the spec does not define.",
    ),
}
"""Definitions the spec lacks, that ``SCHEMA_OVERRIDES`` name."""

NO_PAYLOAD: dict[str, str] = {
    "POST /kcpquick/prepare/{merchant_uid}": "§12: the spec gives no response schema; null.",
    "PUT /kcpquick/prepare/{merchant_uid}": "§12: as POST, no response schema; null.",
    "POST /payments/{imp_uid}/naver/point": "§12: ResponseAnnotation alone; nothing to return.",
    "POST /payments/{imp_uid}/naver/confirm": "§12: ResponseAnnotation alone; nothing to return.",
}
"""Operations whose success carries ``response: null`` (every other success has a payload)."""

UNDOCUMENTED_STATUSES: dict[tuple[str, int], str] = {
    **{
        (op, 401): "§1: every operation but getToken needs the token; the spec forgets the 401."
        for op in (
            "GET /users/pg",
            "PUT /subscribe/payments/schedule/{merchant_uid}",
            "POST /subscribe/payments/schedule/{merchant_uid}/reschedule",
            "POST /subscribe/payments/schedule/{merchant_uid}/retry",
        )
    },
    ("GET /payments", 400): (
        "§3 [U]: nothing documents the answer above 100 ids; the fake refuses loudly so that a "
        "client which overflows the cap is caught in tests."
    ),
}
"""(operation, status) the fake may send although the spec does not list that status."""
