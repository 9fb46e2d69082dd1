"""The documentation: the API reference lists every public name, and product
text speaks to users about what the package does."""

import re
from pathlib import Path

import skprune

ROOT = Path(__file__).resolve().parents[1]
API_RST = ROOT / "docs" / "api.rst"

#: Words about where the project came from, and placeholders a reader cannot act on.
FORBIDDEN = [
    r"\bthe seed's",
    r"\bthe seed loop",
    r"\bthe issue\b",
    r"\bthe issue's",
    r"\bthe task\b",
    r"\bthe prototypes?\b",
    r"<this repository>",
    r"<(?:this|your|the) (?:repo|repository|url|package|project)[^>]*>",
]

#: Legitimate uses: "task" is scikit-learn's callback term for a unit of work,
#: and the classification-or-regression task of a target column.
ALLOWED = [
    ("skprune/_callbacks.py", "Report the end of the task;"),
    ("skprune/_callbacks.py", "links this fit into the task tree"),
    ("skprune/_cli_input.py", "and the task they call for"),
]

#: Build outputs, generated pages and caches are not sources.
SKIP_PARTS = {"_build", "auto_examples", "generated", "__pycache__", ".ipynb_checkpoints"}


def product_text_files():
    files = [ROOT / "README.md"]
    for folder, patterns in [
        ("skprune", ["*.py"]),
        ("docs", ["*.rst", "*.py", "*.html", "*.txt"]),
        ("examples", ["*.py", "*.rst"]),
        ("benchmarks", ["*.py"]),
    ]:
        for pattern in patterns:
            files += [
                path
                for path in (ROOT / folder).rglob(pattern)
                if not SKIP_PARTS & set(path.relative_to(ROOT).parts)
            ]
    return sorted(files)


def test_api_reference_lists_every_public_name():
    text = API_RST.read_text()
    # Entries of the autosummary blocks: indented bare names.
    listed = set(re.findall(r"^   ([A-Za-z_][A-Za-z0-9_]*)$", text, flags=re.MULTILINE))
    public = set(skprune.__all__) - {"__version__"}
    assert public - listed == set(), "add these to docs/api.rst"
    assert listed - public == set(), "docs/api.rst lists names skprune does not export"


def _forbidden():
    # A phrase may wrap onto the next line: a space matches any whitespace.
    return re.compile(
        "|".join(p.replace(" ", r"\s+") for p in FORBIDDEN), flags=re.IGNORECASE
    )


def test_product_text_has_no_internal_words_or_placeholders():
    files = product_text_files()
    assert len(files) > 20 and ROOT / "docs" / "index.rst" in files
    pattern = _forbidden()
    found = []
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for match in pattern.finditer(text):
            number = text.count("\n", 0, match.start()) + 1
            context = " ".join(lines[number - 1 : number + 1])
            if any(rel == f and phrase in context for f, phrase in ALLOWED):
                continue
            found.append("%s:%d: %s" % (rel, number, " ".join(match.group().split())))
    assert found == [], "product text must not say:\n" + "\n".join(found)


def test_the_word_check_catches_what_it_should(tmp_path):
    pattern = _forbidden()
    for bad in [
        "the\n    seed's magnitude rule",
        "Training follows the seed's loop.",
        "The issue this page answers",
        "The references the task set out from",
        'pip install "skprune @ git+<this repository>"',
    ]:
        assert pattern.search(bad), bad
    for fine in ["seed 0", "random_state=0 seeds the generator", "a classification task"]:
        assert not pattern.search(fine), fine


#: Wording of an acceptance report, not of a user's page: goals and whether
#: they were met, history, and paths only the authors have.
ACCEPTANCE_WORDING = re.compile(
    r"\(target\b|\bmet\?|\*\*missed\*\*|\bEarlier runs\b|\bdevelopers\b|<checkout>|\.\./shared"
)


def user_pages():
    """README, the documentation pages and their includes (the changelog keeps history)."""
    docs = ROOT / "docs"
    pages = [ROOT / "README.md", *docs.glob("*.rst"), *(docs / "includes").glob("*.rst")]
    return sorted(p for p in pages if p.name != "changelog.rst")


def test_user_pages_read_as_what_users_get():
    found = []
    for path in user_pages():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ACCEPTANCE_WORDING.search(line):
                found.append("%s:%d: %s" % (path.relative_to(ROOT), number, line.strip()))
    assert found == [], "say what users get, measured:\n" + "\n".join(found)


def test_the_acceptance_check_catches_what_it_should():
    for bad in ["ratio (target <= 0.25)", "   * - met?", "     - **missed**",
                "Earlier runs gave 0.9", "several developers", "--compare <checkout>",
                "from ../shared/data/mnist"]:
        assert ACCEPTANCE_WORDING.search(bad), bad
    for fine in ["a sparsity target of 0.9", "(targets in the hundreds", "metric"]:
        assert not ACCEPTANCE_WORDING.search(fine), fine
