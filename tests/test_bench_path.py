"""The sparsity-selection and BLAS-thread benchmarks at smoke-test sizes."""

from _bench import load_script


def test_bench_path_quick(capsys, tmp_path):
    bench = load_script("benchmarks/bench_path.py")
    out = tmp_path / "path.md"
    bench.main(["--quick", "--datasets", "digits,regression", "--quality-seeds", "1",
                "--out", str(out)])
    text = out.read_text()
    rows = [line for line in text.splitlines() if line.startswith("| digits")
            or line.startswith("| regression")]
    assert len(rows) == 2
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert float(cells[2]) > 0 and float(cells[3]) > 0
        assert float(cells[5]) in bench.LEVELS and float(cells[6]) in bench.LEVELS
    assert "## Path quality (digits, 1 seeds)" in text
    assert text.count("\n| 0.") >= len(bench.LEVELS)
    assert "nan" not in text.lower()


def test_bench_threads_quick(capsys):
    bench = load_script("benchmarks/bench_threads.py")
    bench.main(["--quick", "--repeats", "1"])
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| 500")]
    assert len(rows) == 1 and "×" in rows[0]
