"""The pruned-against-alternatives benchmark at smoke-test size (seconds)."""

from argparse import Namespace

import pytest
from _bench import assert_tables_whole, load_script


@pytest.fixture(scope="module")
def benchmark():
    return load_script("benchmarks/bench_alternatives.py")


def cells(text, prefix):
    return [[c.strip() for c in line.strip("|").split("|")]
            for line in text.splitlines() if line.startswith(prefix)]


def test_quick_run_compares_every_model(benchmark, tmp_path, capsys):
    out = tmp_path / "alternatives.md"
    text = benchmark.main(["--quick", "--out", str(out)])
    assert out.read_text().strip() == text
    assert capsys.readouterr().out.strip() == text
    assert_tables_whole(text)
    assert "nan" not in text.lower()
    assert " · `python benchmarks/bench_alternatives.py --quick --out " in text.splitlines()[0]
    rows = cells(text, "| digits |")
    assert [r[1].split("(")[0] for r in rows] == [
        "MLPClassifier", "PrunedMLPClassifier", "MLPClassifier", "MLPClassifier",
        "PrunedMLPClassifier", "MLPClassifier", "MLPClassifier",
        "HistGradientBoostingClassifier"]
    for row in rows:
        assert 0 < float(row[2].split("±")[0]) <= 100 and float(row[7]) > 0
    def number(cell):
        return int(cell.replace(",", ""))

    # The dense networks after a pruned model have as many weights, or as many
    # bytes, as it, up to the rounding of their width (64 inputs + 10 outputs
    # per hidden unit; 8 bytes each and a bias).
    for pruned, weights, size in [rows[1:4], rows[4:7]]:
        assert abs(number(pruned[4]) - number(weights[4])) <= (64 + 10) / 2
        assert abs(number(pruned[5]) - number(size[5])) <= (64 + 10 + 1) * 8 / 2
        assert number(size[4]) > number(weights[4])  # CSR stores an index per weight
    assert number(rows[1][4]) < number(rows[0][4]) / 5
    assert rows[7][4] == ""  # the trees have no weights


def test_mnist_skips_cleanly_when_absent(benchmark, tmp_path, capsys):
    data, note = benchmark.datasets(Namespace(quick=False, mnist_dir=tmp_path))
    assert [d[0] for d in data] == ["digits"]
    assert "MNIST-10k: skipped" in note and str(tmp_path) in note
    assert note in capsys.readouterr().err


def test_matched_width_counts_the_weights_of_one_hidden_layer(benchmark):
    assert benchmark.matched_width(740, 64, 10) == 10
    assert benchmark.matched_width(7940, 784, 10) == 10
    assert benchmark.matched_width(30, 8, 2) == 3  # binary: one output unit
    assert benchmark.matched_width(1, 64, 10) == 1
    # 16 units of a 64-16-10 network: 1,184 weights and 26 biases of 8 bytes.
    assert benchmark.matched_width_bytes((1184 + 26) * 8, 64, 10) == 16
    assert benchmark.matched_width_bytes((1184 + 26) * 4, 64, 10, itemsize=4) == 16
