"""The accuracy-vs-sparsity benchmark at smoke-test sizes (seconds): it runs and its tables are whole."""

import pytest
from _bench import assert_tables_whole, load_script

# Where the benchmarks look by default ($SKPRUNE_MNIST_DIR, or the local copy).
MNIST_DIR = load_script("benchmarks/_timing.py").default_mnist_dir()


@pytest.fixture(scope="module")
def benchmark():
    return load_script("benchmarks/accuracy_vs_sparsity.py")


def test_digits_quick(benchmark, capsys):
    text = benchmark.main(["--quick", "--seeds", "1", "--datasets", "digits"])
    assert "| magnitude | gradual | layer |" in text
    assert "| rewound to init |" in text
    assert "| activation |" in text and "### Targets" in text
    assert "nan" not in text.lower()
    assert_tables_whole(text)
    assert capsys.readouterr().out.strip() == text


def test_mnist_skips_cleanly_when_absent(benchmark, tmp_path):
    text = benchmark.main(["--quick", "--datasets", "mnist", "--mnist-dir", str(tmp_path)])
    assert "Skipped" in text
    assert_tables_whole(text)


@pytest.mark.skipif(not MNIST_DIR.exists(), reason="MNIST not found (SKPRUNE_MNIST_DIR)")
def test_mnist_quick(benchmark):
    text = benchmark.main(["--quick", "--datasets", "mnist", "--mnist-dir", str(MNIST_DIR)])
    assert "| magnitude | gradual | global | " in text
    assert "Dense reference" in text and "Skipped" not in text
    assert_tables_whole(text)
