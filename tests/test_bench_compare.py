"""The side-by-side benchmark against MLPClassifier at smoke-test sizes (seconds)."""

import re

import pytest
from _bench import load_script


@pytest.fixture(scope="module")
def bench():
    return load_script("benchmarks/bench_compare.py")


def test_quick_markdown_table_is_whole(bench, capsys):
    text = bench.main(["--quick", "--repeats", "1", "--datasets", "digits"])
    assert capsys.readouterr().out.strip() == text.strip()
    rows = [line for line in text.splitlines() if line.startswith("|")]
    assert len(rows) == 2 + len(bench.MODELS)
    assert len({row.count("|") for row in rows}) == 1
    assert "| predict 1 |" in rows[0] and "| predict 1,000 |" in rows[0]
    assert "nan" not in text.lower() and "inf" not in text.lower()
    # The reference row is 1.00× of itself; every model reports its accuracy.
    assert rows[2].startswith("| MLPClassifier() |") and "(1.00×)" in rows[2]
    for row in rows[2:]:
        accuracy = float(row.split("|")[3])
        assert 0.0 <= accuracy <= 1.0
    # MLPClassifier's pickle holds its weights four times (Adam's moments, the
    # best weights): more than its weights' bytes; every model reports both.
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    pickled, alone = header.index("bytes"), header.index("weights' bytes")
    for row in rows[2:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        pickle_bytes, weight_bytes = (int(cells[i].split()[0].replace(",", ""))
                                      for i in (pickled, alone))
        assert 0 < weight_bytes < pickle_bytes
    reference = [c.strip() for c in rows[2].strip("|").split("|")]
    assert int(reference[pickled].split()[0].replace(",", "")) > 3 * int(
        reference[alone].split()[0].replace(",", ""))


def test_quick_rst_and_stored_weights(bench, capsys):
    text = bench.main(["--quick", "--rst", "--repeats", "1", "--datasets", "digits"])
    capsys.readouterr()
    assert ".. list-table::" in text and "   * - PrunedMLPClassifier, sparsity=0.95" in text
    assert text.splitlines()[0].endswith(
        " · ``python benchmarks/bench_compare.py --quick --rst --repeats 1 --datasets digits``")
    # Stored weights shrink with the sparsity target.
    weights = [
        int(m.replace(",", ""))
        for m in re.findall(r"^     - ([\d,]+)$", text, flags=re.MULTILINE)
    ]
    mlp, default, s90, s95 = weights
    assert s95 < s90 < default <= mlp


def test_mnist_skips_cleanly_when_absent(bench, tmp_path, capsys):
    text = bench.main(["--quick", "--datasets", "mnist", "--mnist-dir", str(tmp_path)])
    capsys.readouterr()
    assert "skipped" in text and "list-table" not in text


def _include_rows(text):
    """``{(data set, model): cells}`` of the list-tables in ``docs/includes/bench_compare.rst``."""
    rows, data, header, cells = {}, None, None, []

    def flush():
        nonlocal header
        if cells and cells[0] == "model":
            header = list(cells)
        elif cells:
            rows[data, cells[0]] = dict(zip(header, cells))
        cells.clear()

    for line in text.splitlines():
        if line.startswith("**"):
            flush()
            data = "MNIST-10k" if "MNIST" in line else "digits"
        elif line.startswith("   * - "):
            flush()
            cells.append(line[7:].strip())
        elif line.startswith("     - "):
            cells.append(line[7:].strip())
    flush()
    return rows


def readme_compare_rows(include_text):
    """The README's comparison rows, as the benchmark's include gives them."""
    names = {"MLPClassifier()": "`MLPClassifier()`",
             "PrunedMLPClassifier()": "`PrunedMLPClassifier()`",
             "PrunedMLPClassifier, sparsity=0.9": "`PrunedMLPClassifier(sparsity=0.9)`",
             "PrunedMLPClassifier, sparsity=0.95": "`PrunedMLPClassifier(sparsity=0.95)`"}
    lines = []
    for (data, model), cells in _include_rows(include_text).items():
        lines.append("| %s | %s | %.3f | %s | %s | %s | %s |" % (
            data, names[model], float(cells["accuracy"]), cells["weights"],
            cells["bytes"].split()[0], cells["weights' bytes"].split()[0],
            cells["predict 10,000"].split("(")[1].rstrip(")")))
    return lines


def test_readme_comparison_table_is_the_benchmarks_include():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    include = (root / "docs" / "includes" / "bench_compare.rst").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How it compares with `MLPClassifier()`", 1)[1]
    shown = [line for line in section.split("\n## ", 1)[0].splitlines()
             if line.startswith("| digits") or line.startswith("| MNIST")]
    assert shown == readme_compare_rows(include)
