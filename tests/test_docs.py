"""The documentation: the API reference lists every public name, and product
text speaks to users about what the package does."""

import re
from pathlib import Path

import pytest
from _bench import load_script

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
    ("skprune/_fit/callbacks.py", "Report the end of the task;"),
    ("skprune/_fit/callbacks.py", "links this fit into the task tree"),
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
    r"\(target\b|\bmet\?|\*\*missed\*\*|\b[Ee]arlier\s+runs\b|\bdevelopers\b|<checkout>"
    r"|\.\./shared"
)


def user_pages():
    """README, the documentation pages and their includes (the changelog keeps history)."""
    docs = ROOT / "docs"
    pages = [ROOT / "README.md", *docs.glob("*.rst"), *(docs / "includes").glob("*.rst")]
    return sorted(p for p in pages if p.name != "changelog.rst")


def test_user_pages_read_as_what_users_get():
    found = []
    for path in user_pages():
        text = path.read_text(encoding="utf-8")
        # A phrase may wrap onto the next line.
        for match in ACCEPTANCE_WORDING.finditer(text):
            number = text.count("\n", 0, match.start()) + 1
            found.append("%s:%d: %s" % (path.relative_to(ROOT), number,
                                        " ".join(match.group().split())))
    assert found == [], "say what users get, measured:\n" + "\n".join(found)


def test_the_acceptance_check_catches_what_it_should():
    for bad in ["ratio (target <= 0.25)", "   * - met?", "     - **missed**",
                "Earlier runs gave 0.9", "as earlier\nruns showed", "several developers",
                "--compare <checkout>", "from ../shared/data/mnist"]:
        assert ACCEPTANCE_WORDING.search(bad), bad
    for fine in ["a sparsity target of 0.9", "(targets in the hundreds", "metric"]:
        assert not ACCEPTANCE_WORDING.search(fine), fine


# ---------------------------------------------------------------------- #
# Numbers on the pages are the benchmarks' saved output.
# ---------------------------------------------------------------------- #
INCLUDES = ROOT / "docs" / "includes"
RESULTS = ROOT / "benchmarks" / "results"

#: Includes written as reST by their source, with no markdown results file.
WRITTEN_AS_RST = {
    "bench_compare.rst": "python benchmarks/bench_compare.py --rst",
    # Rendered from the recipe table; tests/test_recipes.py checks it is current.
    "recipes.rst": "python docs/recipe_table.py",
}


def _include_source(include):
    """The results file an include is converted from, and whether it is tables only."""
    tables = include.stem.endswith("_tables")
    return RESULTS / (include.stem.removesuffix("_tables") + ".md"), tables


def _run_description(results_file, line_start):
    for line in results_file.read_text(encoding="utf-8").splitlines():
        if line.startswith(line_start):
            return line[len(line_start):].strip()
    return None


@pytest.mark.parametrize(
    "include", sorted(p.name for p in INCLUDES.glob("*.rst")), ids=str
)
def test_each_include_is_its_results_file_converted(include):
    if include in WRITTEN_AS_RST:
        pytest.skip("written by %s" % WRITTEN_AS_RST[include])
    md_to_rst = load_script("benchmarks/md_to_rst.py")
    source, tables = _include_source(INCLUDES / include)
    assert source.is_file(), "docs/includes/%s has no results file %s" % (include, source.name)
    expected = md_to_rst.convert(source.read_text(encoding="utf-8"), tables=tables)
    assert (INCLUDES / include).read_text(encoding="utf-8") == expected, (
        "regenerate it: python benchmarks/md_to_rst.py%s benchmarks/results/%s "
        "> docs/includes/%s" % (" --tables" if tables else "", source.name, include)
    )


