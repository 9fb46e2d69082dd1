"""Convert a benchmark's markdown output to reST for the documentation.

Markdown tables become ``list-table`` directives and ``###`` headings become
``~~~`` section titles; other lines pass through. Cells are escaped so that
``(100)`` stays text (reST would read a cell starting with ``(1)`` as a
numbered list). Usage::

    python benchmarks/accuracy_vs_sparsity.py --datasets digits \\
        > benchmarks/results/accuracy_vs_sparsity_digits.md
    python benchmarks/md_to_rst.py benchmarks/results/accuracy_vs_sparsity_digits.md \\
        > docs/includes/accuracy_vs_sparsity_digits.rst

With ``--tables`` the output leaves out the run's description (the ``##``
title and the list naming the machine, the libraries and the commit), for a
page that names the machine and the commit once above several tables; later
``##`` titles become rubrics. Such an include is named after its results file
with ``_tables`` appended::

    python benchmarks/md_to_rst.py --tables benchmarks/results/bench_epoch.md \\
        > docs/includes/bench_epoch_tables.rst
"""

import argparse
import re
import sys

#: Headers of the tables a benchmark prints to check its run against goals;
#: the documentation shows what was measured, not those checks.
#: A table is such a check when its first column is "target" and its last one
#: one of these.
ACCEPTANCE_VERDICTS = {"status", "met", "met?"}


def _cell(text):
    text = text.strip()
    # "(100)", "1." or "a)" at the start of a cell would start an enumerated list.
    if re.match(r"^(\(?\w{1,3}[.)])(\s|$)", text):
        text = "\\" + text
    return _escape_underscores(text)


def _escape_underscores(text):
    """``sparsity_`` would be a reference to a target named ``sparsity``."""
    return re.sub(r"(\w)_(?=\W|$)", r"\1\\_", text)


def _drop_run_description(lines):
    """The lines after the leading ``##`` title and the list that describes the run."""
    i = 0
    while i < len(lines) and (not lines[i].strip() or lines[i].startswith(("## ", "- "))):
        i += 1
    return lines[i:]


def _text(line):
    """A line of prose: ``|a - b|`` would be a substitution reference in reST."""
    return _escape_underscores(line).replace("|", "\\|")


def convert(markdown, tables=False):
    """reST for ``markdown``; ``tables=True`` leaves out the run's description."""
    out, table = [], []
    lines = markdown.splitlines()
    if tables:
        lines = _drop_run_description(lines)

    def flush():
        if not table:
            return
        header, body = table[0], table[1:]
        names = [c.strip() for c in header]
        if names[0] == "target" and names[-1] in ACCEPTANCE_VERDICTS:
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

    for line in lines:
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
        elif tables and line.startswith("## "):
            out.append(".. rubric:: " + _text(line[3:].strip()))
        elif tables:
            out.append(_text(line))
        else:
            out.append(_escape_underscores(line))
    flush()
    return "\n".join(out).rstrip() + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=argparse.FileType(), default=sys.stdin)
    parser.add_argument("--tables", action="store_true",
                        help="leave out the run's description (title, machine, commit)")
    args = parser.parse_args(argv)
    sys.stdout.write(convert(args.file.read(), tables=args.tables))


if __name__ == "__main__":
    main()
