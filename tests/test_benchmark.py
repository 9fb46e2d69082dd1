"""The accuracy-vs-sparsity benchmark at smoke-test sizes (seconds): it runs and its tables are whole."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MNIST_DIR = ROOT.parent / "shared" / "data" / "mnist"


@pytest.fixture(scope="module")
def benchmark():
    spec = importlib.util.spec_from_file_location(
        "accuracy_vs_sparsity", ROOT / "benchmarks" / "accuracy_vs_sparsity.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tables_are_whole(text):
    for line in text.splitlines():
        if line.startswith("|"):
            assert line.endswith("|")
    for block in text.split("\n\n"):
        rows = [r for r in block.splitlines() if r.startswith("|")]
        if rows:
            assert len({r.count("|") for r in rows}) == 1, block


def test_digits_quick(benchmark, capsys):
    text = benchmark.main(["--quick", "--seeds", "1", "--datasets", "digits"])
    assert "| magnitude | gradual | layer |" in text
    assert "| rewound to init |" in text
    assert "| activation |" in text and "### Targets" in text
    assert "nan" not in text.lower()
    _tables_are_whole(text)
    assert capsys.readouterr().out.strip() == text


def test_mnist_skips_cleanly_when_absent(benchmark, tmp_path):
    text = benchmark.main(["--quick", "--datasets", "mnist", "--mnist-dir", str(tmp_path)])
    assert "Skipped" in text
    _tables_are_whole(text)


@pytest.mark.skipif(not MNIST_DIR.exists(), reason="MNIST not found at ../shared/data/mnist")
def test_mnist_quick(benchmark):
    text = benchmark.main(["--quick", "--datasets", "mnist", "--mnist-dir", str(MNIST_DIR)])
    assert "| magnitude | gradual | global | " in text
    assert "Dense reference" in text and "Skipped" not in text
    _tables_are_whole(text)
