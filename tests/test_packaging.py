"""Every import the package makes is declared by the extra its module belongs to.

Development installs every extra and the test tools at once, which hides an undeclared
dependency (``sniffio`` was one: ``fake.serve()`` failed in a clean ``[fake]`` install).
This reads the imports statically; ``nox -s extras`` installs each extra alone and runs it.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "iamport_async"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

CORE = ""
# Which extra a module needs, by path prefix (the longest match wins); others are core.
EXTRA_OF = {
    "iamport_async/fleet/": "redis",
    "iamport_async/fleet/__init__.py": CORE,  # imports redis only when asked for RedisShared
    "iamport_async/fleet/_protocol.py": CORE,  # the interface the client refers to
    "iamport_async/testing/_server.py": "fake",
    "iamport_async/cli/": "cli",
    "iamport_async/otel.py": "otel",
}
# Imports that the program loading the module provides: pytest loads its own plugin.
PROVIDED_BY_HOST = {"iamport_async/testing/pytest_plugin.py": {"pytest"}}


def extra_of(path: str) -> str:
    matches = [prefix for prefix in EXTRA_OF if path.startswith(prefix)]
    return EXTRA_OF[max(matches, key=len)] if matches else CORE


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(extra: str) -> set[str]:
    """Distributions the core plus ``extra`` installs (directly)."""
    project = PYPROJECT["project"]
    requirements = list(project["dependencies"])
    if extra:
        requirements += project["optional-dependencies"][extra]
    return {normalized(re.split(r"[\s\[<>=!~;@]", req, maxsplit=1)[0]) for req in requirements}


@functools.cache
def providers() -> Mapping[str, list[str]]:
    return importlib.metadata.packages_distributions()  # slow: it reads every installed dist


def distribution(module: str, declared: set[str] | None = None) -> str:
    """The distribution that provides a top-level module (``attr`` -> ``attrs``). A namespace
    package (``opentelemetry``) is provided by several: the declared one among them, if any."""
    found = [normalized(name) for name in providers().get(module, ())]
    assert found, f"{module} is not installed in the test environment"
    return next((name for name in found if declared and name in declared), found[0])


def is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def guards_import_error(node: ast.Try) -> bool:
    names = {
        name.id
        for handler in node.handlers
        for name in ast.walk(handler.type or ast.Name("BaseException"))
        if isinstance(name, ast.Name)
    }
    return bool(names & {"ImportError", "ModuleNotFoundError"})


def imports(
    tree: ast.AST, *, optional: bool = False, top: bool = True
) -> Iterator[tuple[str, bool, bool]]:
    """``(module, optional, top_level)`` for each absolute import run at some point.

    ``optional``: inside ``try/except ImportError``. ``top_level``: run on import of the
    module (not inside a function). ``if TYPE_CHECKING:`` blocks never run.
    """
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and is_type_checking(node):
            yield from imports(ast.Module(node.orelse, []), optional=optional, top=top)
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, optional, top
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, optional, top
            for alias in node.names:  # ``from package import submodule``
                yield f"{node.module}.{alias.name}", optional, top
        inner_optional = optional or (isinstance(node, ast.Try) and guards_import_error(node))
        inner_top = top and not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        yield from imports(node, optional=inner_optional, top=inner_top)


MODULES = sorted(PACKAGE.rglob("*.py"))


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def module_path(module: str) -> str | None:
    """The source file of a module of this package, or None."""
    base = ROOT / module.replace(".", "/")
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return relative(candidate)
    return None


@pytest.mark.parametrize("path", MODULES, ids=relative)
def test_every_third_party_import_is_declared_by_the_modules_extra(path: Path) -> None:
    name = relative(path)
    extra = extra_of(name)
    allowed = declared(extra)
    every_extra = set().union(*(declared(e) for e in PYPROJECT["project"]["optional-dependencies"]))
    for module, optional, _ in imports(ast.parse(path.read_text(encoding="utf-8"))):
        top = module.partition(".")[0]
        if top in sys.stdlib_module_names or top == "iamport_async":
            continue
        if top in PROVIDED_BY_HOST.get(name, ()):
            continue
        wanted = distribution(top, allowed | every_extra)
        if optional:  # guarded: fine anywhere, as long as some extra installs it
            assert wanted in every_extra, f"{name} imports {top}: no extra declares {wanted}"
        else:
            assert wanted in allowed, (
                f"{name} (extra {extra or 'none'!r}) imports {top}, "
                f"which {extra or 'the core'!r} does not declare ({wanted})"
            )


@pytest.mark.parametrize("path", MODULES, ids=relative)
def test_a_module_imports_no_module_of_another_extra_when_it_is_imported(path: Path) -> None:
    name = relative(path)
    extra = extra_of(name)
    for module, optional, top_level in imports(ast.parse(path.read_text(encoding="utf-8"))):
        target = module_path(module) if module.startswith("iamport_async") else None
        if target is None or optional or not top_level:
            continue
        assert extra_of(target) in (CORE, extra), (
            f"{name} (extra {extra or 'none'!r}) imports {module}, "
            f"which needs the extra {extra_of(target)!r}"
        )


def test_the_check_sees_an_undeclared_import() -> None:
    """The check is not vacuous: the import that broke ``[fake]`` would fail it."""
    tree = ast.parse("import sniffio\ntry:\n    import uvicorn\nexcept ImportError:\n    pass\n")

    found = list(imports(tree))

    assert found == [("sniffio", False, True), ("uvicorn", True, True)]
    assert "sniffio" not in declared("fake")


def test_development_tools_are_not_published_as_extras() -> None:
    extras = set(PYPROJECT["project"]["optional-dependencies"])

    assert extras == {"fake", "redis", "cli", "otel", "speed"}
    assert {"test", "lint", "typecheck", "docs"} <= set(PYPROJECT["dependency-groups"])


def test_the_speed_extra_is_used_by_itself_when_installed() -> None:
    """``[speed]`` adds msgspec, which the core imports only where it may be missing (the
    check above), and uses without being told: the decoder is msgspec's when it is there."""
    from iamport_async import _json

    assert declared("speed") - declared("") == {"msgspec"}
    try:
        import msgspec  # noqa: F401
    except ImportError:
        assert _json.loads is _json.stdlib_loads
    else:
        assert _json.loads is _json.fast_loads is not None
