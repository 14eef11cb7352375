"""Write iamport_async/sync/_twins.py: the blocking twin of every public async method.

Run from the repository root after changing any endpoint method, the client's constructor or
``Reconciliation``'s (signature or docstring)::

    python scripts/gen_sync.py

``tests/sync/test_generated.py`` fails while the committed file is out of date.

What is generated, read from the source (AST) of the async classes, so every annotation and
default is the one written there:

- one class per endpoint group (``client.payments`` ...): each ``async def`` becomes a
  ``def`` with the same parameters, defaults, overloads, return type and docstring, which
  hands the async method's coroutine to the client's loop thread and blocks on it; a method
  returning a listing (``Paged``), a stream (``BatchStream``) or the coalescing view returns
  its sync form (``iamport_async.sync``'s class of the same name);
- ``Iamport``: the async client's constructor (same options) and its ``async`` methods;
- ``Reconciliation``: the async one's constructor, taking the sync client.

Docstrings are the async ones with their ``await`` / ``async for`` / ``async with`` made
blocking. Then ``ruff check --fix`` and ``ruff format`` tidy the file.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import subprocess
import sys
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "iamport_async" / "sync" / "_twins.py"
COMMAND = "python scripts/gen_sync.py"

# The sync forms of what a plain ``def`` endpoint method returns: (module, name) of the async
# type -> the name of its sync form, and how the generated body builds it.
WRAPPED = {
    ("iamport_async.results", "Paged"): "Paged",
    ("iamport_async.results", "BatchStream"): "BatchStream",
    ("iamport_async.endpoints.payments", "CoalescingPayments"): "CoalescingPayments",
}
RENAMED = {
    **WRAPPED,
    ("iamport_async.client", "Iamport"): "Iamport",
    ("iamport_async.reconcile", "Reconciliation"): "Reconciliation",
    ("typing", "Any"): "Any",
}
"""Async types whose sync form the generated code names instead (in any annotation)."""
SYNC_MODULE = "iamport_async.sync._blocks"
"""Where the sync forms (and the helpers the generated code calls) live."""
HELPERS = ("Feed", "Group", "materialized")
CLIENT_BASE = ("iamport_async.sync._client", ("Client", "Link", "Root"))
RECONCILE_BASE = ("iamport_async.sync._reconcile", ("ReconciliationBase",))
CLIENT_SKIPPED = {"aclose", "raw_response", "with_options"}
"""The async client's methods the hand-written base gives a sync form of its own
(``close``, ``raw_response(method, *args)``, ``with_options`` returning a sync client)."""

DOC_REWRITES = (
    ("``async for``", "``for``"),
    ("``async with``", "``with``"),
    ("``await``", "``.page()``"),
    ("async with ", "with "),
    ("async for ", "for "),
    ("await ", ""),
    ("Async client", "Blocking client"),
)


def _doc(text: str | None) -> str | None:
    if text is None:
        return None
    for old, new in DOC_REWRITES:
        text = text.replace(old, new)
    return text


class Names:
    """The names the generated code refers to, each imported once under a local alias."""

    def __init__(self) -> None:
        self.imports: dict[tuple[str, str], str] = {}
        self.module_imports: dict[str, str] = {}
        self.taken = {
            "Any",
            "overload",
            "Iamport",
            "Reconciliation",
            *WRAPPED.values(),
            *HELPERS,
            *CLIENT_BASE[1],
            *RECONCILE_BASE[1],
        }

    def name(self, module: str, name: str) -> str:
        key = (module, name)
        if key in self.imports:
            return self.imports[key]
        alias = name
        if alias in self.taken:
            alias = f"_{module.rsplit('.', 1)[-1].lstrip('_')}_{name}"
        self.taken.add(alias)
        self.imports[key] = alias
        return alias

    def module(self, module: str) -> str:
        if module not in self.module_imports:
            alias = "_" + module.replace("iamport_async.", "").replace(".", "_").lstrip("_")
            self.module_imports[module] = alias
            self.taken.add(alias)
        return self.module_imports[module]


class Scope:
    """What the names in one source module's annotations and defaults refer to."""

    def __init__(self, module: str) -> None:
        self.module = module
        source = inspect.getsource(importlib.import_module(module))
        self.tree = ast.parse(source)
        self.origins: dict[str, tuple[str, str | None]] = {}
        """A name -> (module, attribute), or (module, None) for a module."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    self.origins[alias.asname or alias.name] = (node.module, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.origins[alias.asname] = (alias.name, None)
                    else:
                        top = alias.name.split(".")[0]
                        self.origins[top] = (top, None)
        for node in self.tree.body:
            targets: list[str] = []
            if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                targets = [node.name]
            elif isinstance(node, ast.Assign):
                targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                targets = [node.target.id]
            for target in targets:
                self.origins[target] = (module, target)

    def klass(self, name: str) -> ast.ClassDef:
        for node in self.tree.body:
            if isinstance(node, ast.ClassDef) and node.name == name:
                return node
        raise LookupError(f"{self.module}: no class {name}")

    def origin(self, name: str) -> tuple[str, str | None]:
        if name in self.origins:
            module, attribute = self.origins[name]
            if attribute is not None and isinstance(
                getattr(importlib.import_module(module), attribute, None), types.ModuleType
            ):
                return f"{module}.{attribute}", None  # ``from package import module``
            return module, attribute
        if name in dir(__builtins__) or hasattr(__import__("builtins"), name):
            return ("builtins", name)
        raise LookupError(f"{self.module}: cannot tell where {name!r} comes from")


class Localize(ast.NodeTransformer):
    """Rename the names of a copied annotation or default to the generated file's aliases."""

    def __init__(self, scope: Scope, names: Names) -> None:
        self.scope = scope
        self.names = names

    def visit_Name(self, node: ast.Name) -> ast.AST:
        module, attribute = self.scope.origin(node.id)
        if module == "builtins":
            return node
        if attribute is None:
            return ast.copy_location(ast.Name(self.names.module(module), node.ctx), node)
        wrapped = RENAMED.get((module, attribute))
        if wrapped is not None:
            return ast.copy_location(ast.Name(wrapped, node.ctx), node)
        return ast.copy_location(ast.Name(self.names.name(module, attribute), node.ctx), node)


