"""Every public name the API reference shows has a docstring.

The reference (``docs/api/*.md``) is generated from docstrings, and a name without one is
either left out or shown bare. This test walks what the pages render (the ``:::`` objects
and, as mkdocstrings does, their public members) with griffe, the library mkdocstrings
reads the package with, and fails on a name that has no docstring.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import griffe

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "docs" / "api"
DIRECTIVE = re.compile(r"^::: ([\w.]+)\n((?:    .*\n)*)", re.MULTILINE)


def _rendered() -> Iterator[tuple[str, list[str]]]:
    """Each ``::: path`` of the reference pages, with its ``members:`` list if it has one."""
    for page in sorted(PAGES.glob("*.md")):
        for match in DIRECTIVE.finditer(page.read_text(encoding="utf-8")):
            yield match.group(1), re.findall(r"^        - (\w+)$", match.group(2), re.MULTILINE)


def _shown(obj: griffe.Object | griffe.Alias, path: str, members: list[str]) -> Iterator[str]:
    """``path`` and the public names under it that mkdocstrings shows, each as the reference
    names it, followed by ``!`` when it has no docstring."""
    target = obj.final_target if isinstance(obj, griffe.Alias) else obj
    yield path if target.docstring else f"{path}!"
    if target.is_module:
        exports = set(target.exports or ())
        names = members or [
            name
            for name, member in target.members.items()
            if not name.startswith("_") and (not member.is_alias or name in exports)
        ]
    elif target.is_class:
        names = [
            name
            for name, member in target.members.items()
            if not name.startswith("_") and not member.is_alias
        ]
    else:
        return
    for name in names:
        yield from _shown(target.members[name], f"{path}.{name}", [])


def undocumented() -> set[str]:
    package = griffe.load("iamport_async", search_paths=[str(ROOT)], resolve_aliases=True)
    names: set[str] = set()
    for path, members in _rendered():
        obj = package if path == "iamport_async" else package[path.removeprefix("iamport_async.")]
        names |= {name[:-1] for name in _shown(obj, path, members) if name.endswith("!")}
    return names


def test_every_public_name_in_the_reference_has_a_docstring() -> None:
    missing = "\n".join(sorted(undocumented()))
    assert not missing, f"public names without a docstring (say what each is for):\n{missing}"


def test_the_pages_render_something() -> None:
    """A guard on the test itself: a page pattern that matched nothing would pass vacuously."""
    rendered = dict(_rendered())
    assert "iamport_async.Iamport" in rendered
    assert "iamport_async.models" in rendered
    assert len(rendered) > 30
