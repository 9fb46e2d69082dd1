"""The training-quality benchmark at smoke-test sizes (seconds): it runs and its tables are whole."""

import pytest
from _bench import assert_tables_whole, load_script


@pytest.fixture(scope="module")
def benchmark():
    return load_script("benchmarks/bench_quality.py")


def test_quick_run_tables_and_targets(benchmark, tmp_path, capsys, monkeypatch):
    # Tinier than --quick's own sizes, so the smoke test takes seconds.
    monkeypatch.setattr(benchmark, "QUICK_ROWS", {"regression": 120, "default": 120})
    out = tmp_path / "quality.md"
    text = benchmark.main(
        ["--quick", "--datasets", "iris", "breast_cancer_unscaled", "regression",
         "--mnist-dir", str(tmp_path), "--out", str(out)]
    )
    assert out.read_text().strip() == text
    assert capsys.readouterr().out.strip() == text
    assert_tables_whole(text)
    assert "nan" not in text.lower()
    for heading in ("### iris", "### breast_cancer_unscaled", "### regression", "### Targets"):
        assert heading in text
    for row in ("| sklearn MLPClassifier() |", "| sklearn MLPClassifier(solver='lbfgs') |",
                "| skprune defaults |", "| skprune sparsity=0.9 |", "| skprune sparsity=0.95 |",
                "| sklearn MLPRegressor() |", "| skprune PrunedMLPRegressor() |"):
        assert row in text
    # Sparsity rows are for scaled data only: iris has them, unscaled data not.
    unscaled = text.split("### breast_cancer_unscaled")[1].split("###")[0]
    assert "sparsity=0.9" not in unscaled
    # Every target that applies has a status; solver rows follow the API.
    targets = text.split("### Targets")[1]
    assert targets.count("| met |") + targets.count("| **missed** |") == 4
    assert ("| skprune solver='lbfgs' |" in text) == benchmark.has_solver()


def test_mnist_skips_cleanly_when_absent(benchmark, tmp_path):
    text = benchmark.main(["--quick", "--datasets", "mnist", "--mnist-dir", str(tmp_path)])
    assert "Skipped: MNIST not found" in text
    assert "No target applies" in text
    assert_tables_whole(text)


# The README's "Training quality" table: each row's results file and section.
README_ROWS = {
    "digits": ("bench_quality.md", "digits"),
    "MNIST-10k, (300, 100)": ("bench_quality_mnist.md", "mnist"),
    "synthetic, 20 classes": ("bench_quality.md", "synthetic"),
    "digits, unscaled": ("bench_quality.md", "digits_unscaled"),
    "breast_cancer, unscaled": ("bench_quality.md", "breast_cancer_unscaled"),
    "regression, raw targets (R²)": ("bench_quality.md", "regression"),
}
#: README columns after the first two, and the results rows they show.
README_COLUMNS = ("skprune defaults", "skprune sparsity=0.9", "skprune sparsity=0.95")


def _results_rows(path, section):
    """``{model: (mean, ratio)}`` of one section of a bench_quality results file."""
    text = path.read_text(encoding="utf-8").split("### %s\n" % section, 1)[1]
    text = text.split("\n### ", 1)[0]
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| s") and len(cells) >= 4:
            rows[cells[0]] = (float(cells[1].split("±")[0]), cells[3])
    return rows


def _readme_cells(label, rows, digits):
    reference = rows.get("sklearn MLPClassifier()") or rows["sklearn MLPRegressor()"]
    if "skprune defaults" not in rows:
        rows = {**rows, "skprune defaults": rows["skprune PrunedMLPRegressor()"]}
    cells = [label, "%.*f" % (digits, reference[0])]
    for name in README_COLUMNS:
        mean, ratio = rows.get(name, (None, None))
        cells.append("" if mean is None else "%.*f (%s)" % (digits, mean, ratio))
    return cells


def test_readme_training_quality_table_shows_the_results():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Training quality", 1)[1].split("\n\n| data |", 1)[1]
    lines = [line for line in table.split("\n\n", 1)[0].splitlines() if line.startswith("| ")]
    shown = {}
    for line in lines:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        shown[cells[0]] = cells
    assert set(shown) == set(README_ROWS)
    for label, (name, section) in README_ROWS.items():
        rows = _results_rows(root / "benchmarks" / "results" / name, section)
        expected = _readme_cells(label, rows, 4 if "R²" in label else 3)
        # A blank README cell leaves that result out; a filled one shows it.
        assert [c if s else "" for c, s in zip(expected, shown[label])] == shown[label], label
