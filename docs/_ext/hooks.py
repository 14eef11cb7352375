"""mkdocs hooks: fail the build when a rendered docstring still shows markup meant for Sphinx.

After autorefs has resolved the links, a role written by ``sphinx_markup.py`` that found no
target is a ``<span title="...">`` around its code; raw ``:class:`` text or a bare ``::``
paragraph means the extension missed something. Each is a warning, so ``--strict`` fails.
"""

from __future__ import annotations

import logging
import re
from typing import Any

log = logging.getLogger("mkdocs.hooks.sphinx_markup")

UNRESOLVED = re.compile(r'<span title="([^"]+)"><code class="sphinx-role">')
RAW_ROLE = re.compile(r":(?:class|meth|func|data|attr|exc|mod|obj):(?:`|<code>)")
BARE_LITERAL = re.compile(r"<p>[^<]*::</p>")


def on_post_page(output: str, page: Any, config: Any, **kwargs: Any) -> str:
    for target in UNRESOLVED.findall(output):
        where = page.file.src_uri
        log.warning("%s: a docstring names %s, which the reference does not show", where, target)
    for found in (*RAW_ROLE.findall(output), *BARE_LITERAL.findall(output)):
        log.warning("%s: Sphinx markup rendered as text: %s", page.file.src_uri, found)
    return output
