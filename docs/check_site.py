"""Check the built HTML pages: results shown as text, no path of a machine.

Two things an include of benchmark output can get wrong, and that the reST
sources do not show: a markdown heading (``## Title``) rendered as a line of
running text, and an absolute path of the machine that ran a benchmark or
built the site (an ``--out`` into a temporary folder, a gallery example
printing its data folder). ``.ci/build-docs`` runs this after the build::

    python docs/check_site.py docs/_build/html

It prints each problem and exits with status 1 when there is one.
``tests/test_provenance.py`` uses the same checks on the includes.
"""

import re
import sys
from html.parser import HTMLParser
from pathlib import Path

#: An absolute path of a machine: a slash that starts a word, then two names
#: (a temporary folder's file, a data folder under the root), or a Windows
#: drive. URLs (``//``, ``:/``), ratios (``1/42``) and "and/or" do not start
#: a word with a slash.
ABSOLUTE_PATH = re.compile(r"(?<![\w:/.~)\]>*-])/[A-Za-z_][\w.-]*/[\w.-]+|\b[A-Z]:\\\w")

#: Folders of the built site that hold assets and highlighted source, not pages.
NOT_PAGES = {"_modules", "_sources", "_static", "_images", "_downloads"}


def absolute_paths(text):
    """The absolute paths in ``text``, sorted."""
    return sorted({m.group() for m in ABSOLUTE_PATH.finditer(text)})


class _Text(HTMLParser):
    """The text of a page: running text by block, and all text (code too)."""

    BLOCKS = {"p", "li", "td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "caption", "div"}
    SKIP = {"script", "style"}

    def __init__(self):
        super().__init__()
        self.running, self.all, self._open = [""], [], []

    def handle_starttag(self, tag, attrs):
        self._open.append(tag)
        if tag in self.BLOCKS:
            self.running.append("")

    def handle_endtag(self, tag):
        while self._open and self._open.pop() != tag:
            pass
        if tag in self.BLOCKS:
            self.running.append("")

    def handle_data(self, data):
        if self.SKIP & set(self._open):
            return
        self.all.append(data)
        # A "# comment" in a code block is code; only running text is checked.
        if not {"pre", "code"} & set(self._open):
            self.running[-1] += data


def problems(html, name):
    """Running-text lines of ``html`` that start with ``#``, and absolute paths in it."""
    parser = _Text()
    parser.feed(html)
    lines = [line.strip() for block in parser.running for line in block.splitlines()]
    found = ["%s: a markdown heading shown as text: %r" % (name, line[:70])
             for line in lines if line.startswith("#")]
    paths = absolute_paths(" ".join(parser.all))
    return found + (["%s: absolute path(s) %s" % (name, ", ".join(paths))] if paths else [])


def check_site(site):
    """The problems of every page of the built site in folder ``site``."""
    site = Path(site)
    if not (site / "index.html").is_file():
        raise FileNotFoundError("no built site in %s (bash .ci/build-docs builds it)" % site)
    found = []
    for page in sorted(site.rglob("*.html")):
        name = page.relative_to(site)
        if not NOT_PAGES & set(name.parts):
            found += problems(page.read_text(encoding="utf-8"), name.as_posix())
    return found


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    site = argv[0] if argv else Path(__file__).resolve().parent / "_build" / "html"
    found = check_site(site)
    print("\n".join(found) or "%s: no markdown heading shown as text, no absolute path" % site)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
