"""Write the mutations table of docs/retries.md from the ``@mutation`` marks.

Run from the repository root after adding or changing a mutating endpoint method::

    python scripts/gen_mutations_table.py

``tests/contract/test_mutations_doc.py`` fails while the committed table is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "retries.md"


def render(page: str) -> str:
    """``page`` with the text between the table's markers replaced by the current table."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from iamport_async import Iamport
    from iamport_async._mutations import BEGIN, END, table

    client = Iamport(imp_key="docs", imp_secret="docs")  # noqa: S106 (no request is sent)
    head, _, rest = page.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{table(client)}\n{END}{tail}"


def main() -> None:
    OUTPUT.write_text(render(OUTPUT.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