def test_a_page_of_tables_names_their_machine_and_commit():
    # A "_tables" include leaves the run's description out: its page names them.
    pages = 0
    for page in sorted((ROOT / "docs").glob("*.rst")):
        text = page.read_text(encoding="utf-8")
        for include in re.findall(r"^\.\. include:: includes/(\S+_tables\.rst)$", text,
                                  flags=re.MULTILINE):
            pages += 1
            source, _ = _include_source(INCLUDES / include)
            first = source.read_text(encoding="utf-8").splitlines()[0]
            commit = re.search(r" · commit ([0-9a-f]+)", first)
            commit = commit and commit.group(1)
            machine = _run_description(source, "- machine:")
            assert commit and machine, "%s names no commit or machine" % source.name
            assert commit in text, "%s: say the tables ran at commit %s" % (page.name, commit)
            cpu = machine.split(",")[0]
            assert cpu in text, "%s: name the machine (%s)" % (page.name, cpu)
    assert pages >= 2


def test_md_to_rst_tables_only_leaves_out_the_run_description():
    md_to_rst = load_script("benchmarks/md_to_rst.py")
    markdown = (
        "2026-12-04 · commit abc · X · `python b.py`\n\n## Title\n\n- machine: X\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n## Second part\n\n| c |\n|---|\n| 3 |\n\n"
        "Largest |x - y| difference: 1e-06\n"
    )
    text = md_to_rst.convert(markdown, tables=True)
    assert text.startswith(".. list-table::")
    assert "machine" not in text and "abc" not in text
    assert ".. rubric:: Second part" in text
    assert "Largest \\|x - y\\| difference" in text  # not a substitution reference
    assert "machine: X" in md_to_rst.convert(markdown)


# ---------------------------------------------------------------------- #
# Figures: their script reads the benchmark output committed now.
# ---------------------------------------------------------------------- #
def _figures():
    pytest.importorskip("matplotlib")
    return load_script("docs/images/make_figures.py")


def test_predict_figure_reads_the_current_results():
    figures = _figures()
    text = (RESULTS / figures.SOURCES["predict"][0]).read_text(encoding="utf-8")
    lines, neurons = figures.predict_series(text)
    assert sorted(lines) == [1, 64, 10_000]
    for batch, points in lines.items():
        pruned = sorted(s for s, _ in points)
        assert pruned[0] == 0.0 and pruned[-1] >= 0.99, batch
        assert all(speed > 0 for _, speed in points)
        assert 0.9 < neurons[batch][0] < 1
    # The speed-ups are the table's own cells.
    speeds = {cell.strip("* ") for line in text.splitlines() if "| predict_proba |" in line
              and "| float64 |" in line for cell in line.split("|")[7:8]}
    assert {"%.2f" % v for pts in lines.values() for _, v in pts} <= speeds


def test_epoch_figure_reads_the_current_results():
    figures = _figures()
    text = (RESULTS / figures.SOURCES["epoch"][0]).read_text(encoding="utf-8")
    rows = figures.epoch_series(text)
    data_rows = [line for line in text.splitlines()
                 if line.startswith("| ") and ("| float64 |" in line or "| float32 |" in line)]
    assert len(rows) == len(data_rows) >= 2
    assert {dtype for _, dtype, _ in rows} == {"float64", "float32"}
    assert all(0 < ratio < 10 for _, _, ratio in rows)


def test_figure_parsers_refuse_an_output_of_another_format():
    figures = _figures()
    old = "| dtype | batch | model | dense (ms) | CSR (ms) | speed-up |\n|---|---|---|---|---|---|\n"
    with pytest.raises(ValueError, match="rerun the benchmark"):
        figures.predict_series(old + "| float64 | 1 | 0.0 % of weights pruned | 1 | 2 | 0.5 |\n")


