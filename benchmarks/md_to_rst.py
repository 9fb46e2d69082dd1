"""Convert a benchmark's markdown output to reST for the documentation.

Markdown tables become ``list-table`` directives; headings (``#`` to
``######``) become rubrics, which do not enter the page's table of contents;
text in single backticks (a command, a parameter) becomes a literal; a
"Targets" section, the benchmark's check of its run against goals, is left
out. Other lines pass through. Text is escaped so that ``(100)`` stays text
(reST would read a cell starting with ``(1)`` as a numbered list), as do
``sparsity_`` and ``|x - y|``. Usage::

    python benchmarks/accuracy_vs_sparsity.py --datasets digits \\
        > benchmarks/results/accuracy_vs_sparsity_digits.md
    python benchmarks/md_to_rst.py benchmarks/results/accuracy_vs_sparsity_digits.md \\
        > docs/includes/accuracy_vs_sparsity_digits.rst

With ``--tables`` the output leaves out the run's description (the
provenance line, the first title and the list naming the machine and the
libraries), for a page that names the machine and the commit once above
several tables. Such an include is named after its results file with
``_tables`` appended::

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


#: A markdown heading.
HEADING = re.compile(r"^#{1,6} +(.*?)\s*#*\s*$")

#: Inline literals: ``double`` or `single` backticks.
LITERAL = re.compile(r"``(?:[^`]|`(?!`))+``|`[^`]+`")


def _cell(text):
    text = text.strip()
    # "(100)", "1." or "a)" at the start of a cell would start an enumerated list.
    escape = "\\" if re.match(r"^(\(?\w{1,3}[.)])(\s|$)", text) else ""
    return escape + _inline(text)


def _escape(text):
    """Plain text: ``sparsity_`` would be a reference, ``|a - b|`` a substitution."""
    return re.sub(r"(\w)_(?=\W|$)", r"\1\\_", text).replace("|", "\\|")


def _inline(text):
    """``text`` with its backticked parts as reST literals and the rest escaped."""
    out, end = [], 0
    for match in LITERAL.finditer(text):
        before = text[end:match.start()]
        # A literal must stand apart from a word: "\ " is an escaped nothing.
        if before and (before[-1].isalnum() or before[-1] in "\\"):
            before += "\\ "
        out += [_escape(before), "``%s``" % match.group().strip("`")]
        end = match.end()
        if text[end:end + 1].isalnum():
            out.append("\\ ")
    out.append(_escape(text[end:]))
    return "".join(out)


def _drop_run_description(lines):
    """The lines after the provenance line, the first title and the run's list."""
    i = 0
    while i < len(lines) and (not lines[i].strip() or lines[i].startswith(("#", "- "))
                              or (i == 0 and " · commit " in lines[i])):
        if i > 0 and HEADING.match(lines[i]) and any(
                HEADING.match(line) for line in lines[:i]):
            break  # a second title starts the results
        i += 1
    return lines[i:]


def _drop_targets(lines):
    """``lines`` without "Targets" sections: from their heading to their table's end."""
    out, dropping, seen_table = [], False, False
    for line in lines:
        heading = HEADING.match(line)
        if heading:
            dropping, seen_table = heading.group(1).strip() == "Targets", False
            if dropping:
                continue
        elif dropping:
            if line.startswith("|"):
                seen_table = True
                continue
            if not seen_table or not line.strip():
                continue
            dropping = False  # what follows the check's table is the run's again
        out.append(line)
    return out


def _table(rows):
    """A ``list-table`` for markdown ``rows`` (lists of cells); [] for a check of goals."""
    header, body = rows[0], rows[1:]
    names = [c.strip() for c in header]
    if names[0] == "target" and names[-1] in ACCEPTANCE_VERDICTS:
        return []  # a check of the run against goals: not for the pages
    has_header = any(names)
    out = [".. list-table::"] + (["   :header-rows: 1"] if has_header else []) + [""]
    for row in ([header] if has_header else []) + body:
        out.append(("   * - " + _cell(row[0])).rstrip())
        # An empty cell is an empty list item.
        out.extend(("     - " + _cell(c)).rstrip() for c in row[1:])
    return out + [""]


def convert(markdown, tables=False):
    """reST for ``markdown``; ``tables=True`` leaves out the run's description."""
    out, table = [], []
    lines = markdown.splitlines()
    if tables:
        lines = _drop_run_description(lines)
    for line in _drop_targets(lines) + [""]:
        if line.startswith("|"):
            if "-" in line and set(line) <= set("|-: "):
                continue
            table.append(line.strip().strip("|").split("|"))
            continue
        if table:
            out += _table(table)
            table.clear()
        heading = HEADING.match(line)
        if heading:
            out += ["", ".. rubric:: " + _inline(heading.group(1)), ""]
        else:
            out.append(_inline(line))
    # One blank line between blocks, none at the start.
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")
    return text + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=argparse.FileType(), default=sys.stdin)
    parser.add_argument("--tables", action="store_true",
                        help="leave out the run's description (title, machine, commit)")
    args = parser.parse_args(argv)
    sys.stdout.write(convert(args.file.read(), tables=args.tables))


if __name__ == "__main__":
    main()
