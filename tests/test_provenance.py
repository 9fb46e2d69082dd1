"""Benchmark results say where they come from, and the pages show them as text.

Every results file starts with its provenance line (date, commit, machine,
command); ``benchmarks/stale.py`` lists the files whose code has changed
since; no results file or page names a folder of the machine that made it;
the included results render as reST (no markdown ``#`` headings in running
text). ``.ci/build-docs`` runs the checks of the built site here too.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest
from _bench import load_script

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DOCS = ROOT / "docs"
SITE = DOCS / "_build" / "html"


@pytest.fixture(scope="module")
def stale():
    return load_script("benchmarks/stale.py")


@pytest.fixture(scope="module")
def timing():
    return load_script("benchmarks/_timing.py")


@pytest.fixture(scope="module")
def site():
    return load_script("docs/check_site.py")


def _absolute_paths(text):
    return load_script("docs/check_site.py").absolute_paths(text)


def test_absolute_path_pattern():
    for bad in ["--out /tmp/lead/bq/x.md", "(/work/shared/data/mnist)",
                "`/home/me/mnist`", "C:\\Users\\me"]:
        assert _absolute_paths(bad), bad
    for fine in ["https://docs.python.org/3/library", "1/42 of the bytes", "and/or",
                 "benchmarks/results/bench_x.md", "pixels / 255", "docs/_build/html"]:
        assert not _absolute_paths(fine), fine


# ---------------------------------------------------------------------- #
# The provenance line.
# ---------------------------------------------------------------------- #
@pytest.mark.parametrize("name", sorted(p.name for p in RESULTS.glob("*.md")))
def test_each_results_file_starts_with_its_provenance(stale, name):
    first = (RESULTS / name).read_text(encoding="utf-8").splitlines()[0]
    match = stale.PROVENANCE.match(first)
    assert match, "%s: first line is not 'date · commit · machine · `command`'" % name
    for script in stale.SCRIPT.findall(match["commands"]):
        assert (ROOT / "benchmarks" / script).is_file(), script
        assert script in stale.CODE_PATHS, script


def test_no_results_file_or_page_names_a_folder_of_a_machine():
    files = [*RESULTS.glob("*.md"), *DOCS.glob("*.rst"), *(DOCS / "includes").glob("*"),
             ROOT / "README.md"]
    found = ["%s: %s" % (p.relative_to(ROOT), ", ".join(_absolute_paths(p.read_text("utf-8"))))
             for p in sorted(files) if _absolute_paths(p.read_text("utf-8"))]
    assert found == [], "write paths relative to the clone:\n" + "\n".join(found)


def test_every_benchmark_writes_the_line_and_declares_its_code(stale):
    for script in sorted((ROOT / "benchmarks").glob("*.py")):
        if script.name in stale.TOOLS:
            continue
        text = script.read_text(encoding="utf-8")
        assert "provenance(" in text or "header(" in text, (
            "%s: start its output with _timing.provenance(__file__, argv)" % script.name)
        assert script.name in stale.CODE_PATHS, (
            "%s: list the package paths it exercises in stale.CODE_PATHS" % script.name)
    assert set(stale.CODE_PATHS) <= {p.name for p in (ROOT / "benchmarks").glob("*.py")}


def test_declared_code_paths_exist(stale):
    paths = set(stale.NOT_IN_A_FIT)
    for declared in stale.CODE_PATHS.values():
        paths |= set(declared) - {stale.FIT}
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert missing == [], "stale.py names files the package no longer has: %s" % missing


def test_provenance_line_is_what_stale_reads(stale, timing):
    script = ROOT / "benchmarks" / "bench_quality.py"
    line = timing.provenance(str(script), ["--seeds", "3"])
    match = stale.PROVENANCE.match(line)
    assert match and match["commands"] == "`python benchmarks/bench_quality.py --seeds 3`"
    rst = timing.provenance(str(script), ["--seeds", "3"], rst=True)
    assert rst.endswith("``python benchmarks/bench_quality.py --seeds 3``")
    assert stale.PROVENANCE.match(rst)


def test_command_line_has_no_folder_of_the_machine(timing, tmp_path, monkeypatch):
    script = ROOT / "benchmarks" / "bench_time.py"
    mnist = timing.default_mnist_dir()
    command = timing.command_line(str(script), [
        "--seeds", "3", "--out", str(ROOT / "benchmarks" / "results" / "x.md"),
        "--mnist-dir", str(mnist), "--rows=%s" % (tmp_path / "rows.csv")])
    assert command == ("python benchmarks/bench_time.py --seeds 3 "
                       "--out benchmarks/results/x.md --rows=rows.csv")
    # From another folder, the script and a path inside the clone still read
    # from the clone's root; another MNIST folder keeps only its name.
    monkeypatch.chdir(ROOT / "benchmarks")
    command = timing.command_line("bench_time.py", [
        "--out", "results/x.md", "--mnist-dir", str(tmp_path / "mnist")])
    assert command == "python benchmarks/bench_time.py --out benchmarks/results/x.md " \
                      "--mnist-dir mnist"


# ---------------------------------------------------------------------- #
# stale.py on a repository of its own.
# ---------------------------------------------------------------------- #
def _git(repo, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    out = subprocess.run(["git", "-C", str(repo), *args], env=env, check=True,
                         capture_output=True, text=True)
    return out.stdout.strip()


def _commit(repo, files, message="change"):
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    _git(repo, "add", "-A")
    _git(repo, "-c", "commit.gpgsign=false", "commit", "-q", "-m", message)
    return _git(repo, "rev-parse", "--short", "HEAD")


def _result(commit, script="bench_quality.py"):
    return ("2026-12-04 · commit %s · 2-core CPU, OpenBLAS · `python benchmarks/%s --seeds 3`"
            "\n\n## Table\n" % (commit, script))


@pytest.fixture
def repo(tmp_path):
    _git(tmp_path, "init", "-q", "-b", "main")
    _commit(tmp_path, {"skprune/_loop.py": "a = 1\n", "skprune/_cli.py": "b = 1\n",
                       "skprune/_products.py": "c = 1\n", "README.md": "x\n"})
    return tmp_path


def _stale_names(stale, repo):
    return {Path(path).name: reason for path, reason in stale.stale(repo)}


def test_stale_lists_results_whose_code_changed_since(stale, repo):
    run = _git(repo, "rev-parse", "--short", "HEAD")
    _commit(repo, {"benchmarks/results/quality.md": _result(run),
                   "benchmarks/results/products.md": _result(run, "bench_products.py")})
    assert _stale_names(stale, repo) == {}
    # Files that no fit runs through, and anything outside the package, leave it current.
    _commit(repo, {"skprune/_cli.py": "b = 2\n", "README.md": "y\n"})
    assert _stale_names(stale, repo) == {}
    # Docstrings and comments of the fit's code change: the results still hold.
    _commit(repo, {"skprune/_loop.py": '"""The loop."""\n\n\na = 1  # one\n'})
    assert _stale_names(stale, repo) == {}
    # The fit's code changes: the fit benchmark is stale, the products one is not.
    latest = _commit(repo, {"skprune/_loop.py": '"""The loop, changed."""\na = 2\n'})
    found = _stale_names(stale, repo)
    assert list(found) == ["quality.md"]
    assert "skprune/_loop.py" in found["quality.md"] and latest in found["quality.md"]
    # A new module is on the path of every fit until it is declared otherwise.
    _commit(repo, {"benchmarks/results/quality.md": _result(latest)})
    _commit(repo, {"skprune/_new.py": "d = 1\n"})
    assert "skprune/_new.py" in _stale_names(stale, repo)["quality.md"]


def test_stale_lists_results_of_code_not_in_this_history(stale, repo):
    base = _git(repo, "rev-parse", "--short", "HEAD")
    _git(repo, "checkout", "-q", "-b", "other")
    elsewhere = _commit(repo, {"README.md": "other\n"})
    _git(repo, "checkout", "-q", "main")
    _commit(repo, {
        "benchmarks/results/branch.md": _result(elsewhere),
        "benchmarks/results/unknown.md": _result("abcdef1"),
        "benchmarks/results/no_line.md": "## Table\n",
        "benchmarks/results/no_script.md": _result(base, "bench_unlisted.py"),
        "benchmarks/results/current.md": _result(base),
    })
    found = _stale_names(stale, repo)
    assert sorted(found) == ["branch.md", "no_line.md", "no_script.md", "unknown.md"]
    assert "not an ancestor of HEAD" in found["branch.md"]
    assert "not in this clone's history" in found["unknown.md"]
    assert "no provenance line" in found["no_line.md"]
    assert "bench_unlisted.py" in found["no_script.md"]


def test_stale_reads_includes_that_a_benchmark_writes_as_rest(stale, repo):
    run = _git(repo, "rev-parse", "--short", "HEAD")
    rst = _result(run, "bench_compare.py").replace("`python", "``python").replace(
        "3`", "3``")
    _commit(repo, {"docs/includes/compare.rst": rst, "docs/includes/other.rst": "Text\n"})
    assert [p.name for p in stale.results_files(repo)] == ["compare.rst"]
    _commit(repo, {"skprune/_loop.py": "a = 3\n"})
    assert list(_stale_names(stale, repo)) == ["compare.rst"]


def test_stale_main_is_advisory_unless_strict(stale, capsys):
    # On this clone: the listing never fails without --strict.
    assert stale.main([]) == 0
    out = capsys.readouterr().out
    counts = re.search(r"^(\d+) of (\d+) results files stale$", out, flags=re.MULTILINE)
    assert counts and int(counts[2]) >= len(list(RESULTS.glob("*.md")))
    assert stale.main(["--strict"]) == (1 if int(counts[1]) else 0)


# ---------------------------------------------------------------------- #
# Included results are reST: rubrics, literals, no acceptance checks.
# ---------------------------------------------------------------------- #
def test_md_to_rst_writes_headings_as_rubrics_and_commands_as_literals():
    md_to_rst = load_script("benchmarks/md_to_rst.py")
    text = md_to_rst.convert(
        "2026-12-04 · commit abc1234 · CPU · `python benchmarks/b.py --seeds 3`\n\n"
        "## Training quality\n\n- command: `python b.py --out x_`, see `x`s\n"
        "# Choosing the sparsity\nsparsity_ |a - b|\n\n| a `--x` | b |\n|---|---|\n| 1 | 2 |\n\n"
        "### Targets\n\nThe target is met.\n\n| target | measured | met |\n|---|---|---|\n"
        "| x ≥ 1 | 2 | **missed** |\n\nTotal time: 3 s.\n")
    assert "``python benchmarks/b.py --seeds 3``" in text
    assert ".. rubric:: Training quality\n" in text
    assert ".. rubric:: Choosing the sparsity\n\nsparsity\\_ \\|a - b\\|" in text
    assert "``python b.py --out x_``, see ``x``\\ s" in text
    assert "   * - a ``--x``" in text
    assert not re.search(r"^#", text, flags=re.MULTILINE)
    assert "Targets" not in text and "met" not in text and "Total time: 3 s." in text


def _render(rst):
    """HTML body of a reST include, rendered by docutils as Sphinx would."""
    from docutils.core import publish_parts

    return publish_parts(rst, writer="html",
                         settings_overrides={"report_level": 2, "halt_level": 2})["body"]


def test_the_page_checks_catch_what_they_should(site):
    assert site.problems("<p>## Training quality</p>", "x")
    assert site.problems("<p>x\n# Choosing</p>", "x")
    assert site.problems("<pre>--out /tmp/lead/x.md</pre>", "x")
    assert not site.problems("<pre># a comment</pre><p>a # b, 1/42</p>", "x")


@pytest.mark.parametrize("include", sorted(p.name for p in (DOCS / "includes").glob("*.rst")))
def test_included_results_render_as_text(site, include):
    pytest.importorskip("docutils")
    html = _render((DOCS / "includes" / include).read_text(encoding="utf-8"))
    assert site.problems(html, include) == []


def test_built_site_has_no_markdown_heading_or_machine_path(site):
    # .ci/build-docs runs the same check (docs/check_site.py) after its build.
    if not (SITE / "index.html").is_file():
        pytest.skip("the site is not built here (bash .ci/build-docs builds it)")
    found = site.check_site(SITE)
    assert found == [], "\n".join(found)
