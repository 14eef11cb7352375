"""Every answer the fake gives, checked against the official spec's response schema.

The scenario drives every operation the fake serves, in success and in its documented
failures, records each answer, then checks: the status is one the spec lists for the
operation, and the body validates against that status's schema (Swagger 2.0 ``definitions``
with ``$ref`` resolved). The departures allowed are in ``spec_exceptions`` and nowhere else.
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema  # type: ignore[import-untyped, unused-ignore]
import pytest

from iamport_async.testing import FakeIamport, VirtualClock
from tests.testing import spec_exceptions as exceptions

pytestmark = pytest.mark.anyio

SPEC_PATH = Path(__file__).parents[1] / "contract" / "spec" / "iamport-v1.openapi.json"
NUMERIC_KEYWORDS = ("maxLength", "minLength", "maximum", "minimum", "maxItems", "minItems")
CARD = {"card_number": "5361-1234-5678-1234", "expiry": "2030-12", "birth": "900101"}


def _load_spec() -> dict[str, Any]:
    if not SPEC_PATH.exists():
        pytest.fail(f"the official spec is missing at {SPEC_PATH}")
    spec: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return spec


def _numbers(node: Any) -> None:
    """The spec writes some limits as strings ("maxLength": "32"): read them as numbers."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in NUMERIC_KEYWORDS and isinstance(value, str):
                node[key] = int(value)
            else:
                _numbers(value)
    elif isinstance(node, list):
        for item in node:
            _numbers(item)


def _definitions(spec: dict[str, Any]) -> dict[str, Any]:
    definitions: dict[str, Any] = copy.deepcopy(spec["definitions"])
    _numbers(definitions)
    for (name, field), _why in exceptions.NULLABLE.items():
        properties = definitions[name]["properties"]
        properties[field] = {"anyOf": [properties[field], {"type": "null"}]}
    for (name, field), _why in exceptions.NOT_REQUIRED.items():
        definitions[name]["required"].remove(field)
    return definitions


class Recorded:
    __slots__ = ("body", "operation", "status")

    def __init__(self, operation: str, status: int, body: Any) -> None:
        self.operation = operation
        self.status = status
        self.body = body


@pytest.fixture
def fake() -> FakeIamport:
    return FakeIamport(clock=VirtualClock())


@pytest.fixture
async def recorded_client(
    fake: FakeIamport,
) -> AsyncIterator[tuple[httpx.AsyncClient, list[Recorded]]]:
    answers: list[Recorded] = []

    async def record(response: httpx.Response) -> None:
        await response.aread()
        operation = fake.requests[-1].operation
        assert operation is not None, f"unrouted {response.request.url}"
        answers.append(Recorded(operation, response.status_code, response.json()))

    async with httpx.AsyncClient(
        transport=fake.transport(),
        base_url="https://api.iamport.kr",
        event_hooks={"response": [record]},
    ) as http:
        yield http, answers


