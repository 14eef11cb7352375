"""The official spec (Swagger 2.0), read into operations and parameters the checks can use.

How this spec is read (rules that hold for every operation; where the spec is plainly wrong
for one operation, the fix is in ``test_contract.QUIRKS`` instead):

- ``formData`` parameters are fields of a JSON body: the spec lists both JSON and form
  encoding, and the client sends JSON.
- A ``formData`` parameter with a ``schema``: the value is a JSON value of that schema (the
  escrow ``sender``/``receiver``/``logis`` objects), except for an ``array`` without ``items``,
  where the schema describes the items (unschedule's ``merchant_uid``).
- ``items`` written as a bare type name (``"items": "string"``) is ``{"type": "string"}``; an
  array without ``items`` may hold anything.
- ``required`` left out or ``null`` means not required.
- A path parameter that is not required and ends the template may be left out with its slash
  (``/payments/find/{merchant_uid}`` for any status).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

SPEC_DIR = Path(__file__).parent / "spec"
MAIN_SPEC = SPEC_DIR / "iamport-v1.openapi.json"
EXTRA_SPECS = (SPEC_DIR / "iamport-v1.vbanks-holder.json",)
"""Operations hidden from the newest spec but still served (facts §10)."""

Schema = dict[str, Any]
Operation = tuple[str, str]
HTTP_METHODS = ("get", "post", "put", "delete", "patch")


class SpecError(Exception):
    """The spec says something these checks cannot read: fix the spec reading or add a quirk."""


@attrs.frozen
class Parameter:
    name: str
    location: str  # "path", "query" or "body" (formData)
    required: bool
    schema: Schema


@attrs.frozen
class SpecOperation:
    method: str
    path: str
    operation_id: str
    parameters: tuple[Parameter, ...]
    success_status: int
    response_schema: Schema | None
    """The schema of the envelope's ``response`` payload; None where the spec gives none."""

    @property
    def key(self) -> Operation:
        return (self.method, self.path)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    def params(self, location: str) -> dict[str, Parameter]:
        return {p.name: p for p in self.parameters if p.location == location}


@attrs.frozen
class ParameterFix:
    """Where the spec is wrong about one parameter: its real schema and/or place."""

    reason: str
    schema: Schema | None = None
    location: str | None = None


class Spec:
    """Operations and definitions of one spec document (plus any extra path items)."""

    def __init__(
        self,
        document: Mapping[str, Any],
        extra_paths: Mapping[str, Any] | None = None,
        parameter_fixes: Mapping[tuple[Operation, str], ParameterFix] | None = None,
    ) -> None:
        self.definitions: dict[str, Schema] = dict(document.get("definitions", {}))
        paths = dict(document["paths"])
        for path_template, item in (extra_paths or {}).items():
            if path_template in paths:
                raise SpecError(f"extra path {path_template} is already in the spec")
            paths[path_template] = item
        fixes = dict(parameter_fixes or {})
        self.operations: dict[Operation, SpecOperation] = {}
        for path_template, item in paths.items():
            for method in HTTP_METHODS:
                if method in item:
                    op = _operation(method.upper(), path_template, item[method], fixes, self)
                    self.operations[op.key] = op
        if fixes:
            raise SpecError(f"parameter fixes name no parameter of the spec: {sorted(fixes)}")
        self._routes = [(op, _route(op)) for op in self.operations.values()]

    def resolve(self, schema: Schema) -> tuple[Schema, str | None]:
        """``schema`` with ``$ref`` followed and ``allOf`` merged; and the definition's name."""
        name = None
        seen = 0
        while "$ref" in schema:
            ref = schema["$ref"]
            if not ref.startswith("#/definitions/"):
                raise SpecError(f"unsupported $ref {ref}")
            name = ref.removeprefix("#/definitions/")
            if name not in self.definitions:
                raise SpecError(f"$ref to a missing definition {name}")
            schema = self.definitions[name]
            seen += 1
            if seen > 20:
                raise SpecError(f"$ref loop at {name}")
        if "allOf" in schema:
            merged: Schema = {"type": "object", "properties": {}, "required": []}
            for part in schema["allOf"]:
                resolved, _ = self.resolve(part)
                merged["properties"].update(resolved.get("properties", {}))
                merged["required"] += list(resolved.get("required", []))
            schema = merged
        return schema, name

    def match(self, method: str, url_path: str) -> tuple[SpecOperation, dict[str, str]] | None:
        """The operation a request is for, and its path parameters (still URL-encoded).

        Where several templates match, the one with the most fixed segments wins
        (``/payments/status/paid`` is not ``/payments/{imp_uid}``).
        """
        best: tuple[int, SpecOperation, dict[str, str]] | None = None
        for op, (pattern, literals) in self._routes:
            if op.method != method:
                continue
            found = pattern.fullmatch(url_path)
            if found and (best is None or literals > best[0]):
                values = {k: v for k, v in found.groupdict().items() if v is not None}
                best = (literals, op, values)
        return None if best is None else (best[1], best[2])

    def __iter__(self) -> Iterator[SpecOperation]:
        return iter(self.operations.values())

    def __len__(self) -> int:
        return len(self.operations)


