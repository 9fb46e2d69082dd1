"""Convert a benchmark's markdown output to reST for the documentation.

Markdown tables become ``list-table`` directives and ``###`` headings become
``~~~`` section titles; other lines pass through. Cells are escaped so that
``(100)`` stays text (reST would read a cell starting with ``(1)`` as a
numbered list). Usage::

    python benchmarks/accuracy_vs_sparsity.py --datasets digits \\
        > benchmarks/results/accuracy_vs_sparsity_digits.md
    python benchmarks/md_to_rst.py benchmarks/results/accuracy_vs_sparsity_digits.md \\
        > docs/includes/accuracy_vs_sparsity_digits.rst
"""

import argparse
import re
import sys

#: Headers of the tables a benchmark prints to check its run against goals;
#: the documentation shows what was measured, not those checks.
ACCEPTANCE_HEADERS = [["target", "measured", "status"], ["target", "measured", "met?"]]


def _cell(text):
    text = text.strip()
    # "(100)", "1." or "a)" at the start of a cell would start an enumerated list.
    if re.match(r"^(\(?\w{1,3}[.)])(\s|$)", text):
        text = "\\" + text
    return _escape_underscores(text)


def _escape_underscores(text):
    """``sparsity_`` would be a reference to a target named ``sparsity``."""
    return re.sub(r"(\w)_(?=\W|$)", r"\1\\_", text)


def convert(markdown):
    out, table = [], []

    def flush():
        if not table:
            return
        header, body = table[0], table[1:]
        if [c.strip() for c in header] in ACCEPTANCE_HEADERS:
            table.clear()  # a check of the run against goals: not for the pages
            return
        has_header = any(c.strip() for c in header)
        out.extend([".. list-table::"] + (["   :header-rows: 1"] if has_header else []) + [""])
        for row in ([header] if has_header else []) + body:
            out.append(("   * - " + _cell(row[0])).rstrip())
            # An empty cell is an empty list item.
            out.extend(("     - " + _cell(c)).rstrip() for c in row[1:])
        out.append("")
        table.clear()

    for line in markdown.splitlines():
        if line.startswith("|"):
            if "-" in line and set(line) <= set("|-: "):
                continue
            table.append(line.strip().strip("|").split("|"))
            continue
        flush()
        if line.startswith("### "):
            title = line[4:].strip()
            if title == "Targets":  # its table is dropped; its notes stay
                title = "Notes"
            out.extend([title, "~" * len(title)])
        else:
            out.append(_escape_underscores(line))
    flush()
    return "\n".join(out).rstrip() + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=argparse.FileType(), default=sys.stdin)
    args = parser.parse_args(argv)
    sys.stdout.write(convert(args.file.read()))


if __name__ == "__main__":
    main()
