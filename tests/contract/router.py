"""A fake API built from the spec: it checks every request and answers from the schemas.

``SpecServer`` is an ``httpx.MockTransport`` handler. For each request it finds the spec
operation (method + path template), checks path, query and JSON body against the spec's
parameters (required present, nothing unknown, types and enums as written, recursively), and
answers ``{code: 0, message: null, response: <generated>}`` with the operation's success status.
A request that fails a check gets HTTP 400 and its problems are kept in ``problems``.

``AnswerGenerator`` makes deterministic payloads from a schema: ``"required"`` mode sends only
the fields the spec marks required (what a minimal real answer carries), ``"full"`` mode every
field the spec defines. Where the spec is not what the server sends, ``Quirks`` says so.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote

import attrs
import httpx

from tests.contract.spec import Operation, Schema, Spec, SpecError, SpecOperation

REQUIRED = "required"
FULL = "full"
BASE_TIME = 1_700_000_000
"""``now`` in every answer; other timestamps are half an hour later."""

Field = tuple[str, str]
"""``(definition name, field name)``."""


@attrs.frozen
class AnswerFix:
    """What the server really answers for one operation, where the spec's schema is not it."""

    reason: str
    schema: Schema | None
    """The payload schema answered in the required and full variants (None: ``null``)."""
    variants: Mapping[str, Schema | None] = attrs.field(factory=dict)
    """Further answers the client must also accept, by variant name (generated in full)."""


@attrs.frozen
class Quirks:
    """Every place where the server and the spec disagree, each with its reason."""

    absent: Mapping[Field, str] = attrs.field(factory=dict)
    """Fields the spec marks required that the server leaves out: not in required answers."""
    always_sent: Mapping[Field, str] = attrs.field(factory=dict)
    """Fields the spec leaves optional that the server always sends: in required answers."""
    served_values: Mapping[Field, tuple[Any, str]] = attrs.field(factory=dict)
    """Values the server sends in place of the spec's type, used in full answers."""
    failure_only: Mapping[Field, str] = attrs.field(factory=dict)
    """Fields present only in a refusal: never in the success answers generated here."""
    answers: Mapping[Operation, AnswerFix] = attrs.field(factory=dict)


def variants_of(op: SpecOperation, quirks: Quirks) -> list[str]:
    fix = quirks.answers.get(op.key)
    return [REQUIRED, FULL, *(fix.variants if fix else ())]


class AnswerGenerator:
    def __init__(self, spec: Spec, quirks: Quirks) -> None:
        self.spec = spec
        self.quirks = quirks

    def payload(self, op: SpecOperation, variant: str) -> Any:
        fix = self.quirks.answers.get(op.key)
        schema = op.response_schema
        mode = variant
        if fix is not None:
            schema = fix.schema
            if variant not in (REQUIRED, FULL):
                schema, mode = fix.variants[variant], FULL
        elif variant not in (REQUIRED, FULL):
            raise KeyError(f"{op} has no answer variant {variant!r}")
        return None if schema is None else self.value(schema, mode, "response")

    def value(self, schema: Schema, mode: str, name: str) -> Any:
        resolved, definition = self.spec.resolve(schema)
        if resolved.get("enum"):
            return resolved["enum"][0]
        if resolved.get("x-portone-enum"):
            return resolved["x-portone-enum"][0]
        kind = resolved.get("type") or ("object" if "properties" in resolved else None)
        if kind == "object":
            return self._object(resolved, definition, mode)
        if kind == "array":
            items = resolved.get("items")
            return [] if items is None else [self.value(items, mode, name)]
        if kind == "string":
            return _string(name, resolved)
        if kind == "integer":
            return _integer(name)
        if kind == "number":
            return 1000 if mode == REQUIRED else 1000.5
        if kind == "boolean":
            return True
        raise SpecError(f"cannot generate {name} of schema {resolved}")

    def _object(self, schema: Schema, definition: str | None, mode: str) -> dict[str, Any]:
        properties: dict[str, Schema] = schema.get("properties", {})
        required = set(schema.get("required", []))
        for name in sorted(required - properties.keys()):
            if (definition or "", name) not in self.quirks.absent:
                raise SpecError(
                    f"{definition}.{name} is required but has no schema: list it in "
                    "QUIRKS.absent with the reason"
                )
        result: dict[str, Any] = {}
        for name, field_schema in properties.items():
            key = (definition or "", name)
            if key in self.quirks.failure_only:
                continue
            if mode == REQUIRED:
                wanted = name in required or key in self.quirks.always_sent
                if not wanted or key in self.quirks.absent:
                    continue
            elif key in self.quirks.served_values:
                result[name] = self.quirks.served_values[key][0]
                continue
            result[name] = self.value(field_schema, mode, name)
        return result


