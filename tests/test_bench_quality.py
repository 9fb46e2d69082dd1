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