async def drive_every_operation(fake: FakeIamport, http: httpx.AsyncClient) -> None:
    """Each operation the fake serves, answered in success and in its documented failures."""
    await http.post("/users/getToken", json={"imp_key": "x", "imp_secret": "y"})  # 401
    for operation in fake.operations():  # 401 without a token, everywhere it applies
        method, template = operation.split(" ")
        if template != "/users/getToken":
            await http.request(method, template.replace("{", "x").replace("}", ""))
    token = await http.post(
        "/users/getToken", json={"imp_key": "test_imp_key", "imp_secret": "test_imp_secret"}
    )
    http.headers["Authorization"] = token.json()["response"]["access_token"]
    now = fake.now()
    for payment in fake.seed_payments(300, seed=3):
        await http.get(f"/payments/{payment['imp_uid']}")
    fake.add_payment(imp_uid="imp_card", merchant_uid="m_card", amount=10_000)
    fake.add_payment(imp_uid="imp_trans", merchant_uid="m_trans", pay_method="trans")
    fake.add_payment(imp_uid="imp_sandbox", sandbox=True)
    fake.add_certification(imp_uid="imp_cert")

    await http.get("/payments/imp_nope")
    await http.get("/payments/imp_sandbox", params={"include_sandbox": "true"})
    await http.get("/payments", params=[("imp_uid[]", "imp_card"), ("merchant_uid[]", "m_trans")])
    await http.get("/payments", params=[("imp_uid[]", "imp_card"), ("imp_uid[]", "imp_nope")])
    await http.get("/payments", params=[("imp_uid[]", "imp_nope")])
    await http.get("/payments", params=[("imp_uid[]", f"imp_{i}") for i in range(101)])
    for status in ("all", "ready", "paid", "cancelled", "failed"):
        await http.get(f"/payments/status/{status}", params={"limit": 1000})
    await http.get("/payments/status/paid", params={"page": 999})
    await http.get("/payments/status/bogus")
    await http.get("/payments/find/m_card")
    await http.get("/payments/find/m_card/paid")
    await http.get("/payments/find/m_card/failed")
    await http.get("/payments/findAll/m_card")
    await http.get("/payments/findAll/m_card/paid", params={"page": 1, "limit": 5})
    await http.get("/payments/findAll/m_card/paid", params={"page": 2})
    await http.get("/payments/findAll/m_nope/all")
    await http.get("/payments/imp_card/balance")
    await http.get("/payments/imp_nope/balance")

    await http.post("/payments/cancel", json={"imp_uid": "imp_card", "amount": 1000})
    await http.post("/payments/cancel", json={"imp_uid": "imp_card", "checksum": 1})
    await http.post("/payments/cancel", json={"merchant_uid": "m_card"})
    await http.post("/payments/cancel", json={"imp_uid": "imp_card"})
    await http.post("/payments/cancel", json={"imp_uid": "imp_nope"})

    await http.post("/payments/prepare", json={"merchant_uid": "p1", "amount": 1000})
    await http.post("/payments/prepare", json={"merchant_uid": "p1", "amount": 1000})
    await http.put("/payments/prepare", json={"merchant_uid": "p1", "amount": 2000})
    await http.put("/payments/prepare", json={"merchant_uid": "p_nope", "amount": 2000})
    await http.get("/payments/prepare/p1")
    await http.get("/payments/prepare/p_nope")

    await http.post("/subscribe/customers/c1", json={**CARD, "customer_name": "김민준"})
    await http.post("/subscribe/customers/c2", json={**CARD, "card_number": "4000-0000-0000-0002"})
    await http.get("/subscribe/customers/c1")
    await http.get("/subscribe/customers/c_nope")
    await http.get("/subscribe/customers", params=[("customer_uid[]", "c1")])
    await http.get(
        "/subscribe/customers", params=[("customer_uid[]", "c1"), ("customer_uid[]", "c_nope")]
    )
    await http.get("/subscribe/customers", params=[("customer_uid[]", "c_nope")])
    again = {"customer_uid": "c1", "merchant_uid": "s1", "amount": 9900, "name": "구독"}
    await http.post("/subscribe/payments/again", json=again)
    await http.post("/subscribe/payments/again", json=again)
    await http.post("/subscribe/payments/again", json={**again, "customer_uid": "c_nope"})
    onetime = {**CARD, "merchant_uid": "o1", "amount": 1000, "customer_uid": "c3"}
    await http.post("/subscribe/payments/onetime", json=onetime)
    await http.post("/subscribe/payments/onetime", json=onetime)
    await http.post(
        "/subscribe/payments/onetime",
        json={**onetime, "merchant_uid": "o2", "card_number": "4000-0000-0000-9995"},
    )
    entries = [
        {
            "merchant_uid": f"plan_{i}",
            "schedule_at": now + 600 * (i + 1),
            "amount": 1000,
            "name": "n",
        }
        for i in range(3)
    ]
    await http.post(
        "/subscribe/payments/schedule", json={"customer_uid": "c1", "schedules": entries}
    )
    await http.post(
        "/subscribe/payments/schedule", json={"customer_uid": "c1", "schedules": entries}
    )
    await http.post(
        "/subscribe/payments/unschedule", json={"customer_uid": "c1", "merchant_uid": ["plan_2"]}
    )
    await http.post("/subscribe/payments/unschedule", json={"merchant_uid": ["plan_nope"]})
    assert isinstance(fake.clock, VirtualClock)
    fake.clock.advance(600)
    fake.run_schedules()
    await http.get("/subscribe/payments/schedule/plan_0")
    await http.get("/subscribe/payments/schedule/plan_1")
    await http.get("/subscribe/payments/schedule/plan_2")
    await http.get("/subscribe/payments/schedule/plan_nope")
    await http.delete("/subscribe/customers/c1")
    await http.delete("/subscribe/customers/c1")

    await http.post("/receipts/imp_trans", json={"identifier": "01012345678", "type": "person"})
    await http.post("/receipts/imp_trans", json={"identifier": "01012345678"})
    await http.post("/receipts/imp_card", json={"identifier": "01012345678"})
    await http.get("/receipts/imp_trans")
    await http.get("/receipts/imp_card")
    await http.delete("/receipts/imp_trans")
    await http.delete("/receipts/imp_trans")
    external = {"name": "현장", "amount": 5000, "identifier": "01012345678", "channel_key": "c"}
    await http.post("/receipts/external/e1", json=external)
    await http.post("/receipts/external/e1", json=external)
    await http.post("/receipts/external/e2", json={})
    await http.get("/receipts/external/e1")
    await http.get("/receipts/external/e_nope")
    await http.delete("/receipts/external/e1")
    await http.delete("/receipts/external/e1")

    vbank = {"merchant_uid": "v1", "amount": 5000, "vbank_code": "004", "vbank_due": now + 9999}
    issued = (await http.post("/vbanks", json=vbank)).json()["response"]
    await http.post("/vbanks", json={})
    await http.delete(f"/vbanks/{issued['imp_uid']}")
    await http.delete(f"/vbanks/{issued['imp_uid']}")
    await http.delete("/vbanks/imp_nope")

    await http.get("/certifications/imp_cert")
    await http.delete("/certifications/imp_cert")
    await http.get("/certifications/imp_cert")
    await http.delete("/certifications/imp_cert")