_STRINGS = {
    "access_token": "contract-access-token",
    "imp_uid": "imp_123412341234",
    "merchant_uid": "order_20240101_0001",
    "customer_uid": "customer_0001",
    "currency": "KRW",
    "status": "paid",
    "pay_method": "card",
    "channel": "pc",
    "pg_provider": "html5_inicis",
    "schedule_status": "scheduled",
    "payment_status": "paid",
    "customer_uid_usage": "issue",
    "gender": "male",
    "birthday": "1990-01-01",
    "carrier": "SKT",
    "card_number": "536181******1234",
    "tier_code": "A01",
    "custom_data": '{"order": 1}',
    "buyer_postcode": "06236",
    "customer_postcode": "06236",
}
_TIME_INTEGERS = {"inserted", "updated", "created", "start", "end", "vbank_date", "shipping_due"}
_MONEY_INTEGERS = {"vat", "point", "tax_free", "supply", "service"}


def _string(name: str, schema: Schema) -> str:
    if schema.get("format") == "ipv4":
        return "127.0.0.1"
    if name in _STRINGS:
        value = _STRINGS[name]
    elif name.endswith("_url"):
        value = f"https://example.com/{name}"
    elif name.endswith("_email") or name == "email":
        value = "buyer@example.com"
    else:
        value = f"{name}-1"
    limit = schema.get("maxLength")  # written as a string in parts of the spec
    return value[: int(limit)] if limit is not None else value


def _integer(name: str) -> int:
    if name == "now":
        return BASE_TIME
    if name.endswith("_at") or name in _TIME_INTEGERS:
        return BASE_TIME + 1800
    if name in ("previous", "next"):
        return 0  # page numbers: 0 means there is no such page
    if name in ("card_type", "card_quota"):
        return 0
    if "amount" in name or name in _MONEY_INTEGERS:
        return 1000
    return 1


# --- checking requests ---------------------------------------------------------------------


def check_value(spec: Spec, schema: Schema, value: Any, where: str) -> list[str]:
    """What is wrong with ``value`` (decoded JSON) against ``schema``; empty if nothing."""
    resolved, _ = spec.resolve(schema)
    if value is None:
        return [f"{where}: null sent (leave an optional field out instead)"]
    kind = resolved.get("type") or ("object" if "properties" in resolved else None)
    problems = _check_type(kind, value, where)
    if problems:
        return problems
    if resolved.get("enum") and value not in resolved["enum"]:
        return [f"{where}: {value!r} is not one of {resolved['enum']}"]
    if resolved.get("format") == "ipv4" and isinstance(value, str):
        try:
            ipaddress.IPv4Address(value)
        except ValueError:
            return [f"{where}: {value!r} is not an IPv4 address"]
    if kind == "array" and isinstance(resolved.get("items"), dict):
        for index, item in enumerate(value):
            problems += check_value(spec, resolved["items"], item, f"{where}[{index}]")
    if kind == "object" and "properties" in resolved:
        problems += check_object(spec, resolved, value, where)
    return problems


def check_object(spec: Spec, schema: Schema, value: Mapping[str, Any], where: str) -> list[str]:
    properties: dict[str, Schema] = schema.get("properties", {})
    problems = [
        f"{where}.{name}: the spec knows no such field" for name in value if name not in properties
    ]
    problems += [
        f"{where}.{name}: required field missing"
        for name in schema.get("required", [])
        if name not in value
    ]
    for name, item in value.items():
        if name in properties:
            problems += check_value(spec, properties[name], item, f"{where}.{name}")
    return problems


_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def _check_type(kind: str | None, value: Any, where: str) -> list[str]:
    if kind is None:
        return []
    wanted = _PYTHON_TYPES.get(kind)
    if wanted is None:
        return [f"{where}: the spec type {kind!r} is not checked"]
    if isinstance(value, bool) and kind != "boolean":
        return [f"{where}: {value!r} is a boolean, the spec says {kind}"]
    if not isinstance(value, wanted):
        return [f"{where}: {type(value).__name__} {value!r}, the spec says {kind}"]
    return []


