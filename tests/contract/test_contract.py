"""The contract test: every operation of the official spec, called through the client.

For each operation (and each answer variant): the client method marked with
``@operation(METHOD, path)`` is called with generated arguments against ``SpecServer``, which
checks the request against the spec and answers from the response schema; the answer must
come back as the method's declared type, with no spec field left unmodelled. Variants:
``required`` (only required arguments; an answer with only the fields the spec requires),
``full`` (every argument; every field), plus the extra answers listed in ``QUIRKS.answers``.

Operations with no method fail. ``conftest.py`` prints "contract: N/81 operations covered".
Every place where the server and the spec disagree is in the tables below, with its reason
and the section of the API facts (``tests/contract/spec/facts.md``) it comes from.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from iamport_async import Iamport
from iamport_async._operations import TOKEN_OPERATION, operation_methods
from iamport_async.testing.clock import VirtualClock
from tests.contract.calling import (
    ArgumentMaker,
    Override,
    consume,
    result_problems,
    return_problems,
)
from tests.contract.router import FULL, AnswerFix, AnswerGenerator, Quirks, SpecServer, variants_of
from tests.contract.spec import ParameterFix, SpecOperation, load_spec

pytestmark = pytest.mark.anyio

_SCHEDULE_RESULT = {"$ref": "#/definitions/ScheduleResultAnnotation"}
_SCHEDULE_LISTINGS = (
    ("GET", "/subscribe/payments/schedule"),
    ("GET", "/subscribe/customers/{customer_uid}/schedules"),
    ("GET", "/subscribe/payments/schedule/customers/{customer_uid}"),
)
_CUSTOMER = ("GET", "POST", "DELETE")
_KCP_PREPARE = ("POST", "PUT")

PARAMETER_FIXES = {
    (("POST", "/payments/cancel"), "extra"): ParameterFix(
        "typed array without items, but it is the object {requester} (facts §7)",
        schema={
            "type": "object",
            "properties": {"requester": {"type": "string", "enum": ["customer", "admin"]}},
        },
    ),
    (("GET", "/naver/reviews"), "channel_key"): ParameterFix(
        "listed as formData of a GET; a GET has no body (proxies drop it): sent in the query",
        location="query",
    ),
}
"""Request parameters the spec describes wrongly (its general oddities are read in spec.py)."""

QUIRKS = Quirks(
    absent={
        ("PaymentPrepareAnnotation", "total"): "facts §11: required list of the paged shape",
        ("PaymentPrepareAnnotation", "previous"): "facts §11: same copy mistake",
        ("PaymentPrepareAnnotation", "next"): "facts §11: same copy mistake",
        ("BenepiaPointAnnotation", "bank_holder"): (
            "required list copied from VbankHolderAnnotation; the answer is {point}"
        ),
        ("VbankDepositAnnotation", "reason"): (
            "required but no such field: a deposit has pg_tid, amount, depositor_name, "
            "deposited_at (facts §12); copied from PaymentCancelAnnotation"
        ),
        ("SucceededChannelAnnotation", "update"): "typo of `updated`, the field it defines",
        ("PaymentAnnotation", "sandbox"): (
            "new in 2026 (facts §2, §12): answers recorded before, and fakes built from "
            "them, lack it; a model must not require it"
        ),
    },
    always_sent={
        ("PagedPaymentAnnotation", "list"): (
            "facts §4: every page is {total, previous, next, list}; the spec forgets list"
        ),
        **{
            ("PaymentPrepareAnnotation", name): (
                "facts §11, §12: the required list is the paged shape's; the answer is "
                "{merchant_uid, amount, currency}"
            )
            for name in ("merchant_uid", "amount", "currency")
        },
        **{
            ("ScheduleResultAnnotation", name): (
                "the spec marks nothing of a schedule required; these identify and date it "
                "in every answer (facts §4, §12)"
            )
            for name in ("customer_uid", "merchant_uid", "schedule_at", "amount", "currency")
        },
    },
    served_values={
        ("PaymentAnnotation", "card_type"): (None, "facts §12: null for some PGs"),
        ("CustomerAnnotation", "card_type"): (None, "facts §12: null for some PGs"),
    },
    failure_only={
        ("PaymentwallDeliveryDetailAnnotation", "error_code"): (
            "its description: absent when the delivery was registered, set when refused"
        ),
        ("PaymentwallDeliveryDetailAnnotation", "error"): "the message of that error_code",
    },
    answers={
        **{
            key: AnswerFix(
                "facts §4: typed as an array (ScheduleResponse) but served as the page "
                "{total, previous, next, list}, as the official clients parse it; the spec's "
                "array is accepted too",
                schema={
                    "type": "object",
                    "required": ["total", "previous", "next", "list"],
                    "properties": {
                        "total": {"type": "integer"},
                        "previous": {"type": "integer"},
                        "next": {"type": "integer"},
                        "list": {"type": "array", "items": _SCHEDULE_RESULT},
                    },
                },
                variants={"spec-array": {"type": "array", "items": _SCHEDULE_RESULT}},
            )
            for key in _SCHEDULE_LISTINGS
        },
        **{
            (method, "/subscribe/customers/{customer_uid}"): AnswerFix(
                "the spec's answer is one of CustomerResponse or SuperBillingKeyResponse "
                "(a key issued with channel_group_id, facts §10, §12)",
                schema={"$ref": "#/definitions/CustomerAnnotation"},
                variants={"super-billing-key": {"$ref": "#/definitions/SuperBillingKeyAnnotation"}},
            )
            for method in _CUSTOMER
        },
        **{
            (method, "/kcpquick/prepare/{merchant_uid}"): AnswerFix(
                "the spec gives no response schema: answered with response null", schema=None
            )
            for method in _KCP_PREPARE
        },
    },
)

ARGUMENT_OVERRIDES = {
    ("*", "card_number"): Override("1234-5678-1234-5678", "spec: dddd-dddd-dddd-dddd"),
    ("*", "expiry"): Override("2030-12", "spec: YYYY-MM"),
    ("*", "birth"): Override("880101", "spec: YYMMDD (10 digits for a corporate card)"),
    ("*", "pwd_2digit"): Override("12", "the first two digits of the card password"),
    ("*", "cvc"): Override("123", "3 digits on the back of the card"),
    ("*", "refund_bank"): Override("004", "a bank code (KB Kookmin), not a name"),
    ("*", "refund_account"): Override("1234567890123", "an account number: digits"),
    ("*", "vbank_code"): Override("004", "a bank code (KB Kookmin), not a name"),
    ("*", "bank_code"): Override("004", "a KFTC 3-digit bank code"),
    ("*", "bank_num"): Override("1234567890123", "an account number: digits"),
    ("*", "bank_standard_code"): Override("004", "a KFTC 3-digit bank code"),
    ("*", "card_standard_code"): Override("361", "a KFTC 3-digit card company code"),
    ("*", "tier_code"): Override("A01", "3 uppercase letters or digits (facts §6)"),
    ("*", "phone"): Override("01012345678", "a Korean mobile number"),
    ("*", "gender_digit"): Override("1", "the 7th digit of a resident registration number"),
    ("*", "otp"): Override("123456", "the code sent by SMS"),
    ("*", "product_type"): Override(
        "real", "schedules[] lists no values for it; the top-level ones are real, digital"
    ),
    ("*", "cash_receipt_type"): Override(
        "person", "schedules[] lists no values for it; the top-level ones start with person"
    ),
    ("*", "identifier"): Override("01012345678", "cash receipt: a phone or card number"),
    ("POST /payments/cancel", "imp_uid"): Override(
        "imp_123412341234", "imp_uid or merchant_uid is needed (facts §7)", always=True
    ),
    ("POST /payments/cancel", "unguarded"): Override(
        False, "the client's opt-out of the checksum, which the full call sends", always=True
    ),
    ("POST /subscribe/payments/unschedule", "customer_uid"): Override(
        "customer_0001", "customer_uid or merchant_uid is needed (facts §10)", always=True
    ),
    **{
        (f"POST /payments/{{imp_uid}}/naver/{action}", name): Override(
            value, "needed when delivery_method is DELIVERY (its first value)", always=True
        )
        for action in ("ship", "ship-exchanged")
        for name, value in (("delivery_company", "CJGLS"), ("tracking_number", "1234567890"))
    },
    ("POST /paymentwall/delivery", "type"): Override(
        "digital", "physical goods also need carrier and address fields", always=True
    ),
    ("GET /payments", "imp_uids"): Override(
        ["imp_123412341234"], "with no id there is nothing to look up", always=True
    ),
}
"""Argument values the signature cannot tell, by ``("METHOD /path", name)`` or ``("*", name)``."""

SPEC = load_spec(PARAMETER_FIXES)
ANSWERS = AnswerGenerator(SPEC, QUIRKS)
OPERATION_COUNT = len(SPEC)
CASES = [
    pytest.param(op, variant, id=f"{op} [{variant}]")
    for op in SPEC
    for variant in variants_of(op, QUIRKS)
]


async def _client(server: SpecServer) -> Iamport:
    return Iamport(
        imp_key="contract-key",
        imp_secret="contract-secret",
        transport=httpx.MockTransport(server.handle),
        clock=VirtualClock(),
        max_retries=0,
    )


def _resolve(client: Iamport, dotted: str) -> Any:
    target: Any = client
    for part in dotted.split("."):
        target = getattr(target, part)
    return target


@pytest.mark.parametrize(("op", "variant"), CASES)
async def test_operation(op: SpecOperation, variant: str, request: pytest.FixtureRequest) -> None:
    request.node.user_properties.append(("contract_operation", str(op)))
    server = SpecServer(SPEC, QUIRKS, variant)
    async with await _client(server) as client:
        names = operation_methods(client).get(op.key)
        assert names, f"no client method is marked @operation({op.method!r}, {op.path!r})"
        for name in names:
            server.seen.clear()
            function = _resolve(client, name)
            mode = FULL if variant != "required" else "required"
            if op.key == TOKEN_OPERATION:
                args: list[Any] = []
                kwargs: dict[str, Any] = {}
            else:
                args, kwargs = ArgumentMaker(op, ARGUMENT_OVERRIDES, ANSWERS, mode).arguments(
                    function
                )
            failure: BaseException | None = None
            returned: Any = None
            values: list[Any] = []
            try:
                returned, values = await consume(function(*args, **kwargs))
            except Exception as exc:
                failure = exc
            assert not server.problems, f"{name}: the request breaks the spec:\n" + "\n".join(
                server.problems
            )
            if failure is not None:
                raise AssertionError(f"{name} raised {failure!r}") from failure
            assert op.key in server.operations_called(), (
                f"{name} sent {[c.label for c in server.seen]}, never {op}"
            )
            if op.key == TOKEN_OPERATION:
                continue
            problems = return_problems(function, returned)
            problems += result_problems(values, full=variant != "required")
            assert not problems, f"{name}:\n" + "\n".join(problems)


def test_every_operation_has_a_method() -> None:
    """The whole list at once, for the issue's checklist (each is also its own failure)."""
    client = Iamport(imp_key="k", imp_secret="s")
    served = operation_methods(client)
    missing = sorted(f"{op} ({op.operation_id})" for op in SPEC if op.key not in served)
    assert not missing, f"{len(missing)}/{OPERATION_COUNT} operations have no method:\n" + (
        "\n".join(missing)
    )


def test_every_mark_names_a_spec_operation() -> None:
    """A mark with a typo in its path would leave its operation uncovered without a word."""
    client = Iamport(imp_key="k", imp_secret="s")
    unknown = {
        key: names for key, names in operation_methods(client).items() if key not in SPEC.operations
    }
    assert not unknown, f"marks that name no operation of the spec: {unknown}"


def test_the_spec_has_81_operations() -> None:
    """80 in the official spec plus GET /vbanks/holder (facts §10)."""
    assert OPERATION_COUNT == 81


def test_the_fake_serves_every_operation_of_the_client() -> None:
    """``iamport_async.testing.FakeIamport`` is as complete as the client: 81 of 81."""
    from iamport_async.testing import FakeIamport

    client = Iamport(imp_key="k", imp_secret="s")
    served = {tuple(name.split(" ", 1)) for name in FakeIamport.operations()}
    assert served == set(operation_methods(client))
    assert len(FakeIamport.operations()) == OPERATION_COUNT == 81