async def test_every_answer_matches_the_spec(
    fake: FakeIamport, recorded_client: tuple[httpx.AsyncClient, list[Recorded]]
) -> None:
    http, answers = recorded_client
    await drive_every_operation(fake, http)
    spec = _load_spec()
    definitions = _definitions(spec)
    problems: list[str] = []
    covered: set[str] = set()
    validators: dict[str, Any] = {}
    for answer in answers:
        operation = answer.operation
        covered.add(operation)
        spec_operation = exceptions.ALIASES.get(operation, (operation, ""))[0]
        method, template = spec_operation.split(" ")
        documented = spec["paths"][template][method.lower()]["responses"]
        status = str(answer.status)
        if status not in documented:
            if (operation, answer.status) not in exceptions.UNDOCUMENTED_STATUSES:
                problems.append(f"{operation}: status {status} is not in the spec")
            schema: dict[str, Any] = {}
        else:
            schema = documented[status].get("schema", {})
        override = exceptions.SCHEMA_OVERRIDES.get((operation, answer.status))
        if override is not None:
            schema = {"$ref": f"#/definitions/{override[0]}"}
        if answer.body.get("code") != 0:
            schema = {}  # exceptions.FAILURE_ENVELOPE
        key = json.dumps(schema, sort_keys=True)
        if key not in validators:
            envelope = {"$ref": "#/definitions/ResponseAnnotation"}
            validators[key] = jsonschema.Draft4Validator(
                {"allOf": [envelope, schema], "definitions": definitions}
            )
        for error in validators[key].iter_errors(answer.body):
            where = "/".join(str(p) for p in error.absolute_path)
            problems.append(f"{operation} {status} at {where}: {error.message[:200]}")
        body = answer.body
        assert set(body) == {"code", "message", "response"}, operation
        if answer.status < 300 and body["code"] == 0:
            assert body["response"] is not None, operation
        else:
            assert body["response"] is None, (operation, status)
            assert body["message"], (operation, status)
    assert not problems, "\n".join(sorted(set(problems)))
    assert covered == set(fake.operations())
    statuses = {(a.operation, a.status) for a in answers}
    for listed in exceptions.UNDOCUMENTED_STATUSES:
        assert listed in statuses, f"stale exception {listed}"


def test_exceptions_name_real_definitions_and_reasons() -> None:
    definitions = _load_spec()["definitions"]
    for name, field in exceptions.NULLABLE:
        assert field in definitions[name]["properties"], (name, field)
    for name, field in exceptions.NOT_REQUIRED:
        assert field in definitions[name]["required"], (name, field)
    for (name, field), why in (*exceptions.NULLABLE.items(), *exceptions.NOT_REQUIRED.items()):
        assert why.startswith("§"), (name, field)