def _localized(node: ast.expr | None, scope: Scope, names: Names) -> ast.expr | None:
    if node is None:
        return None
    copied = ast.parse(ast.unparse(node), mode="eval").body
    result = Localize(scope, names).visit(copied)
    assert isinstance(result, ast.expr)
    return result


def _is_overload(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        (isinstance(d, ast.Name) and d.id == "overload")
        or (isinstance(d, ast.Attribute) and d.attr == "overload")
        for d in node.decorator_list
    )


def _names_in(node: ast.expr | None) -> set[str]:
    if node is None:
        return set()
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _forwarding(args: ast.arguments, scope: Scope, feed: bool) -> str:
    """The call's arguments passing each parameter on as it came (an iterable of ids made a
    list here, in the caller's thread, or for a stream fed from it)."""

    def passed(arg: ast.arg) -> str:
        names = _names_in(arg.annotation)
        if "AsyncIterable" in names and feed:
            return f"feed.of({arg.arg})"
        if "Iterable" in names and "AsyncIterable" not in names:
            return f"materialized({arg.arg})"
        return arg.arg

    parts = [passed(a) for a in args.posonlyargs]
    parts += [f"{a.arg}={passed(a)}" for a in args.args[1:] if a.arg != "self"]
    if args.vararg is not None:
        parts.append(f"*{args.vararg.arg}")
    parts += [f"{a.arg}={passed(a)}" for a in args.kwonlyargs]
    if args.kwarg is not None:
        parts.append(f"**{args.kwarg.arg}")
    return ", ".join(parts)


def _signature(
    node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope, names: Names
) -> tuple[str, str]:
    """``(parameters, return annotation)`` of the twin, as source text."""
    args = node.args
    copied = ast.arguments(
        posonlyargs=[_arg(a, scope, names) for a in args.posonlyargs],
        args=[_arg(a, scope, names) for a in args.args],
        vararg=_arg(args.vararg, scope, names) if args.vararg else None,
        kwonlyargs=[_arg(a, scope, names) for a in args.kwonlyargs],
        kw_defaults=[_localized(d, scope, names) for d in args.kw_defaults],
        kwarg=_arg(args.kwarg, scope, names) if args.kwarg else None,
        defaults=[_localized(d, scope, names) for d in args.defaults],  # type: ignore[misc]
    )
    returns = _localized(node.returns, scope, names)
    return ast.unparse(copied), ast.unparse(returns) if returns is not None else "None"


def _arg(arg: ast.arg, scope: Scope, names: Names) -> ast.arg:
    return ast.arg(arg.arg, _localized(arg.annotation, scope, names))


