"""The layer rules of ``docs/architecture.md``, checked on the source (AST; no dependency).

Layers, from the bottom (a module may import its own layer and those below it, never one
above):

- base: ``errors``, ``_redact``, ``_version``, ``_environment``, ``_eventloop``, ``_tasks``,
  ``instrumentation``, ``clock``: no I/O policy, imported by everyone;
- engine: ``_engine/`` sends one request (token, retries, rate control, envelope); the
  public policies it is handed sit in its layer: ``ratelimit``, ``retry`` and ``raw``;
- values and models: ``_values`` (id and amount rules), ``models/``; and the fleet backend
  (``shared/``, a rate limiter and token store for the engine);
- batching: ``_batching/`` (chunks, concurrency, matching by id) and its public face
  ``results`` (``Paged``, ``IdResults``, ``Lookup``, ``BatchStream`` ...);
- endpoints: ``endpoints/`` and the tables read from their marks (``_operations``,
  ``_routes``, ``_mutations``);
- client: ``client``, ``_options`` and the package's ``__init__``;
- around the core: ``reconcile``, ``webhooks/``, ``testing/``, ``cli/``, ``otel``, and the
  blocking client ``sync/`` (the same engine on a loop thread).

Besides: no import circle; no endpoint module touches the engine's private attributes;
``reconcile`` and ``webhooks/`` use the public surface (and the neutral ``_values``,
``_tasks`` and ``_batching``), never another object's private attribute; a type a public
module exports is defined in a public module (or in a private module of that same package,
as ``testing/_fake.py`` for ``iamport_async.testing``); httpx is imported by the engine and
where the public surface takes or gives httpx objects (``client``, ``_options``, ``raw``,
``cli/``, ``testing/``, ``sync/``) only.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "iamport_async"

LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "base",
        (
            "errors",
            "_defaults",
            "_redact",
            "_version",
            "_environment",
            "_eventloop",
            "_tasks",
            "instrumentation",
            "clock",
            "_json",
        ),
    ),
    ("engine", ("_engine", "ratelimit", "retry", "raw")),
    ("values and models", ("_values", "models", "shared", "fleet")),
    ("batching", ("_batching", "results")),
    ("endpoints", ("endpoints", "_operations", "_routes", "_mutations")),
    ("client", ("client", "_options", "")),
    ("around the core", ("reconcile", "webhooks", "testing", "cli", "otel", "sync")),
]

AROUND = ("reconcile", "webhooks")
NEUTRAL = ("_values", "_tasks", "_batching")
HTTPX_ALLOWED = ("_engine", "client", "_options", "raw", "cli", "testing", "sync")


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _area(module: str) -> str:
    """The first name under the package (``endpoints``, ``_engine``, ...); ``""`` for it."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _layer(module: str) -> int:
    area = _area(module)
    for rank, (_, areas) in enumerate(LAYERS):
        if area in areas:
            return rank
    raise AssertionError(f"{module}: not in any layer of tests/test_layers.py; add it")


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str, *, runtime_only: bool) -> Iterator[tuple[str, int]]:
    """``(imported module, line)`` of each import of a package module; ``runtime_only``:
    those run when ``module`` is imported (not in functions, not under TYPE_CHECKING)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def walk(nodes: list[ast.stmt]) -> Iterator[ast.stmt]:
        for node in nodes:
            yield node
            if runtime_only and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if runtime_only and isinstance(node, ast.If) and _is_type_checking(node):
                yield from walk(node.orelse)
                continue
            for field in ("body", "orelse", "finalbody", "handlers"):
                yield from walk([n for n in getattr(node, field, []) if isinstance(n, ast.stmt)])

    for node in walk(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES:
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if not source.startswith("iamport_async"):
                continue
            for alias in node.names:
                target = f"{source}.{alias.name}"
                yield (target if target in MODULES else source), node.lineno


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        _layer(module)


def _circles() -> list[frozenset[str]]:
    """The groups of modules that import one another in a circle (Tarjan's strongly
    connected components), counting every import: one made in a function or under
    TYPE_CHECKING is still a dependency a reader has to follow."""
    graph = {m: {t for t, _ in _imports(m, runtime_only=False) if t != m} for m in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            members = set()
            while True:
                member = stack.pop()
                members.add(member)
                if member == node:
                    break
            if len(members) > 1:
                circles.append(frozenset(members))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return circles


def test_no_import_circle() -> None:
    circles = [sorted(circle) for circle in _circles()]
    assert not circles, f"modules that import each other in a circle: {circles}"


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    wrong = [
        f"{module}:{line} imports {target} ({LAYERS[_layer(target)][0]} is above "
        f"{LAYERS[_layer(module)][0]})"
        for module in MODULES
        for target, line in _imports(module, runtime_only=False)
        if _layer(target) > _layer(module)
    ]
    assert not wrong, "\n".join(wrong)


def _private(module: str) -> bool:
    return any(part.startswith("_") for part in module.split("."))


def test_reconcile_and_webhooks_use_only_the_public_surface() -> None:
    wrong = []
    for module, path in MODULES.items():
        if _area(module) not in AROUND:
            continue
        for target, line in _imports(module, runtime_only=False):
            own = _area(target) == _area(module)
            if _private(target) and not own and _area(target) not in NEUTRAL:
                wrong.append(f"{module}:{line} imports {target}")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
                and not (isinstance(node.value, ast.Call) and ast.unparse(node.value) == "super()")
            ):
                wrong.append(f"{module}:{node.lineno} reads {node.attr} of another object")
    assert not wrong, "\n".join(wrong)


def test_no_endpoint_module_touches_the_engines_private_attributes() -> None:
    wrong = []
    for module, path in MODULES.items():
        if _area(module) != "endpoints":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "_engine"
            ):
                wrong.append(f"{module}:{node.lineno} reads the engine's {node.attr}")
    assert not wrong, "\n".join(wrong)


def _public_modules() -> Iterator[str]:
    return (module for module in MODULES if not _private(module))


@pytest.mark.parametrize("module", sorted(_public_modules()))
def test_what_a_public_module_exports_is_defined_in_a_public_module(module: str) -> None:
    loaded = importlib.import_module(module)
    wrong = []
    for name in getattr(loaded, "__all__", ()):
        value = getattr(loaded, name)
        home = getattr(value, "__module__", None)
        if not isinstance(value, type) or home is None or not _private(home):
            continue
        package, _, last = home.rpartition(".")
        if not _private(package) and last.startswith("_") and module.startswith(package):
            continue  # a private module of the exporting package (testing/_fake.py)
        wrong.append(f"{module}.{name} is defined in {home}")
    assert not wrong, "\n".join(wrong)


def test_httpx_is_imported_only_where_the_rule_says() -> None:
    wrong = []
    for module, path in MODULES.items():
        if _area(module) in HTTPX_ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            if any(name == "httpx" or name.startswith("httpx.") for name in names):
                wrong.append(f"{module}:{node.lineno} imports httpx")
    assert not wrong, "\n".join(wrong)