# ---------------------------------------------------------------------- #
# Links to other projects: their inventories are committed.
# ---------------------------------------------------------------------- #
@pytest.mark.parametrize(
    "project, name",
    [
        ("python", "pickle.dumps"),
        ("numpy", "numpy.ndarray"),
        ("scipy", "scipy.sparse.csr_array"),
        ("sklearn", "sklearn.neural_network.MLPClassifier"),
        ("sklearn", "sklearn.callback.ProgressBar"),
        ("sklearn", "sklearn.exceptions.InconsistentVersionWarning"),
        ("dask", "dask.dataframe.DataFrame"),
        ("distributed", "distributed.LocalCluster"),
        ("matplotlib", "matplotlib.axes.Axes"),
        ("joblib", "joblib.Parallel"),
    ],
)
def test_intersphinx_inventories_are_committed(project, name):
    import posixpath

    sphinx_inventory = pytest.importorskip("sphinx.util.inventory")

    conf = (ROOT / "docs" / "conf.py").read_text(encoding="utf-8")
    assert '("%s", "https://' % project in conf
    path = ROOT / "docs" / "_intersphinx" / ("%s.inv" % project)
    with path.open("rb") as f:
        inventory = sphinx_inventory.InventoryFile.load(f, "https://example.org/", posixpath.join)
    # The build looks names up here, not on the network.
    assert any(name in inventory[role] for role in inventory if role.startswith("py:"))


# ---------------------------------------------------------------------- #
# The command-line demo's transcript is what the demo prints now.
# ---------------------------------------------------------------------- #
#: Rows of the demo's report that do not depend on the machine.
DEMO_ROWS = ("accuracy", "sparsity (%)", "stored weights", "compression", "neurons kept",
             "layers", "multiply-adds per sample", "model bytes (pickled)")


def _demo_rows(text):
    return [line.split() for line in text.splitlines() if line.startswith(DEMO_ROWS)]


def test_cli_transcript_and_sizes_are_what_the_demo_prints(capsys):
    from skprune._cli import main

    main([])
    now = _demo_rows(capsys.readouterr().out)
    saved_text = (INCLUDES / "cli_demo.txt").read_text(encoding="utf-8")
    assert len(now) == len(DEMO_ROWS)
    assert _demo_rows(saved_text) == now, (
        "regenerate: python -m skprune > docs/includes/cli_demo.txt 2>&1"
    )
    dense, pruned = (int(v) for v in now[-1][-2:])
    persistence = (ROOT / "docs" / "persistence.rst").read_text(encoding="utf-8")
    prose = " ".join(persistence.split())
    assert "%s bytes (dense) to %s bytes (pruned)" % (format(dense, ","),
                                                     format(pruned, ",")) in prose


def test_pages_quote_the_size_table():
    # persistence.rst quotes the 90 % row of bench_size's table.
    rows = [line.split("|") for line in
            (RESULTS / "bench_size.md").read_text(encoding="utf-8").splitlines()
            if "| PrunedMLPClassifier, sparsity=0.9 |" in line]
    ratios = {cells[1].strip(): cells[7].strip(" *") for cells in rows}
    prose = " ".join((ROOT / "docs" / "persistence.rst").read_text(encoding="utf-8").split())
    assert ("%sx the bytes of the dense weights in float32 and %sx in float64"
            % (ratios["float32"], ratios["float64"])) in prose


def test_cli_weight_bits_transcript_is_what_the_demo_prints(capsys):
    from skprune._cli import main

    main(["--weight-bits", "4", "-q"])
    now = _demo_rows(capsys.readouterr().out)
    saved = _demo_rows((INCLUDES / "cli_weight_bits.txt").read_text(encoding="utf-8"))
    assert len(now) == len(DEMO_ROWS)
    assert saved == now, (
        "regenerate: python -m skprune --weight-bits 4 -q > docs/includes/cli_weight_bits.txt 2>&1"
    )


def _long_options(text):
    return set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", text))


def test_cli_help_on_its_page_lists_every_option():
    from skprune._cli import build_parser

    options = {flag for action in build_parser()._actions for flag in action.option_strings
               if flag.startswith("--")}
    saved = (INCLUDES / "cli_help.txt").read_text(encoding="utf-8")
    assert "--weight-bits" in options
    assert _long_options(saved) == options, (
        "regenerate: COLUMNS=80 python -m skprune --help > docs/includes/cli_help.txt"
    )
    page = (ROOT / "docs" / "cli.rst").read_text(encoding="utf-8")
    assert ".. literalinclude:: includes/cli_help.txt" in page