def _wrapper(node: ast.FunctionDef, scope: Scope) -> str:
    """The sync form a plain ``def`` method's result is wrapped in."""
    returns = node.returns
    head = returns.value if isinstance(returns, ast.Subscript) else returns
    if isinstance(head, ast.Name):
        module, attribute = scope.origin(head.id)
        if attribute is not None and (module, attribute) in WRAPPED:
            return WRAPPED[(module, attribute)]
    raise LookupError(
        f"{scope.module}.{node.name} returns {ast.unparse(returns) if returns else None}, "
        "which has no sync form: add one to scripts/gen_sync.py's WRAPPED"
    )


def _methods(cls: type) -> Iterator[tuple[Scope, list[ast.FunctionDef | ast.AsyncFunctionDef]]]:
    """Each public method of ``cls`` (its overloads, then its implementation), from the class
    and its bases up to the first that is not the package's (``Endpoints`` gives none)."""
    seen: set[str] = set()
    for klass in cls.__mro__:
        if not klass.__module__.startswith("iamport_async") or klass.__name__ == "Endpoints":
            continue
        scope = Scope(klass.__module__)
        body = scope.klass(klass.__name__).body
        grouped: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if node.name.startswith("_") or node.name in seen:
                    continue
                if any(
                    isinstance(d, ast.Name) and d.id in ("property", "staticmethod")
                    for d in node.decorator_list
                ):
                    continue
                grouped.setdefault(node.name, []).append(node)
        for name, nodes in grouped.items():
            seen.add(name)
            yield scope, nodes


def _twin(
    scope: Scope,
    nodes: list[ast.FunctionDef | ast.AsyncFunctionDef],
    names: Names,
    skipped: set[str] = frozenset(),  # type: ignore[assignment]
) -> list[str]:
    lines: list[str] = []
    name = nodes[-1].name
    if name in skipped:
        return lines
    for node in nodes:
        params, returns = _signature(node, scope, names)
        if _is_overload(node):
            lines += ["    @overload", f"    def {name}({params}) -> {returns}: ...", ""]
            continue
        lines.append(f"    def {name}({params}) -> {returns}:")
        doc = _doc(ast.get_docstring(node, clean=True))
        if doc is not None:
            lines.append(textwrap.indent(_quoted(doc), "        "))
        if isinstance(node, ast.AsyncFunctionDef):
            forward = _forwarding(node.args, scope, feed=False)
            lines.append(f"        return self._link.run(self._async.{name}({forward}))")
        else:
            wrapper = _wrapper(node, scope)
            if wrapper == "BatchStream":
                forward = _forwarding(node.args, scope, feed=True)
                lines.append("        feed = Feed()")
                lines.append(
                    f"        return BatchStream(self._link, self._async.{name}({forward}), feed)"
                )
            else:
                forward = _forwarding(node.args, scope, feed=False)
                lines.append(f"        return {wrapper}(self._link, self._async.{name}({forward}))")
        lines.append("")
    return lines


def _quoted(doc: str) -> str:
    body = doc.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return f'"""{body}"""'


def groups() -> list[tuple[str, type]]:
    """``(attribute, class)`` of every endpoint group of the async client, in its order."""
    from iamport_async.client import Iamport

    client = Iamport(imp_key="generator", imp_secret="generator")  # noqa: S106
    return [
        (attribute, type(value))
        for attribute, value in vars(client).items()
        if not attribute.startswith("_")
    ]


def _group_class(attribute: str, cls: type, names: Names) -> list[str]:
    async_module = names.module(cls.__module__)
    doc = _doc(cls.__doc__)
    lines = [f"class {cls.__name__}(Group):"]
    if doc:
        lines.append(textwrap.indent(_quoted(inspect.cleandoc(doc)), "    "))
    lines += [
        "",
        "    @property",
        f"    def _async(self) -> {async_module}.{cls.__name__}:",
        f"        return self._link.client().{attribute}",
        "",
    ]
    for scope, nodes in _methods(cls):
        lines += _twin(scope, nodes, names)
    return lines