def check_scalar(spec: Spec, schema: Schema, text: str, where: str) -> list[str]:
    """A path or query value (text) against a scalar schema."""
    kind = schema.get("type")
    value: Any = text
    if kind == "integer":
        if not text.lstrip("-").isdigit():
            return [f"{where}: {text!r} is not an integer"]
        value = int(text)
    elif kind == "number":
        try:
            value = float(text)
        except ValueError:
            return [f"{where}: {text!r} is not a number"]
    elif kind == "boolean":
        if text not in ("true", "false"):
            return [f"{where}: {text!r} is not true or false"]
        value = text == "true"
    elif kind not in (None, "string"):
        return [f"{where}: a {kind} cannot be sent as text"]
    return check_value(spec, {k: v for k, v in schema.items() if k != "items"}, value, where)


@attrs.frozen
class Checked:
    """One request as the server saw it."""

    operation: SpecOperation | None
    problems: tuple[str, ...]
    label: str


def check_request(spec: Spec, request: httpx.Request, token: str | None) -> Checked:
    method = request.method
    raw_path = request.url.raw_path.split(b"?", 1)[0].decode("ascii")
    label = f"{method} {raw_path}"
    found = spec.match(method, raw_path)
    if found is None:
        return Checked(
            None, (f"{label}: no operation of the spec has this method and path",), label
        )
    op, path_values = found
    problems: list[str] = []
    for name, param in op.params("path").items():
        text = unquote(path_values.get(name, ""))
        if text == "":
            if param.required:
                problems.append(f"path {name}: required, and empty")
            continue
        problems += check_scalar(spec, param.schema, text, f"path {name}")
    problems += _check_query(spec, op, request)
    problems += _check_body(spec, op, request)
    if op.path != "/users/getToken":
        sent = request.headers.get("authorization")
        if sent != f"Bearer {token}":
            problems.append(f"Authorization header is {sent!r}, not the token the server issued")
    return Checked(op, tuple(problems), label)


def _check_query(spec: Spec, op: SpecOperation, request: httpx.Request) -> list[str]:
    known = op.params("query")
    pairs = parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True)
    problems = []
    counts: dict[str, int] = {}
    for name, text in pairs:
        counts[name] = counts.get(name, 0) + 1
        param = known.get(name)
        if param is None:
            problems.append(f"query {name}: the spec knows no such parameter")
            continue
        schema = param.schema
        if schema.get("type") == "array":
            schema = schema.get("items") or {}
        problems += check_scalar(spec, schema, text, f"query {name}")
    for name, param in known.items():
        if param.required and name not in counts:
            problems.append(f"query {name}: required parameter missing")
        if counts.get(name, 0) > 1 and param.schema.get("type") != "array":
            problems.append(f"query {name}: sent {counts[name]} times, but it is not an array")
    return problems


def _check_body(spec: Spec, op: SpecOperation, request: httpx.Request) -> list[str]:
    fields = op.params("body")
    content = request.content
    if not content:
        body: Any = {}
    else:
        content_type = request.headers.get("content-type", "")
        if not content_type.startswith("application/json"):
            return [f"body: sent as {content_type!r}, expected application/json"]
        body = json.loads(content)
        if not isinstance(body, dict):
            return [f"body: a JSON {type(body).__name__}, expected an object"]
    if not fields:
        return [f"body: the spec has no body fields, got {sorted(body)}"] if body else []
    schema: Schema = {
        "type": "object",
        "properties": {name: p.schema for name, p in fields.items()},
        "required": [name for name, p in fields.items() if p.required],
    }
    return check_object(spec, schema, body, "body")


class SpecServer:
    """The mock API: hand ``SpecServer(...).handle`` to ``httpx.MockTransport``."""

    def __init__(self, spec: Spec, quirks: Quirks, variant: str = FULL) -> None:
        self.spec = spec
        self.generator = AnswerGenerator(spec, quirks)
        self.variant = variant
        self.seen: list[Checked] = []
        self.token: str | None = None

    @property
    def problems(self) -> list[str]:
        return [f"{c.label}: {problem}" for c in self.seen for problem in c.problems]

    def operations_called(self) -> list[Operation]:
        return [c.operation.key for c in self.seen if c.operation is not None]

    def handle(self, request: httpx.Request) -> httpx.Response:
        checked = check_request(self.spec, request, self.token)
        self.seen.append(checked)
        if checked.problems or checked.operation is None:
            body = {"code": -1, "message": "contract check failed", "response": None}
            return httpx.Response(400 if checked.operation else 404, json=body)
        op = checked.operation
        if op.path == "/users/getToken":
            payload = self.generator.payload(op, FULL)
            self.token = payload["access_token"]
        else:
            payload = self.generator.payload(op, self.variant)
        body = {"code": 0, "message": None, "response": payload}
        return httpx.Response(op.success_status, json=body)
