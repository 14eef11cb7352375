"""The contract machinery proven on a small spec and a throwaway group, before real groups land."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import attrs
import httpx
import pytest

from iamport_async import Iamport
from iamport_async._operations import TOKEN_METHOD, client_operations, operation_methods
from iamport_async.endpoints._base import Endpoints, drop_none, operation, path
from iamport_async.models._types import Model
from iamport_async.testing.clock import VirtualClock
from tests.contract.calling import (
    ArgumentMaker,
    Override,
    consume,
    result_problems,
    return_problems,
)
from tests.contract.router import (
    FULL,
    REQUIRED,
    AnswerGenerator,
    Quirks,
    SpecServer,
    check_request,
    check_value,
)
from tests.contract.spec import Spec, SpecError
from tests.contract.test_contract import QUIRKS, SPEC

DOCUMENT: dict[str, Any] = {
    "paths": {
        "/users/getToken": {
            "post": {
                "parameters": [
                    {"name": "imp_key", "in": "formData", "type": "string", "required": True},
                    {"name": "imp_secret", "in": "formData", "type": "string", "required": True},
                ],
                "responses": {"200": {"schema": {"$ref": "#/definitions/AuthResponse"}}},
            }
        },
        "/things/{thing_id}": {
            "post": {
                "operationId": "makeThing",
                "parameters": [
                    {"name": "thing_id", "in": "path", "type": "string", "required": True},
                    {"name": "amount", "in": "formData", "type": "number", "required": True},
                    {"name": "when", "in": "formData", "type": "integer", "required": True},
                    {"name": "kind", "in": "formData", "type": "string", "enum": ["big", "small"]},
                    {"name": "note", "in": "formData", "type": "string"},
                    {
                        "name": "parts",
                        "in": "formData",
                        "type": "array",
                        "items": {"$ref": "#/definitions/Part"},
                    },
                ],
                "responses": {"200": {"schema": {"$ref": "#/definitions/ThingResponse"}}},
            },
            "get": {
                "parameters": [
                    {"name": "thing_id", "in": "path", "type": "string", "required": True},
                    {"name": "verbose", "in": "query", "type": "boolean"},
                ],
                "responses": {"200": {"schema": {"$ref": "#/definitions/ThingResponse"}}},
            },
        },
        "/things/list/{state}": {
            "get": {
                "parameters": [
                    {"name": "state", "in": "path", "type": "string", "required": False},
                    {
                        "name": "id[]",
                        "in": "query",
                        "type": "array",
                        "items": {"type": "string"},
                        "collectionFormat": "multi",
                    },
                    {"name": "page", "in": "query", "type": "integer"},
                ],
                "responses": {"200": {"schema": {"$ref": "#/definitions/ThingResponse"}}},
            }
        },
    },
    "definitions": {
        "ResponseAnnotation": {
            "properties": {"code": {"type": "integer"}, "message": {"type": "string"}}
        },
        "AuthResponse": {
            "allOf": [
                {"$ref": "#/definitions/ResponseAnnotation"},
                {"properties": {"response": {"$ref": "#/definitions/Auth"}}},
            ]
        },
        "Auth": {
            "required": ["access_token", "now", "expired_at"],
            "properties": {
                "access_token": {"type": "string"},
                "now": {"type": "integer"},
                "expired_at": {"type": "integer"},
            },
        },
        "ThingResponse": {
            "allOf": [
                {"$ref": "#/definitions/ResponseAnnotation"},
                {"properties": {"response": {"$ref": "#/definitions/Thing"}}},
            ]
        },
        "Thing": {
            "required": ["thing_id", "amount"],
            "properties": {
                "thing_id": {"type": "string"},
                "amount": {"type": "number"},
                "made_at": {"type": "integer"},
                "parts": {"type": "array", "items": {"$ref": "#/definitions/Part"}},
            },
        },
        "Part": {
            "required": ["name"],
            "properties": {"name": {"type": "string"}, "count": {"type": "integer"}},
        },
    },
}
MAKE = ("POST", "/things/{thing_id}")


@attrs.frozen
class Part(Model):
    name: str
    count: int | None = None


@attrs.frozen
class Thing(Model):
    thing_id: str
    amount: Decimal
    made_at: int | None = None
    parts: list[Part] = attrs.field(factory=list)


class Kind(enum.Enum):
    BIG = "big"
    SMALL = "small"


@attrs.frozen
class PartRequest:
    name: str
    count: int | None = None


class Things(Endpoints):
    """The throwaway group: ``make`` follows the spec; ``make_sloppy`` does not."""

    @operation("POST", "/things/{thing_id}")
    async def make(
        self,
        thing_id: str,
        amount: int | Decimal,
        when: datetime,
        kind: Kind | None = None,
        note: str | None = None,
        parts: list[PartRequest] | None = None,
    ) -> Thing:
        body = drop_none(
            {
                "amount": int(amount),
                "when": int(when.timestamp()),
                "kind": kind.value if kind else None,
                "note": note,
                "parts": [drop_none(attrs.asdict(p)) for p in parts] if parts else None,
            }
        )
        result: Thing = await self._call("POST", path("/things/{}", thing_id), Thing, json=body)
        return result

    @operation("POST", "/things/{thing_id}")
    async def make_sloppy(self, thing_id: str, amount: int, note: str | None = None) -> Thing:
        body = {"amount": str(amount), "colour": "red", "note": note}
        result: Thing = await self._call("POST", path("/things/{}", thing_id), Thing, json=body)
        return result

    @operation("GET", "/things/{thing_id}")
    async def get(self, thing_id: str) -> Thing:
        return Thing(thing_id=thing_id, amount=Decimal(1))  # sends nothing at all


def _spec() -> Spec:
    return Spec(DOCUMENT)


def _request(method: str, url: str, **kwargs: Any) -> httpx.Request:
    headers = {"Authorization": "Bearer tok"}
    return httpx.Request(method, f"https://api.iamport.kr{url}", headers=headers, **kwargs)


def _problems(request: httpx.Request) -> list[str]:
    return list(check_request(_spec(), request, "tok").problems)


# --- the request checker -------------------------------------------------------------------


def test_a_request_as_the_spec_says_passes() -> None:
    body = {"amount": 1000, "when": 1_900_000_000, "parts": [{"name": "a", "count": 2}]}
    assert _problems(_request("POST", "/things/t1", json=body)) == []


def test_an_unknown_body_field_is_refused() -> None:
    problems = _problems(_request("POST", "/things/t1", json={"amount": 1, "when": 1, "x": 1}))
    assert problems == ["body.x: the spec knows no such field"]


def test_a_missing_required_field_is_refused() -> None:
    assert _problems(_request("POST", "/things/t1", json={"amount": 1})) == [
        "body.when: required field missing"
    ]


def test_nested_fields_are_checked_inside_arrays() -> None:
    body = {"amount": 1, "when": 1, "parts": [{"count": "2", "shape": "round"}]}
    problems = _problems(_request("POST", "/things/t1", json=body))
    assert sorted(problems) == [
        "body.parts[0].count: str '2', the spec says integer",
        "body.parts[0].name: required field missing",
        "body.parts[0].shape: the spec knows no such field",
    ]


def test_types_enums_and_null_are_checked() -> None:
    body = {"amount": "1000", "when": True, "kind": "huge", "note": None}
    problems = _problems(_request("POST", "/things/t1", json=body))
    assert sorted(problems) == [
        "body.amount: str '1000', the spec says number",
        "body.kind: 'huge' is not one of ['big', 'small']",
        "body.note: null sent (leave an optional field out instead)",
        "body.when: True is a boolean, the spec says integer",
    ]


def test_an_integer_is_a_number_and_a_float_is_not_an_integer() -> None:
    assert _problems(_request("POST", "/things/t1", json={"amount": 5, "when": 1})) == []
    problems = _problems(_request("POST", "/things/t1", json={"amount": 5, "when": 1.5}))
    assert problems == ["body.when: float 1.5, the spec says integer"]


def test_query_parameters_are_checked() -> None:
    ok = _request("GET", "/things/list/open?id%5B%5D=a&id%5B%5D=b&page=2")
    assert _problems(ok) == []
    bad = _request("GET", "/things/list/open?page=x&page=2&sort=asc")
    assert sorted(_problems(bad)) == [
        "query page: 'x' is not an integer",
        "query page: sent 2 times, but it is not an array",
        "query sort: the spec knows no such parameter",
    ]
    assert _problems(_request("GET", "/things/t1?verbose=yes")) == [
        "query verbose: 'yes' is not true or false"
    ]


def test_a_body_where_the_spec_has_none_is_refused() -> None:
    assert _problems(_request("GET", "/things/t1", json={"a": 1})) == [
        "body: the spec has no body fields, got ['a']"
    ]


def test_routes_prefer_fixed_segments_and_allow_an_optional_last_parameter() -> None:
    spec = _spec()
    found = spec.match("GET", "/things/list/open")
    assert found is not None
    assert found[0].path == "/things/list/{state}"
    without_state = spec.match("GET", "/things/list")
    assert without_state is not None
    assert without_state[0].path == "/things/list/{state}"
    found = spec.match("GET", "/things/t%2F1")
    assert found is not None
    assert (found[0].path, found[1]) == ("/things/{thing_id}", {"thing_id": "t%2F1"})
    assert spec.match("DELETE", "/things/t1") is None


def test_the_token_must_be_the_one_the_server_issued() -> None:
    request = httpx.Request("GET", "https://api.iamport.kr/things/t1")
    assert check_request(_spec(), request, "tok").problems == (
        "Authorization header is None, not the token the server issued",
    )


# --- the answer generator ------------------------------------------------------------------


def test_required_answers_carry_only_required_fields_and_full_ones_all() -> None:
    spec = _spec()
    op = spec.operations[MAKE]
    generator = AnswerGenerator(spec, Quirks())
    assert generator.payload(op, REQUIRED) == {"thing_id": "thing_id-1", "amount": 1000}
    full = generator.payload(op, FULL)
    assert set(full) == {"thing_id", "amount", "made_at", "parts"}
    assert full["parts"] == [{"name": "name-1", "count": 1}]
    assert generator.payload(op, FULL) == full  # deterministic


def test_quirks_shape_the_answers() -> None:
    spec = _spec()
    op = spec.operations[MAKE]
    quirks = Quirks(
        absent={("Thing", "amount"): "r"},
        always_sent={("Thing", "made_at"): "r"},
        served_values={("Thing", "parts"): (None, "r")},
        failure_only={("Thing", "thing_id"): "r"},
    )
    generator = AnswerGenerator(spec, quirks)
    assert generator.payload(op, REQUIRED) == {"made_at": 1_700_001_800}
    assert generator.payload(op, FULL) == {
        "amount": 1000.5,
        "made_at": 1_700_001_800,
        "parts": None,
    }


def test_a_required_field_without_schema_must_be_listed() -> None:
    document = {**DOCUMENT, "definitions": dict(DOCUMENT["definitions"])}
    document["definitions"]["Part"] = {
        "required": ["name", "ghost"],
        "properties": {"name": {"type": "string"}},
    }
    spec = Spec(document)
    generator = AnswerGenerator(spec, Quirks())
    with pytest.raises(SpecError, match=r"Part\.ghost"):
        generator.value({"$ref": "#/definitions/Part"}, REQUIRED, "part")
    listed = AnswerGenerator(spec, Quirks(absent={("Part", "ghost"): "r"}))
    assert listed.value({"$ref": "#/definitions/Part"}, REQUIRED, "part") == {"name": "name-1"}


def test_every_generated_answer_of_the_real_spec_fits_its_own_schema() -> None:
    """The generator and the checker agree (values the server sends off-spec aside)."""
    generator = AnswerGenerator(SPEC, attrs.evolve(QUIRKS, served_values={}))
    absent = {f"{name}: required field missing" for _, name in QUIRKS.absent}
    checked = 0
    for op in SPEC:
        fix = QUIRKS.answers.get(op.key)
        schema = fix.schema if fix else op.response_schema
        for mode in (REQUIRED, FULL):
            payload = generator.payload(op, mode)
            if schema is None:
                assert payload is None
                continue
            problems = check_value(SPEC, schema, payload, "response")
            # fields the spec requires and the server leaves out (QUIRKS.absent)
            problems = [p for p in problems if p.split(".")[-1] not in absent]
            assert problems == [], f"{op} [{mode}]"
            checked += 1
    assert checked > 150


# --- arguments and results -----------------------------------------------------------------


def test_arguments_follow_the_signature_and_the_spec() -> None:
    spec = _spec()
    op = spec.operations[MAKE]
    group = Things.__new__(Things)
    answers = AnswerGenerator(spec, Quirks())
    args, kwargs = ArgumentMaker(op, {}, answers, REQUIRED).arguments(group.make)
    assert args == []
    assert set(kwargs) == {"thing_id", "amount", "when"}
    assert kwargs["when"].tzinfo is UTC
    assert kwargs["when"] > datetime.now(UTC)
    _, full = ArgumentMaker(op, {}, answers, FULL).arguments(group.make)
    assert full["kind"] is Kind.BIG  # the spec's first enum value
    assert full["parts"] == [PartRequest(name="name-1", count=1)]
    overrides = {
        ("POST /things/{thing_id}", "note"): Override("n", "r", always=True),
        ("*", "thing_id"): Override("T-9", "r"),
    }
    _, overridden = ArgumentMaker(op, overrides, answers, REQUIRED).arguments(group.make)
    assert (overridden["note"], overridden["thing_id"]) == ("n", "T-9")


@pytest.mark.anyio
async def test_the_server_reports_a_sloppy_method_and_passes_a_careful_one() -> None:
    spec = _spec()
    server = SpecServer(spec, Quirks())
    transport = httpx.MockTransport(server.handle)
    async with Iamport(imp_key="k", imp_secret="s", transport=transport, clock=VirtualClock()) as c:
        things = Things(c._engine)
        op = spec.operations[MAKE]
        answers = AnswerGenerator(spec, Quirks())
        args, kwargs = ArgumentMaker(op, {}, answers, FULL).arguments(things.make)
        returned, values = await consume(things.make(*args, **kwargs))
        assert server.problems == []
        assert [c.operation.key for c in server.seen if c.operation] == [
            ("POST", "/users/getToken"),
            MAKE,
        ]
        assert return_problems(things.make, returned) == []
        assert result_problems(values, full=True) == []
        assert returned.parts == [Part(name="name-1", count=1)]

        server.seen.clear()
        with pytest.raises(Exception, match="HTTP 400"):
            await things.make_sloppy("t1", 5, note=None)
        assert sorted(server.problems) == [
            "POST /things/t1: body.amount: str '5', the spec says number",
            "POST /things/t1: body.colour: the spec knows no such field",
            "POST /things/t1: body.note: null sent (leave an optional field out instead)",
            "POST /things/t1: body.when: required field missing",
        ]


def test_result_checks_catch_wrong_types_folded_errors_and_unmodelled_fields() -> None:
    thing = Thing(thing_id="t", amount=Decimal(1), unknown_fields={"colour": "red"})
    assert return_problems(Things.get, thing) == []
    assert return_problems(Things.get, Part(name="p")) == ["return value: declared Thing, got Part"]
    assert result_problems([thing], full=False) == []
    assert result_problems([thing], full=True) == [
        "result[0] (Thing): spec fields left in unknown_fields: ['colour']"
    ]
    assert result_problems([{"a": [ValueError("x")]}], full=False) == [
        "result[0]['a'][0]: the call reported an error: ValueError('x')"
    ]


# --- the registry --------------------------------------------------------------------------


def test_the_registry_reads_marks_from_classes_and_clients() -> None:
    assert operation_methods([Things]) == {
        MAKE: ["Things.make", "Things.make_sloppy"],
        ("GET", "/things/{thing_id}"): ["Things.get"],
    }
    assert client_operations([Things])[MAKE] == "Things.make"
    transport = httpx.MockTransport(lambda request: httpx.Response(500))
    client = Iamport(imp_key="k", imp_secret="s", transport=transport)
    client.things = Things(client._engine)  # type: ignore[attr-defined]
    served = client_operations(client)
    assert served[MAKE] == "things.make"
    assert served[("POST", "/users/getToken")] == TOKEN_METHOD
    with pytest.raises(TypeError):
        operation_methods([object])