def _client_class(found: list[tuple[str, type]], names: Names) -> list[str]:
    from iamport_async.client import Iamport

    scope = Scope("iamport_async.client")
    init = next(
        n
        for n in scope.klass("Iamport").body
        if isinstance(n, ast.FunctionDef) and n.name == "__init__"
    )
    params, _ = _signature(init, scope, names)
    options = [a.arg for a in init.args.kwonlyargs]
    client_module = names.module("iamport_async.client")
    lines = ["class Iamport(Client):"]
    doc = _doc(inspect.cleandoc(Iamport.__doc__ or "")) or ""
    lines.append(textwrap.indent(_quoted(doc), "    "))
    lines.append("")
    for attribute, cls in found:
        lines.append(f"    {attribute}: {cls.__name__}")
    lines += ["", f"    def __init__({params}) -> None:"]
    pairs = ", ".join(f'"{o}": {o}' for o in options)
    lines += [f"        super().__init__(Root({{{pairs}}}))", ""]
    lines += ["    def _bind(self, link: Link) -> None:", "        self._link = link"]
    for attribute, cls in found:
        lines.append(f"        self.{attribute} = {cls.__name__}(link)")
    lines += [
        "",
        "    @property",
        f"    def _async(self) -> {client_module}.Iamport:",
        "        return self._link.client()",
        "",
    ]
    for scope_, nodes in _methods(Iamport):
        if isinstance(nodes[-1], ast.AsyncFunctionDef):
            lines += _twin(scope_, nodes, names, CLIENT_SKIPPED)
    return lines


def _reconciliation_class(names: Names) -> list[str]:
    scope = Scope("iamport_async.reconcile")
    klass = scope.klass("Reconciliation")
    init = next(n for n in klass.body if isinstance(n, ast.FunctionDef) and n.name == "__init__")
    params, _ = _signature(init, scope, names)
    first = init.args.args[1].arg  # the client (annotated Iamport: the sync one here)
    rest = [a.arg for a in init.args.args[2:]] + [a.arg for a in init.args.kwonlyargs]
    doc = _doc(ast.get_docstring(klass, clean=True)) or ""
    pairs = ", ".join(f'"{o}": {o}' for o in rest)
    return [
        "class Reconciliation(ReconciliationBase):",
        textwrap.indent(_quoted(doc), "    "),
        "",
        f"    def __init__({params}) -> None:",
        f"        super().__init__({first}, {{{pairs}}})",
        "",
    ]


def render() -> str:
    """The generated module's source (before ruff tidies it)."""
    names = Names()
    found = groups()
    body: list[str] = []
    for attribute, cls in found:
        body += _group_class(attribute, cls, names)
        body.append("")
    body += _client_class(found, names)
    body.append("")
    body += _reconciliation_class(names)
    text = "\n".join(body)
    head = [
        f'"""Generated by ``{COMMAND}`` from the async classes: do not edit.',
        "",
        "Each method hands its async twin's coroutine to the client's loop thread and blocks",
        'on it (see ``iamport_async.sync``)."""',
        "",
        "from __future__ import annotations",
        "",
    ]
    typing_names = [n for n in ("Any", "overload") if re.search(rf"\b{n}\b", text)]
    if typing_names:
        head += [f"from typing import {', '.join(typing_names)}", ""]
    for module, alias in sorted(names.module_imports.items()):
        last = module.rsplit(".", 1)
        if len(last) == 2:
            head.append(f"from {last[0]} import {last[1]} as {alias}")
        else:
            head.append(f"import {module} as {alias}")
    for (module, name), alias in sorted(names.imports.items()):
        if module == "builtins":
            continue
        head.append(f"from {module} import {name}" + (f" as {alias}" if alias != name else ""))
    used = sorted(n for n in {*WRAPPED.values(), *HELPERS} if re.search(rf"\b{n}\b", text))
    head.append(f"from {SYNC_MODULE} import {', '.join(used)}")
    head.append(f"from {CLIENT_BASE[0]} import {', '.join(CLIENT_BASE[1])}")
    head.append(f"from {RECONCILE_BASE[0]} import {', '.join(RECONCILE_BASE[1])}")
    head += ["", ""]
    return "\n".join(head + body).rstrip() + "\n"


def _tidy(path: Path) -> None:
    for command in (["format"], ["check", "--fix", "--exit-zero"], ["format"]):
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "ruff", *command, "--quiet", str(path)],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )


def normalized(source: str) -> str:
    """The module as the test compares it: its AST, docstrings cleaned (the formatter may
    re-indent them), so formatting never makes it "out of date"."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = inspect.cleandoc(node.value)
    imported: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            imported += [f"import {a.name} as {a.asname}" for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            imported += [f"from {node.module} import {a.name} as {a.asname}" for a in node.names]
    imported.sort()
    rest = [node for node in tree.body if not isinstance(node, ast.Import | ast.ImportFrom)]
    return "\n".join([*imported, *(ast.dump(node) for node in rest)])


def main(argv: list[str] | None = None) -> int:
    del argv
    OUTPUT.write_text(render(), encoding="utf-8")
    _tidy(OUTPUT)
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