def load_spec(parameter_fixes: Mapping[tuple[Operation, str], ParameterFix] | None = None) -> Spec:
    """The committed copy of the official spec plus the extra path items beside it."""
    document = json.loads(MAIN_SPEC.read_text(encoding="utf-8"))
    extra: dict[str, Any] = {}
    for extra_file in EXTRA_SPECS:
        extra.update(json.loads(extra_file.read_text(encoding="utf-8"))["paths"])
    return Spec(document, extra, parameter_fixes)


def _operation(
    method: str,
    path_template: str,
    raw: Mapping[str, Any],
    fixes: dict[tuple[Operation, str], ParameterFix],
    spec: Spec,
) -> SpecOperation:
    parameters = []
    for raw_param in raw.get("parameters", []):
        param = _parameter(raw_param)
        fix = fixes.pop(((method, path_template), param.name), None)
        if fix is not None:
            param = attrs.evolve(
                param,
                schema=fix.schema if fix.schema is not None else param.schema,
                location=fix.location or param.location,
            )
        parameters.append(param)
    successes = sorted(int(status) for status in raw["responses"] if status.startswith("2"))
    if not successes:
        raise SpecError(f"{method} {path_template} has no success response")
    schema = raw["responses"][str(successes[0])].get("schema")
    return SpecOperation(
        method=method,
        path=path_template,
        operation_id=raw.get("operationId", ""),
        parameters=tuple(parameters),
        success_status=successes[0],
        response_schema=_payload_schema(schema, spec) if schema is not None else None,
    )


def _payload_schema(envelope: Schema, spec: Spec) -> Schema | None:
    """The schema of ``response`` inside an envelope schema."""
    resolved, _ = spec.resolve(envelope)
    payload = resolved.get("properties", {}).get("response")
    return None if payload is None else dict(payload)


_LOCATIONS = {"path": "path", "query": "query", "formData": "body"}


def _parameter(raw: Mapping[str, Any]) -> Parameter:
    location = _LOCATIONS.get(raw["in"])
    if location is None:
        raise SpecError(f"parameter {raw['name']} is in {raw['in']}, which is not read")
    schema: Schema = {
        key: copy.deepcopy(raw[key])
        for key in ("type", "items", "enum", "format", "maxLength", "collectionFormat")
        if key in raw
    }
    if "schema" in raw:
        if schema.get("type") == "array" and "items" not in schema:
            schema["items"] = copy.deepcopy(raw["schema"])
        else:
            schema = copy.deepcopy(raw["schema"])
    if isinstance(schema.get("items"), str):
        schema["items"] = {"type": schema["items"]}
    return Parameter(
        name=raw["name"], location=location, required=bool(raw.get("required")), schema=schema
    )


def _route(op: SpecOperation) -> tuple[re.Pattern[str], int]:
    """A regex for the template's paths (one group per path parameter) and its fixed segments."""
    optional = {name for name, p in op.params("path").items() if not p.required}
    segments = op.path.strip("/").split("/")
    pattern = ""
    literals = 0
    for segment in segments:
        slot = re.fullmatch(r"\{([^}]+)\}", segment)
        if slot is None:
            pattern += "/" + re.escape(segment)
            literals += 1
            continue
        name = slot.group(1)
        group = f"(?P<{_group(name)}>[^/]+)"
        if name in optional and segment == segments[-1]:
            pattern += f"(?:/(?P<{_group(name)}>[^/]*))?"
        else:
            pattern += "/" + group
    return re.compile(pattern), literals


def _group(name: str) -> str:
    """Path parameter names are identifiers in this spec; a regex group name must be one."""
    if not name.isidentifier():
        raise SpecError(f"path parameter {name!r} is not an identifier")
    return name
