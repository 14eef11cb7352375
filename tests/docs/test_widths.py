"""Code lines fit the docs' content column: mkdocs-material at 1280 px cuts off past 79.

A cut-off line hides what a reader copies, so every line of a ``python`` block of a page
(indentation included, as it renders) stays within 79 characters, and so does each line
of a file a block includes with ``--8<--``.
"""

from __future__ import annotations

import re

import pytest

from tests.docs._samples import DOCS, ROOT

WIDTH = 79
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)")
_INCLUDE = re.compile(r'^\s*--8<--\s+"(?P<name>[^"]+)"\s*$')
"""A snippet include: the page shows that file's lines in the block."""
PAGES = sorted(str(path.relative_to(ROOT)) for path in DOCS.glob("*.md"))
README = "README.md"


def too_long(path: str, text: str) -> list[str]:
    """``page:line (width)`` for each line of a ``python`` block wider than ``WIDTH``."""
    found: list[str] = []
    fence: str | None = None
    python = False
    for number, line in enumerate(text.splitlines(), start=1):
        opening = _FENCE.match(line)
        if fence is None:
            if opening is not None:
                fence, python = opening["fence"], opening["lang"] in ("python", "py")
        elif (
            opening is not None
            and line.strip() == opening["fence"]
            and opening["fence"].startswith(fence)
        ):
            fence = None
        elif python and (included := _INCLUDE.match(line)) is not None:
            name = included["name"]
            found += too_long(name, "```python\n" + (ROOT / name).read_text(encoding="utf-8"))
        elif python and len(line) > WIDTH:
            found.append(f"{path}:{number} ({len(line)})")
    return found


@pytest.mark.parametrize("path", [*PAGES, README])
def test_python_lines_fit_the_content_column(path: str) -> None:
    assert too_long(path, (ROOT / path).read_text(encoding="utf-8")) == []


def test_a_long_line_is_named_by_page_and_line() -> None:
    text = "```python\nx = 1\n" + "y" * 80 + "\n```\n```text\n" + "z" * 90 + "\n```\n"
    assert too_long("docs/page.md", text) == ["docs/page.md:3 (80)"]
