"""A griffe extension: the package's docstrings use a little Sphinx markup; render it for mkdocs.

The source keeps its Sphinx roles (``:class:`~iamport_async.errors.BackpressureError```) and
``::`` literal paragraphs; this extension rewrites them when the reference is built:

- a role becomes a cross-reference to the object it names, resolved in the scope of the
  docstring's object (``:meth:`get``` in ``Receipts`` links ``Receipts.get``), shown as code
  (``~`` keeps only the last name, as Sphinx does); a role naming an internal object (in a
  private module, and re-exported by no public one) stays plain code;
- a paragraph ending in ``::`` and the indented block after it become a fenced code block;
- a parameter whose default is a private sentinel (``tier=_UNSET``) shows ``...``, and an
  instance attribute set from an argument (``self.field = field``) shows no value.

Links are written as optional autorefs, and ``docs/_ext/hooks.py`` fails the (strict) build
when one of them did not resolve: every role in a rendered page must link.
"""

from __future__ import annotations

import ast
import contextlib
import re
import textwrap
from pathlib import Path
from typing import Any

import griffe

ROLE = re.compile(
    r":(?:class|meth|func|data|attr|exc|mod|obj):`(~?)([\w.]+)(?:\(\))?"
    r"(?:\s*<~?([\w.]+)>)?`"
)
"""A role: ``:meth:`~a.b.C.m``` or, with a title of its own, ``:meth:`C.m <a.b.C.m>```."""
MARK = "sphinx-role"
"""The class of every ``<code>`` written for a role, so that the hook can find them."""


def _target(obj: griffe.Object, name: str) -> str:
    """The path ``name`` designates, seen from ``obj``: absolute, or resolved in its scope."""
    first, _, rest = name.partition(".")
    path = name
    if first != obj.package.name:
        scope: griffe.Object | None = obj
        while scope is not None:
            try:
                path = scope.resolve(first) + (f".{rest}" if rest else "")
                break
            except (griffe.NameResolutionError, ValueError):
                scope = scope.parent
    try:  # an alias (a re-export, a private module's path) links to where the object lives
        found = obj.modules_collection[path]
        return str(found.final_target.path if found.is_alias else found.path)
    except (KeyError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        pass
    # A name the module does not import (``Payments.iter_many`` in a module that only talks
    # about it): the one object of the package whose path ends with it.
    ends = [known for known in _index(obj.package)[0] if known.endswith(f".{name}")]
    return ends[0] if len(ends) == 1 else path


_INDEXES: dict[str, tuple[list[str], set[str]]] = {}


def _index(pkg: griffe.Module) -> tuple[list[str], set[str]]:
    """Every object's path in ``pkg``, and the paths a reader can reach: public ones, private
    ones that a public module re-exports in its ``__all__`` (``iamport_async._engine...
    RateLimiter`` is ``iamport_async.RateLimiter``), and those a reference page renders."""
    if pkg.path in _INDEXES:
        return _INDEXES[pkg.path]
    paths: list[str] = []
    reachable: set[str] = set()
    stack: list[griffe.Object | griffe.Alias] = [pkg]
    while stack:
        obj = stack.pop()
        public = not any(part.startswith("_") for part in obj.path.split("."))
        if obj.is_alias:
            if public and obj.parent is not None and obj.name in (obj.parent.exports or ()):
                with contextlib.suppress(griffe.AliasResolutionError, griffe.CyclicAliasError):
                    reachable.add(str(obj.final_target.path))
            continue
        paths.append(obj.path)
        if public:
            reachable.add(obj.path)
        stack += list(obj.members.values())
    reachable |= _rendered()
    _INDEXES[pkg.path] = (paths, reachable)
    return paths, reachable


def _rendered() -> set[str]:
    """The objects the reference pages render by their own path (``::: a._b.C``)."""
    pages = Path(__file__).resolve().parents[1] / "api"
    return {
        match
        for page in pages.glob("*.md")
        for match in re.findall(r"^::: ([\w.]+)$", page.read_text("utf-8"), re.MULTILINE)
    }


def _roles(obj: griffe.Object, text: str) -> str:
    def link(match: re.Match[str]) -> str:
        short, name, explicit = match.groups()
        shown = name.rsplit(".", 1)[-1] if short else name
        if match.group(0).startswith((":meth:", ":func:")):
            shown += "()"
        target = _target(obj, explicit or name)
        reachable = _index(obj.package)[1]
        owner = target.rsplit(".", 1)[0]  # a method of a re-exported class
        if target not in reachable and owner not in reachable:
            return f"<code>{shown}</code>"  # internal: nothing in the reference to link to
        return (
            f'<autoref identifier="{target}" optional><code class="{MARK}">{shown}</code></autoref>'
        )

    return ROLE.sub(link, text)


def _literals(text: str) -> str:
    """reST literal blocks (``para::`` + indented block) as fenced code."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.rstrip().endswith("::") and not line.strip().startswith((">>>", "#")):
            base = len(line) - len(line.lstrip())
            j = i + 1
            while j < len(lines) and not lines[j].strip():
                j += 1
            block: list[str] = []
            while j < len(lines) and (
                not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > base
            ):
                block.append(lines[j])
                j += 1
            while block and not block[-1].strip():
                block.pop()
            if block:
                head = line.rstrip()[:-2].rstrip()
                if head.strip():
                    out.append(head + ":")
                    out.append("")
                code = textwrap.dedent("\n".join(block))
                try:
                    ast.parse(code)
                    lang = "python"
                except SyntaxError:
                    lang = "text"
                if lang == "text":  # a drawing: reST's inline literals are noise in it
                    code = re.sub(r"``([^`]+)``", r"\1", code)
                pad = " " * base
                out += [pad + "```" + lang, *(pad + c for c in code.split("\n")), pad + "```", ""]
                i = j
                continue
        out.append(line)
        i += 1
    return "\n".join(out)


def rewrite(obj: griffe.Object, text: str) -> str:
    """``text`` (a docstring of ``obj``) with its Sphinx markup in mkdocs form."""
    return _roles(obj, _literals(text))


class SphinxMarkup(griffe.Extension):
    """Rewrites every docstring of the package once it is loaded (see the module docstring)."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        self._walk(pkg, set())

    def _walk(self, obj: griffe.Object, seen: set[str]) -> None:
        if obj.path in seen:
            return
        seen.add(obj.path)
        if obj.docstring is not None:
            obj.docstring.value = rewrite(obj, obj.docstring.value)
        if (
            isinstance(obj, griffe.Attribute)
            and "instance-attribute" in obj.labels
            and str(obj.value).isidentifier()
            and obj.value is not None
        ):
            obj.value = None  # ``self.field = field``: the value is whatever was passed
        if isinstance(obj, griffe.Function):
            for parameter in obj.parameters:
                default = str(parameter.default) if parameter.default is not None else ""
                if default.startswith("_") and default.isidentifier():
                    parameter.default = "..."
        for member in obj.members.values():
            if not member.is_alias:
                self._walk(member, seen)  # type: ignore[arg-type]
