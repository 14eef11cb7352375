"""Finding the code samples of the docs and running one the way a reader would.

A sample is every fenced ``python`` block of a page under ``docs/`` (indented ones too, after
``pymdownx.snippets`` includes are expanded, so an included example file is a sample). The
blocks of a page run in order in one namespace, as a reader reads them: an import in the first
block serves the later ones. A block may use ``await``, ``async with``/``for`` and even
``return`` at its top level, because it is run as the body of an async function whose names
are declared global (so what it binds is seen by the next block).

A block that defines ``test_*`` functions is a test module, not a fragment: it is run by pytest.
"""

from __future__ import annotations
import __future__

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)(?P<rest>.*)$")
_SNIPPET = re.compile(r"^\s*-{1,}8<-{1,}\s+\"(?P<path>[^\"]+)\"\s*$")
_SAMPLE_NAME = "__docs_sample__"


@dataclass(frozen=True)
class Sample:
    page: str
    line: int
    """1-based line of the opening fence in the page."""
    source: str

    @property
    def where(self) -> str:
        return f"docs/{self.page}:{self.line}"

    @property
    def is_test_module(self) -> bool:
        tree = ast.parse(self.source)
        return any(
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("test_")
            for node in tree.body
        )


def pages() -> list[str]:
    """Every page, relative to ``docs/``."""
    return sorted(str(path.relative_to(DOCS)) for path in DOCS.rglob("*.md"))


def samples(page: str) -> list[Sample]:
    """The ``python`` blocks of ``page``, in order, dedented, snippet includes expanded."""
    lines = (DOCS / page).read_text(encoding="utf-8").splitlines()
    found: list[Sample] = []
    index = 0
    while index < len(lines):
        opening = _OPEN.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, fence, lang = opening["indent"], opening["fence"], opening["lang"]
        closing = re.compile(rf"^{re.escape(indent)}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        body: list[str] = []
        end = index + 1
        while end < len(lines) and not closing.match(lines[end]):
            body.append(lines[end][len(indent) :] if lines[end].startswith(indent) else lines[end])
            end += 1
        if lang in ("python", "py"):
            found.append(Sample(page, index + 1, "\n".join(_expand(body)) + "\n"))
        index = end + 1
    return found


def _expand(body: list[str]) -> Iterator[str]:
    for line in body:
        include = _SNIPPET.match(line)
        if include is None:
            yield line
        else:
            yield from (ROOT / include["path"]).read_text(encoding="utf-8").splitlines()


async def run(sample: Sample, namespace: dict[str, Any]) -> Any:
    """Run ``sample`` in ``namespace``; what it binds stays there. Returns what it returned."""
    tree = ast.parse(sample.source, filename=sample.where)
    body = [_unannotated(node) for node in tree.body if not _is_future_import(node)]
    if not body:
        return None
    names = sorted(_bound_names(body))
    header: list[ast.stmt] = [ast.Global(names=names)] if names else []
    function = ast.parse(f"async def {_SAMPLE_NAME}():\n    pass").body[0]
    assert isinstance(function, ast.AsyncFunctionDef)  # built by parsing: fits any Python
    function.body = header + body
    module = ast.Module(body=[function], type_ignores=[])
    ast.fix_missing_locations(module)
    ast.increment_lineno(module, sample.line)  # tracebacks point at the page's own lines
    flags = __future__.annotations.compiler_flag if _has_future_annotations(tree) else 0
    code = compile(module, f"docs/{sample.page}", "exec", flags=flags, dont_inherit=True)
    exec(code, namespace)  # noqa: S102 (the docs' own samples, in the test suite)
    try:
        return await namespace[_SAMPLE_NAME]()
    finally:
        del namespace[_SAMPLE_NAME]


def _unannotated(node: ast.stmt) -> ast.stmt:
    """``x: T = v`` as ``x = v``: a global cannot be annotated inside the function body."""
    return _DropAnnotations().visit(node)  # type: ignore[no-any-return]


class _DropAnnotations(ast.NodeTransformer):
    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.stmt:
        if not isinstance(node.target, ast.Name):
            return node
        if node.value is None:
            return ast.copy_location(ast.Pass(), node)
        return ast.copy_location(ast.Assign(targets=[node.target], value=node.value), node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        return node  # its own scope: annotations stay

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AsyncFunctionDef:
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.ClassDef:
        return node


def _is_future_import(node: ast.stmt) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


def _has_future_annotations(tree: ast.Module) -> bool:
    return any(
        _is_future_import(node) and any(alias.name == "annotations" for alias in node.names)  # type: ignore[attr-defined]
        for node in tree.body
    )


def _bound_names(body: list[ast.stmt]) -> set[str]:
    """Names the block binds in its own scope (not inside functions, classes, lambdas)."""
    names: set[str] = set()
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
            stack.extend(node.decorator_list)
            continue
        if isinstance(node, ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp):
            continue
        if isinstance(node, ast.GeneratorExp):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        stack.extend(ast.iter_child_nodes(node))
    return names
