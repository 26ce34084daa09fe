"""A document written one block per line, as the ``.rows`` files of tests/fixtures/layouts hold it.

* a prose block: ``P <text>`` (a block of several lines: its lines joined by `` ⏎ ``);
* a table row: ``R <label>|<label> ⇥ <value> ⇥ <value>…``, an empty value cell written ``∅``,
  a pad cell (markitdown's ``| |``) ``~``; ``Rt`` for a row whose line ended in a separator;
* then two spaces and ``@<line>`` or ``@<line>-<end line>``.
"""

from __future__ import annotations

from gongkai._document import Cell, Document, Row, Where


def _value(cell: Cell) -> str:
    if cell.pad:
        return "~"
    return cell.text or "∅"


def _where(where: Where) -> str:
    if where.end_line in (None, where.line):
        return f"@{where.line}"
    return f"@{where.line}-{where.end_line}"


def rows_text(doc: Document) -> str:
    """``doc``'s blocks, one line each (see the module's docstring)."""
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Row):
            head = "Rt" if block.trailing else "R"
            values = "".join(" ⇥ " + _value(c) for c in block.values)
            out.append(f"{head} {block.label}{values}  {_where(block.where)}")
        else:
            out.append(f"P {block.text.replace(chr(10), ' ⏎ ')}  {_where(block.where)}")
    return "".join(line + "\n" for line in out)
